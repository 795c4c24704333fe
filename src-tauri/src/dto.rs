//! The data that crosses IPC, converted by hand from engine types. The UI's TypeScript declarations
//! (`ui/src/bindings/`) are generated from these types; a test keeps them current.

use folio_engine::{AskEvent, EngineError, IndexEvent, IndexReport, Location, Problem, Progress, SearchHit};
use serde::Serialize;
use ts_rs::TS;

/// An error the UI can act on: a stable machine-readable `code` and a human message.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorDto {
    /// The engine's [`EngineError::code`] (`invalid_input`, `not_found`, `refused`, `busy`,
    /// `incompatible`, `storage`, `model`, `io`, `internal`), or the shell's own `not_granted` (the user did
    /// not confirm a path).
    #[ts(
        type = r#""invalid_input" | "not_found" | "refused" | "busy" | "incompatible" | "storage" | "model" | "io" | "internal" | "not_granted""#
    )]
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

impl From<EngineError> for ErrorDto {
    fn from(e: EngineError) -> Self {
        ErrorDto { code: e.code(), message: e.to_string() }
    }
}

/// What the app's background work was doing when it met a problem: a key of the window's `failure`
/// messages, so the window says it in its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum BackgroundTaskDto {
    /// Opening the library (another process may hold it).
    OpenLibrary,
    /// Finishing indexing jobs a crash or a quit interrupted.
    ResumeJobs,
    /// Starting to watch the folders for changes.
    Watch,
    /// Indexing changes the watch saw.
    IndexChanges,
    /// Following one folder's changes (the others are followed).
    FollowFolder,
    /// Switching the embedding model.
    SwitchEmbedder,
}

/// A problem of the app's background work, sent to the window as `background-problem`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackgroundProblemDto {
    /// What was being done.
    pub what: BackgroundTaskDto,
    /// Why: the engine error's code and message.
    pub error: ErrorDto,
    /// The folder it concerns, if one.
    pub folder: Option<String>,
    /// In how many seconds the app tries again, if it does.
    pub retry_secs: Option<u64>,
}

impl std::fmt::Display for BackgroundProblemDto {
    /// For the log, in English.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.what)?;
        if let Some(folder) = &self.folder {
            write!(f, " {folder}")?;
        }
        write!(f, ": {} ({})", self.error.message, self.error.code)?;
        match self.retry_secs {
            Some(secs) => write!(f, "; trying again in {secs} s"),
            None => Ok(()),
        }
    }
}

/// What `control_job` does to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum JobActionDto {
    /// Pause a queued or running job.
    Pause,
    /// Let a paused job go on.
    Resume,
    /// Stop a job; what it indexed stays.
    Cancel,
}

/// Indexing progress.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressDto {
    job: i64,
    files_done: u64,
    files_total: u64,
    chunks_written: u64,
    current: Option<String>,
    bytes_per_sec: f64,
    eta_secs: Option<u64>,
    paused: bool,
}

impl From<&Progress> for ProgressDto {
    fn from(p: &Progress) -> Self {
        ProgressDto {
            job: p.job.0,
            files_done: p.files_done,
            files_total: p.files_total,
            chunks_written: p.chunks_written,
            current: p.current.clone(),
            bytes_per_sec: p.bytes_per_sec(),
            eta_secs: p.eta_secs(),
            paused: p.paused,
        }
    }
}

/// An indexing job.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JobDto {
    id: i64,
    folders: Vec<String>,
    #[ts(type = r#""queued" | "running" | "paused" | "cancelled" | "done" | "failed""#)]
    state: &'static str,
    files_done: u64,
    files_total: u64,
    error: Option<String>,
}

impl From<&folio_engine::JobRecord> for JobDto {
    fn from(j: &folio_engine::JobRecord) -> Self {
        JobDto {
            id: j.id.0,
            folders: j.folders.clone(),
            state: j.state.as_str(),
            files_done: j.files_done,
            files_total: j.files_total,
            error: j.error.clone(),
        }
    }
}

/// A folder of the library with its files' statuses.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FolderDto {
    /// What "remove" sends back (`remove_folder` takes an id, never a path).
    id: i64,
    path: String,
    files: Vec<FileDto>,
}

/// A file and what Folio made of it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileDto {
    path: String,
    #[ts(type = r#""queued" | "indexing" | "indexed" | "skipped" | "failed""#)]
    status: &'static str,
    /// Why it was skipped or failed, as data the window says in its language.
    reason: Option<Problem>,
}

impl FolderDto {
    /// `folder` with those of `docs` that belong to it.
    pub fn new(folder: folio_engine::Folder, docs: &[folio_engine::DocumentRecord]) -> Self {
        let files = docs
            .iter()
            .filter(|d| d.folder_id == folder.id)
            .map(|d| FileDto { path: d.path.clone(), status: d.status.as_str(), reason: d.reason.clone() })
            .collect();
        FolderDto { id: folder.id.0, path: folder.path, files }
    }
}

/// A chat in the chat list.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatDto {
    id: i64,
    title: String,
    messages: u32,
    updated_at: i64,
}

impl From<&folio_engine::ChatSummary> for ChatDto {
    fn from(c: &folio_engine::ChatSummary) -> Self {
        ChatDto { id: c.id.0, title: c.title.clone(), messages: c.messages, updated_at: c.updated_at }
    }
}

/// A stored message with its citations.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageDto {
    #[ts(type = r#""user" | "assistant""#)]
    role: &'static str,
    text: String,
    /// An answer's Markdown as sanitised HTML (`null` for questions).
    html: Option<String>,
    #[ts(type = r#""complete" | "answering" | "cancelled" | "failed" | "not_found""#)]
    state: &'static str,
    model: Option<String>,
    citations: Vec<CitationDto>,
}

impl From<&folio_engine::ChatMessage> for MessageDto {
    fn from(m: &folio_engine::ChatMessage) -> Self {
        MessageDto {
            role: m.role.as_str(),
            text: m.text.clone(),
            html: (m.role == folio_engine::Role::Assistant).then(|| crate::render::answer_html(&m.text)),
            state: m.state.as_str(),
            model: m.model.clone(),
            citations: m.citations.iter().map(CitationDto::from).collect(),
        }
    }
}

/// The outcome of indexing.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IndexSummaryDto {
    job: i64,
    cancelled: bool,
    moved: usize,
    indexed: u64,
    unchanged: u64,
    chunks: u64,
    problems: Vec<FileProblemDto>,
}

/// A file indexing did not index, and why.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileProblemDto {
    path: String,
    problem: Problem,
    /// Whether the version indexed earlier stays in the index.
    earlier_kept: bool,
}

impl From<&IndexReport> for IndexSummaryDto {
    fn from(r: &IndexReport) -> Self {
        IndexSummaryDto {
            job: r.job.0,
            cancelled: r.cancelled,
            moved: r.moved.len(),
            indexed: r.indexed,
            unchanged: r.unchanged,
            chunks: r.chunks,
            problems: r
                .skipped
                .iter()
                .chain(&r.failed)
                .map(|n| FileProblemDto {
                    path: n.path.clone(),
                    problem: n.problem.clone(),
                    earlier_kept: n.earlier_kept,
                })
                .collect(),
        }
    }
}

/// An event of an indexing job (the page's view of `folio_engine::IndexEvent`), sent to the window as
/// `index-event` for every job, those the page started and those the app runs in the background: each
/// job's events end with `finished` or `failed`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum IndexEventDto {
    /// The job exists.
    Started {
        /// The job's id.
        job: i64,
    },
    /// Where the job stands.
    Progress {
        /// Its progress.
        progress: ProgressDto,
    },
    /// The job ended (done or cancelled).
    Finished {
        /// What it did.
        summary: IndexSummaryDto,
    },
    /// The job stopped on an error; what was done stays indexed.
    Failed {
        /// The job, when it was created.
        job: Option<i64>,
        /// The engine error's stable code (see [`ErrorDto::code`]).
        #[ts(
            type = r#""invalid_input" | "not_found" | "refused" | "busy" | "incompatible" | "storage" | "model" | "io" | "internal" | "not_granted""#
        )]
        code: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl From<&IndexEvent> for IndexEventDto {
    fn from(e: &IndexEvent) -> Self {
        match e {
            IndexEvent::Started { job } => IndexEventDto::Started { job: job.0 },
            IndexEvent::Progress(p) => IndexEventDto::Progress { progress: ProgressDto::from(p) },
            IndexEvent::Finished(r) => IndexEventDto::Finished { summary: IndexSummaryDto::from(r) },
            IndexEvent::Failed { job, failure } => {
                IndexEventDto::Failed { job: job.map(|j| j.0), code: failure.code, message: failure.message.clone() }
            }
        }
    }
}

/// A passage as the UI shows it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassageDto {
    chunk_id: i64,
    /// What "open the file" sends back (`open_file` takes a document id, never a path).
    document_id: i64,
    path: String,
    location: Location,
    place: String,
    text: String,
}

impl From<&folio_engine::Passage> for PassageDto {
    fn from(p: &folio_engine::Passage) -> Self {
        PassageDto {
            chunk_id: p.chunk_id.0,
            document_id: p.document_id.0,
            path: p.path.clone(),
            location: p.location.clone(),
            place: p.location.describe(),
            text: p.text.clone(),
        }
    }
}

/// A search result.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HitDto {
    passage: PassageDto,
    score: f64,
    snippet: String,
}

impl HitDto {
    /// A hit with a snippet around the query's terms.
    pub fn new(h: &SearchHit, query: &str) -> Self {
        HitDto {
            passage: PassageDto::from(&h.passage),
            score: h.score,
            snippet: folio_core::snippet::snippet(&h.passage.text, query, 200),
        }
    }
}

/// A cited passage.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CitationDto {
    marker: u32,
    passage: PassageDto,
}

impl From<&folio_engine::Citation> for CitationDto {
    fn from(c: &folio_engine::Citation) -> Self {
        CitationDto { marker: c.marker, passage: PassageDto::from(&c.passage) }
    }
}

/// A cited sentence its passage does not support (`folio_core::support`).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnsupportedDto {
    /// The sentence as shown.
    sentence: String,
    /// The marker whose passage does not support it.
    marker: u32,
    /// Why.
    reason: String,
}

/// An event of a streamed answer.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AskEventDto {
    /// The question is stored in `chat`; `searchQuery` is what is searched.
    Started {
        /// The chat the question belongs to.
        chat: i64,
        /// The standalone query searched (a follow-up is rewritten).
        search_query: String,
    },
    /// Passages retrieved.
    Retrieved {
        /// The passages given to the model, numbered from 1 in this order.
        passages: Vec<PassageDto>,
    },
    /// A piece of the answer.
    Token {
        /// Text to append.
        text: String,
    },
    /// The answer is complete.
    Finished {
        /// The chat the answer belongs to.
        chat: i64,
        /// The answer as the model wrote it (Markdown with [n] markers).
        answer: String,
        /// The answer's Markdown as sanitised HTML.
        answer_html: String,
        /// False when the files do not seem to contain the answer.
        grounded: bool,
        /// The passages the answer cites, each with its marker.
        citations: Vec<CitationDto>,
        /// Cited sentences their passage does not support, shown as such.
        unsupported: Vec<UnsupportedDto>,
        /// The model that answered.
        model: String,
    },
    /// Answering failed.
    Failed {
        /// The engine error's stable code (see [`ErrorDto::code`]).
        #[ts(
            type = r#""invalid_input" | "not_found" | "refused" | "busy" | "incompatible" | "storage" | "model" | "io" | "internal" | "not_granted""#
        )]
        code: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl From<AskEvent> for AskEventDto {
    fn from(e: AskEvent) -> Self {
        match e {
            AskEvent::Started { chat, search_query } => AskEventDto::Started { chat: chat.0, search_query },
            AskEvent::Retrieved(ps) => AskEventDto::Retrieved { passages: ps.iter().map(PassageDto::from).collect() },
            AskEvent::Token(t) => AskEventDto::Token { text: t },
            AskEvent::Finished(o) => AskEventDto::Finished {
                chat: o.chat.0,
                grounded: o.grounded,
                answer_html: crate::render::answer_html(&o.answer.text),
                answer: o.answer.text,
                citations: o.answer.citations.iter().map(CitationDto::from).collect(),
                unsupported: o
                    .answer
                    .unsupported
                    .into_iter()
                    .map(|u| UnsupportedDto { sentence: u.sentence, marker: u.marker, reason: u.reason })
                    .collect(),
                model: o.model,
            },
            AskEvent::Failed(f) => AskEventDto::Failed { code: f.code, message: f.message },
        }
    }
}

/// What the settings panel shows.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsDto {
    /// Where the catalog and indexes live.
    pub library_dir: String,
    /// Whether `$FOLIO_LIBRARY` fixes the library's directory (it cannot be changed in the app then).
    pub library_dir_from_env: bool,
    /// Where model files live.
    pub models_dir: String,
    /// The name of the model that answers.
    pub chat_model: String,
    /// Its file.
    pub chat_model_path: String,
    /// The bundled SmolLM2 file.
    pub bundled_model_path: String,
    /// The chat models Folio can download (Llama 3.1 8B, 3.2 3B and 1B Instruct), best answers first.
    pub chat_models: Vec<ChatModelDto>,
    /// The bundled model's decode speed as measured on this machine (`folio-dev bench answer`), tokens
    /// per second; the downloadable models' estimates scale it.
    pub measured_tokens_per_s: Option<f64>,
    /// Threads used for indexing (embedding); a change applies at the next start.
    pub index_threads: u32,
    /// The machine's CPU threads.
    pub max_threads: u32,
    /// The language of the app's window: "system" (the system's locale), "en" or "fr".
    pub ui_language: String,
}

/// A chat model the settings offer for download.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatModelDto {
    /// Stable id (`llama-3.1-8b-instruct`, `llama-3.2-3b-instruct`, `llama-3.2-1b-instruct`).
    pub id: String,
    /// Name shown.
    pub name: String,
    /// Where it is (or will be) downloaded.
    pub path: String,
    /// Whether it is on disk.
    pub downloaded: bool,
    /// About how many bytes its download fetches.
    pub download_bytes: u64,
    /// Parameters, in millions.
    pub params_millions: u32,
    /// Its decode speed on this machine, an estimate (the bundled model's measured speed scaled by
    /// parameter count); absent until the bundled model was measured.
    pub estimated_tokens_per_s: Option<f64>,
}

impl ChatModelDto {
    /// `model` as it stands in `models`.
    pub fn new(
        model: &folio_engine::ChatModel,
        models: &folio_engine::ModelPaths,
        measured: Option<&folio_engine::MeasuredSpeed>,
    ) -> Self {
        let path = models.chat_model_path(model);
        ChatModelDto {
            id: model.id.into(),
            name: model.name.into(),
            downloaded: path.is_file(),
            path: path.display().to_string(),
            download_bytes: model.download_bytes,
            params_millions: model.params_millions,
            estimated_tokens_per_s: measured.map(|m| model.estimated_tokens_per_s(m)),
        }
    }
}

/// An embedding model the settings offer.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EmbedderDto {
    /// Stable id (`all-minilm-l6-v2`, `multilingual-e5-small`).
    pub id: String,
    /// Name shown.
    pub name: String,
    /// Trained on many languages.
    pub multilingual: bool,
    /// Shipped with Folio.
    pub bundled: bool,
    /// Its files are in the models directory.
    pub downloaded: bool,
    /// About how many bytes its download fetches.
    pub download_bytes: u64,
}

/// The embedding model the library searches with, a switch under way, and the models offered.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddingDto {
    /// The id of the model whose vectors are searched.
    pub active: String,
    /// The model a switch is moving to (search keeps `active` until it is done).
    pub switching_to: Option<String>,
    /// Passages the switch has embedded.
    pub done: u64,
    /// Passages to embed.
    pub total: u64,
    /// The models offered.
    pub models: Vec<EmbedderDto>,
}

impl EmbeddingDto {
    /// The status and the models, as the engine gives them.
    pub fn new(status: &folio_engine::EmbeddingStatus, models: &[folio_engine::EmbedderInfo]) -> Self {
        EmbeddingDto {
            active: status.active.clone(),
            switching_to: status.switching.as_ref().map(|s| s.to.clone()),
            done: status.switching.as_ref().map_or(0, |s| s.done),
            total: status.switching.as_ref().map_or(0, |s| s.total),
            models: models
                .iter()
                .map(|m| EmbedderDto {
                    id: m.model.id.into(),
                    name: m.model.name.into(),
                    multilingual: m.model.multilingual,
                    bundled: m.model.is_bundled(),
                    downloaded: m.downloaded,
                    download_bytes: m.model.download_bytes,
                })
                .collect(),
        }
    }
}

/// An event of a model download.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum DownloadEventDto {
    /// Bytes on disk so far, and the total when the server says.
    Progress {
        /// Bytes on disk.
        done: u64,
        /// The file's size, when known.
        total: Option<u64>,
    },
    /// The file is complete and verified.
    Finished {
        /// Where it is.
        path: String,
    },
    /// The download stopped; running it again resumes.
    Failed {
        /// Why.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// The generated declarations in `ui/src/bindings/` match the Rust types. Run with
    /// `FOLIO_BLESS=1` to regenerate them after changing a DTO.
    #[test]
    fn typescript_bindings_are_current() {
        let generated = tempfile::tempdir().unwrap();
        // serde_json writes every integer as a JSON number; the UI never sees one above 2^53.
        let cfg = ts_rs::Config::new().with_large_int("number").with_out_dir(generated.path());
        ErrorDto::export_all(&cfg).unwrap();
        ProgressDto::export_all(&cfg).unwrap();
        JobDto::export_all(&cfg).unwrap();
        FolderDto::export_all(&cfg).unwrap();
        ChatDto::export_all(&cfg).unwrap();
        MessageDto::export_all(&cfg).unwrap();
        IndexSummaryDto::export_all(&cfg).unwrap();
        IndexEventDto::export_all(&cfg).unwrap();
        HitDto::export_all(&cfg).unwrap();
        AskEventDto::export_all(&cfg).unwrap();
        UnsupportedDto::export_all(&cfg).unwrap();
        SettingsDto::export_all(&cfg).unwrap();
        DownloadEventDto::export_all(&cfg).unwrap();
        EmbeddingDto::export_all(&cfg).unwrap();
        JobActionDto::export_all(&cfg).unwrap();
        BackgroundProblemDto::export_all(&cfg).unwrap();

        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        let bless = std::env::var_os("FOLIO_BLESS").is_some();
        let mut stale = Vec::new();
        let files = |dir: &Path| -> Vec<PathBuf> {
            let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        if bless {
            std::fs::create_dir_all(&committed).unwrap();
            for old in files(&committed) {
                std::fs::remove_file(old).unwrap();
            }
        }
        for new in files(generated.path()) {
            let name = new.file_name().unwrap();
            let text = std::fs::read_to_string(&new).unwrap();
            if bless {
                std::fs::write(committed.join(name), &text).unwrap();
            } else if std::fs::read_to_string(committed.join(name)).ok().as_deref() != Some(&text) {
                stale.push(name.to_string_lossy().into_owned());
            }
        }
        let extra: Vec<_> =
            files(&committed).into_iter().filter(|p| !generated.path().join(p.file_name().unwrap()).exists()).collect();
        assert!(
            stale.is_empty() && extra.is_empty(),
            "ui/src/bindings is out of date (stale {stale:?}, extra {extra:?}): run FOLIO_BLESS=1 cargo test -p folio-app"
        );
    }

    /// The string unions the UI is typed with hold exactly the values the engine and store send.
    #[test]
    fn the_typed_strings_of_the_ipc_contract_list_every_value() {
        use folio_engine::{JobState, MessageState, Role, Status};
        let union = |ts: String| -> Vec<String> {
            let mut v: Vec<String> = ts.split('|').map(|s| s.trim().trim_matches('"').to_string()).collect();
            v.sort();
            v
        };
        let sorted = |mut v: Vec<&str>| {
            v.sort_unstable();
            v.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let field = |decl: String, name: &str| -> String {
            let start = decl.find(&format!("{name}: ")).unwrap_or_else(|| panic!("{name} in {decl}")) + name.len() + 2;
            decl[start..].split([',', ';', '}']).next().unwrap().to_string()
        };
        let cfg = ts_rs::Config::new();
        let mut codes: Vec<&str> = folio_engine::EngineError::CODES.to_vec();
        codes.push("not_granted");
        assert_eq!(union(field(ErrorDto::decl(&cfg), "code")), sorted(codes));
        let jobs = [
            JobState::Queued,
            JobState::Running,
            JobState::Paused,
            JobState::Cancelled,
            JobState::Done,
            JobState::Failed,
        ];
        assert_eq!(union(field(JobDto::decl(&cfg), "state")), sorted(jobs.iter().map(|s| s.as_str()).collect()));
        let files = [Status::Queued, Status::Indexing, Status::Indexed, Status::Skipped, Status::Failed];
        assert_eq!(union(field(FileDto::decl(&cfg), "status")), sorted(files.iter().map(|s| s.as_str()).collect()));
        assert_eq!(
            union(field(MessageDto::decl(&cfg), "role")),
            sorted(vec![Role::User.as_str(), Role::Assistant.as_str()])
        );
        let states = [
            MessageState::Complete,
            MessageState::Answering,
            MessageState::Cancelled,
            MessageState::Failed,
            MessageState::NotFound,
        ];
        assert_eq!(union(field(MessageDto::decl(&cfg), "state")), sorted(states.iter().map(|s| s.as_str()).collect()));
    }

    /// `ui/src/i18n/problems.json`: every kind of reason with the sentences the back end says for it
    /// in English and French, which the UI's catalogue must say alike (its Vitest reads the file).
    /// Run with `FOLIO_BLESS=1` to regenerate it after changing `folio_core::problem`.
    #[test]
    fn the_reasons_the_ui_is_checked_against_are_current() {
        use folio_engine::{Language, MissingTool, Stop, ToolTask, Unreadable};
        let stops = [
            Stop::Time { ms: 120_000 },
            Stop::Time { ms: 300 },
            Stop::Memory { bytes: 2 << 30 },
            Stop::Memory { bytes: 512 << 20 },
            Stop::Cpu { secs: 120 },
            Stop::Nesting,
            Stop::XmlDepth { part: "word/document.xml".into(), limit: 1_000 },
            Stop::Text { bytes: 64 << 20 },
            Stop::Sections { limit: 1_000_000 },
            Stop::Entries { archive: "DOCX".into(), limit: 20_000 },
            Stop::Expands { part: "word/document.xml".into(), bytes: 64 << 20 },
            Stop::Cells { limit: 20_000_000 },
            Stop::Crashed { signal: Some(11), exit: None },
            Stop::Crashed { signal: None, exit: Some(3) },
            Stop::Crashed { signal: None, exit: None },
            Stop::Panicked { message: "index out of bounds".into() },
            Stop::Garbled { detail: "EOF while parsing".into() },
            Stop::NoWorker { program: "/usr/bin/folio".into(), error: "No such file or directory (os error 2)".into() },
        ];
        let mut problems = vec![
            Problem::Empty,
            Problem::Binary,
            Problem::Unsupported,
            Problem::Encrypted,
            Problem::Corrupt { detail: "not a PDF file (no %PDF header)".into() },
            Problem::NeedsTool(MissingTool {
                task: ToolTask::Pdf,
                tool: "pdftotext".into(),
                package: "poppler-utils".into(),
            }),
            Problem::NeedsTool(MissingTool {
                task: ToolTask::Ocr,
                tool: "tesseract".into(),
                package: "tesseract-ocr".into(),
            }),
            Problem::NotText { run: 3_145_728 },
            Problem::NoText,
            Problem::TooLarge { limit: 64 << 20 },
            Problem::StoppedWhileReading,
            Problem::CannotRead { what: Unreadable::File, error: "Permission denied (os error 13)".into() },
            Problem::CannotRead { what: Unreadable::Folder, error: "Permission denied (os error 13)".into() },
            Problem::CannotRead { what: Unreadable::Details, error: "Permission denied (os error 13)".into() },
            Problem::Other { text: "an English sentence from an older catalog".into() },
        ];
        problems.extend(stops.into_iter().map(|stop| Problem::Stopped { stop }));
        // Every system message the back end says in French, and one it leaves as it came.
        problems.extend(folio_core::problem::SYSTEM_ERRORS_FR.iter().enumerate().map(|(n, (english, _))| {
            Problem::CannotRead { what: Unreadable::File, error: format!("{english} (os error {n})") }
        }));
        problems
            .push(Problem::CannotRead { what: Unreadable::File, error: "stream did not contain valid UTF-8".into() });
        let cases: Vec<serde_json::Value> = problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "problem": p,
                    "en": p.say(Language::English),
                    "fr": p.say(Language::French),
                    "enKept": p.say_earlier_kept(Language::English),
                    "frKept": p.say_earlier_kept(Language::French),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&cases).unwrap() + "\n";
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/i18n/problems.json");
        if std::env::var_os("FOLIO_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        assert!(
            std::fs::read_to_string(&path).ok().as_deref() == Some(&text),
            "ui/src/i18n/problems.json is out of date: run FOLIO_BLESS=1 cargo test --workspace --lib"
        );
    }
}
