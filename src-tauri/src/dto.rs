//! The data that crosses IPC, converted by hand from engine types.

use folio_engine::{AskEvent, EngineError, IndexReport, Location, Progress, SearchHit};
use serde::Serialize;

/// An error the UI can act on: a stable machine-readable `code` and a human message.
#[derive(Debug, Serialize)]
pub struct ErrorDto {
    /// One of `busy`, `store`, `model`, `io`, `invalid`, `internal`.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

impl From<EngineError> for ErrorDto {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            e if e.is_busy() => "busy",
            EngineError::Store(_) => "store",
            EngineError::Model(_) => "model",
            EngineError::Io { .. } => "io",
            EngineError::Invalid(_) => "invalid",
            EngineError::Task(_) => "internal",
        };
        ErrorDto { code, message: e.to_string() }
    }
}

/// Indexing progress.
#[derive(Debug, Clone, Serialize)]
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
            job: p.job,
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
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDto {
    id: i64,
    folders: Vec<String>,
    state: &'static str,
    files_done: u64,
    files_total: u64,
    error: Option<String>,
}

impl From<&folio_engine::JobRecord> for JobDto {
    fn from(j: &folio_engine::JobRecord) -> Self {
        JobDto {
            id: j.id,
            folders: j.folders.clone(),
            state: j.state.as_str(),
            files_done: j.files_done,
            files_total: j.files_total,
            error: j.error.clone(),
        }
    }
}

/// A folder of the library with its files' statuses.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderDto {
    path: String,
    files: Vec<FileDto>,
}

/// A file and what Folio made of it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDto {
    path: String,
    status: &'static str,
    reason: Option<String>,
}

impl FolderDto {
    pub fn new(id: i64, path: String, docs: &[folio_engine::DocumentRecord]) -> Self {
        let files = docs
            .iter()
            .filter(|d| d.folder_id == id)
            .map(|d| FileDto { path: d.path.clone(), status: d.status.as_str(), reason: d.reason.clone() })
            .collect();
        FolderDto { path, files }
    }
}

/// A chat in the chat list.
#[derive(Debug, Serialize)]
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
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDto {
    role: &'static str,
    text: String,
    state: &'static str,
    model: Option<String>,
    citations: Vec<CitationDto>,
}

impl From<&folio_engine::ChatMessage> for MessageDto {
    fn from(m: &folio_engine::ChatMessage) -> Self {
        MessageDto {
            role: m.role.as_str(),
            text: m.text.clone(),
            state: m.state.as_str(),
            model: m.model.clone(),
            citations: m
                .citations
                .iter()
                .map(|c| CitationDto { marker: c.marker, passage: PassageDto::from(&c.passage) })
                .collect(),
        }
    }
}

/// The outcome of indexing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexSummaryDto {
    job: i64,
    cancelled: bool,
    moved: usize,
    indexed: u64,
    unchanged: u64,
    chunks: u64,
    problems: Vec<(String, String)>,
}

impl From<&IndexReport> for IndexSummaryDto {
    fn from(r: &IndexReport) -> Self {
        IndexSummaryDto {
            job: r.job,
            cancelled: r.cancelled,
            moved: r.moved.len(),
            indexed: r.indexed,
            unchanged: r.unchanged,
            chunks: r.chunks,
            problems: r.skipped.iter().chain(&r.failed).cloned().collect(),
        }
    }
}

/// A passage as the UI shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassageDto {
    chunk_id: i64,
    path: String,
    location: Location,
    place: String,
    text: String,
}

impl From<&folio_engine::Passage> for PassageDto {
    fn from(p: &folio_engine::Passage) -> Self {
        PassageDto {
            chunk_id: p.chunk_id.0,
            path: p.path.clone(),
            location: p.location.clone(),
            place: p.location.describe(),
            text: p.text.clone(),
        }
    }
}

/// A search result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HitDto {
    passage: PassageDto,
    score: f64,
    snippet: String,
}

impl HitDto {
    pub fn new(h: &SearchHit, query: &str) -> Self {
        HitDto {
            passage: PassageDto::from(&h.passage),
            score: h.score,
            snippet: folio_core::snippet::snippet(&h.passage.text, query, 200),
        }
    }
}

/// A cited passage.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CitationDto {
    marker: u32,
    passage: PassageDto,
}

/// An event of a streamed answer.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AskEventDto {
    /// The question is stored in `chat`; `searchQuery` is what is searched.
    Started { chat: i64, search_query: String },
    /// Passages retrieved.
    Retrieved { passages: Vec<PassageDto> },
    /// A piece of the answer.
    Token { text: String },
    /// The answer is complete.
    Finished {
        chat: i64,
        answer: String,
        /// The answer's Markdown as sanitised HTML.
        answer_html: String,
        grounded: bool,
        citations: Vec<CitationDto>,
        model: String,
    },
    /// Answering failed.
    Failed { message: String },
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
                answer_html: folio_app::render::answer_html(&o.answer.text),
                answer: o.answer.text,
                citations: o
                    .answer
                    .citations
                    .iter()
                    .map(|c| CitationDto { marker: c.marker, passage: PassageDto::from(&c.passage) })
                    .collect(),
                model: o.model,
            },
            AskEvent::Failed(m) => AskEventDto::Failed { message: m },
        }
    }
}
