//! `folio`: index folders, search them and ask questions from the terminal, on the same engine as the app.
//!
//! Results go to stdout (text, or one JSON document with `--json`); progress and logs go to stderr.

mod bench;
mod bench_answer;
mod eval;
mod terminal;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use folio_core::fusion::{FusionMethod, FusionParams};
use folio_engine::{
    parse_date, AnnKind, AnnParams, AskEvent, AskOptions, ChatId, IndexOptions, Library, LibraryConfig, MessageState,
    ModelPaths, Progress, Role, SearchFilter, SearchMode, SearchOptions,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "folio",
    version,
    about = "Answers questions about your own files, offline.",
    after_help = "Exit status: 0 done; 1 failed; 2 invalid input; 3 not found; 4 refused; 5 busy (another Folio \
                  holds the library); 6 incompatible library; 7 storage failed; 8 model missing or failed; \
                  9 a file could not be read; 10 internal error."
)]
struct Cli {
    /// Library data directory [default: $FOLIO_LIBRARY, else the app's choice in its settings
    /// ($FOLIO_CONFIG or $XDG_CONFIG_HOME/folio/settings.json), else $XDG_DATA_HOME/folio/library]
    #[arg(long, global = true, env = "FOLIO_LIBRARY")]
    library: Option<PathBuf>,
    /// Models directory [default: $FOLIO_MODELS or $XDG_DATA_HOME/folio/models]
    #[arg(long, global = true, env = "FOLIO_MODELS")]
    models: Option<PathBuf>,
    /// Chat model: a GGUF file [default: the bundled SmolLM2-135M-Instruct]
    #[arg(long, global = true, env = "FOLIO_CHAT_MODEL")]
    model: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index folders (new and changed files; removed files are purged).
    Index {
        /// Folders to index.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Chunks embedded and written per batch (each batch is one commit to every store).
        #[arg(long, default_value_t = 256)]
        batch_chunks: usize,
    },
    /// List indexing jobs with their state and progress.
    Jobs {
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Pause an indexing job (it waits after the file it is on; what is done stays indexed).
    Pause {
        /// The job's id (see `folio jobs`).
        id: i64,
    },
    /// Let a paused job go on; with no id, finish jobs that were interrupted (crash, kill, power cut).
    Resume {
        /// The job's id.
        id: Option<i64>,
    },
    /// Cancel an indexing job; the files done so far stay indexed.
    Cancel {
        /// The job's id.
        id: i64,
    },
    /// Index folders, then keep indexing their changes as they happen (until interrupted).
    Watch {
        /// Folders to watch.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
    },
    /// Search the library.
    Search {
        /// The query.
        query: String,
        /// Number of results.
        #[arg(short = 'k', long, default_value_t = 10)]
        limit: usize,
        /// Retrievers: hybrid, bm25 or dense.
        #[arg(long, default_value = "hybrid")]
        mode: String,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Ask a question; the answer cites the files it comes from.
    Ask {
        /// The question.
        question: String,
        /// Most tokens in the answer.
        #[arg(long, default_value_t = 384)]
        max_tokens: usize,
        /// Continue this chat (a follow-up is read in the light of the earlier questions).
        #[arg(long)]
        chat: Option<i64>,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// List chats, or show, rename or delete one.
    Chats {
        #[command(subcommand)]
        action: Option<ChatsAction>,
        /// Print one JSON document.
        #[arg(long, global = true)]
        json: bool,
    },
    /// Every file of the library with its status.
    Status {
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Measure retrieval quality on a BEIR-layout set (indexed into a fresh library unless --library).
    Eval {
        /// Directory with corpus.jsonl, queries.jsonl and qrels.tsv.
        dir: PathBuf,
        /// Run only the first N judged queries.
        #[arg(long)]
        queries: Option<usize>,
        /// Weight of BM25 in the fusion.
        #[arg(long, default_value_t = FusionParams::default().bm25_weight)]
        bm25_weight: f64,
        /// Weight of the vectors in the fusion.
        #[arg(long, default_value_t = FusionParams::default().dense_weight)]
        dense_weight: f64,
        /// How the BM25 and vector lists are fused.
        #[arg(long, value_enum, default_value_t = Fusion::Convex)]
        fusion: Fusion,
        /// The rank offset k of reciprocal rank fusion (--fusion rrf).
        #[arg(long, default_value_t = FusionParams::default().k)]
        rrf_k: f64,
        /// Weight of a title (file name) match relative to a body match in BM25; 0 ignores titles.
        #[arg(long, default_value_t = folio_engine::Bm25Query::default().title_boost)]
        title_boost: f32,
        /// BM25 k1 (term-frequency saturation).
        #[arg(long, default_value_t = folio_engine::Bm25Query::default().k1)]
        bm25_k1: f32,
        /// BM25 b (length normalisation).
        #[arg(long, default_value_t = folio_engine::Bm25Query::default().b)]
        bm25_b: f32,
        /// Drop English stopwords from BM25 queries.
        #[arg(long, default_value_t = folio_engine::Bm25Query::default().drop_stopwords, action = clap::ArgAction::Set)]
        stopwords_dropped: bool,
        /// Modes to run, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "bm25,dense,hybrid")]
        modes: Vec<String>,
        /// Another BEIR set whose queries this corpus cannot answer: measures the no-answer threshold.
        #[arg(long)]
        unanswerable: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Chat models: download Llama 3.1 8B Instruct (or another GGUF) from the Hugging Face hub.
    Model {
        #[command(subcommand)]
        what: ModelWhat,
    },
    /// Benchmarks that anyone can run; each reports its baseline measured in the same run.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Verify that the catalog, the full-text index and the vector table agree.
    Check {
        /// Reconcile the full-text index and the vectors with the catalog.
        #[arg(long)]
        repair: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// What `model` can do.
#[derive(Subcommand)]
enum ModelWhat {
    /// Download a GGUF from the hub (honours HF_ENDPOINT); an interrupted download resumes when run again.
    Download {
        /// Repository [default: Llama 3.1 8B Instruct GGUF].
        #[arg(long)]
        repo: Option<String>,
        /// File in the repository.
        #[arg(long)]
        file: Option<String>,
        /// Revision.
        #[arg(long, default_value = "main")]
        revision: String,
        /// Expected SHA-256 (otherwise the hub's LFS checksum is checked).
        #[arg(long)]
        sha256: Option<String>,
        /// Where to put it [default: the models directory's chat/ folder].
        #[arg(long)]
        to: Option<PathBuf>,
    },
}

/// The benchmarks.
#[derive(Subcommand)]
enum BenchWhat {
    /// Indexing speed on folders, into a scratch library, against the embedder alone on the same chunks.
    Index {
        /// Folders to index.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Time to first token and decode speed of a chat model under mistral.rs, and the same GGUF under
    /// llama.cpp in the same run.
    Answer {
        /// The GGUF to time [default: the chat model Folio would use].
        #[arg(long = "gguf")]
        gguf: Option<PathBuf>,
        /// A BEIR directory whose documents become the passages.
        #[arg(long, default_value = "../shared/eval/scifact-train")]
        corpus: PathBuf,
        /// Timed runs per engine (after one warm-up).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Passage tokens in each prompt.
        #[arg(long, default_value_t = 2000)]
        passage_tokens: usize,
        /// Most answer tokens.
        #[arg(long, default_value_t = 128)]
        max_tokens: usize,
        /// A Python that has llama-cpp-python (scripts/bench.sh answer sets one up); without it only
        /// mistral.rs is timed.
        #[arg(long)]
        llama_cpp_python: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Whole-search latency, memory and ANN recall on libraries of growing size.
    Search {
        /// Library sizes in chunks, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        sizes: Vec<usize>,
        /// Queries timed per configuration.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// BEIR directories that give sentences and queries (repeatable).
        #[arg(long = "corpus", default_values = ["../shared/eval/cranfield", "../shared/eval/scifact-train"])]
        corpora: Vec<PathBuf>,
        /// Where the benchmark libraries are kept between runs [default: $XDG_CACHE_HOME/folio/bench].
        #[arg(long)]
        work: Option<PathBuf>,
        /// What to time, comma-separated: exact (the baseline), ivf-pq, ivf-hnsw-sq.
        #[arg(long, value_delimiter = ',', default_value = "exact,ivf-pq,ivf-hnsw-sq")]
        kinds: Vec<String>,
        /// ANN search parameters to time, comma-separated NPROBES:REFINE:EF triples [default: Folio's].
        #[arg(long, value_delimiter = ',')]
        ann_params: Vec<String>,
        /// Keep an index of the kind timed that an earlier run left, instead of building it again.
        #[arg(long)]
        reuse_index: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// What `chats` can do.
#[derive(Subcommand)]
enum ChatsAction {
    /// Print a chat's messages with their sources.
    Show {
        /// The chat's id.
        id: i64,
    },
    /// Rename a chat.
    Rename {
        /// The chat's id.
        id: i64,
        /// The new title.
        title: String,
    },
    /// Delete a chat and its messages.
    Delete {
        /// The chat's id.
        id: i64,
    },
}

/// `folio eval --fusion`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Fusion {
    /// A convex combination of the two lists' scores, each divided by its best.
    Convex,
    /// Weighted reciprocal rank fusion.
    Rrf,
}

/// Restricts search and ask to part of the library.
#[derive(clap::Args)]
struct FilterArgs {
    /// Only files inside this folder (repeatable).
    #[arg(long = "folder")]
    folders: Vec<PathBuf>,
    /// Only files of this format: pdf, markdown, docx, text, code, html, xlsx, ... (repeatable).
    #[arg(long = "type")]
    formats: Vec<String>,
    /// Only files modified on or after this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    after: Option<String>,
    /// Only files modified before this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    before: Option<String>,
}

impl FilterArgs {
    fn to_filter(&self) -> Result<SearchFilter> {
        let date = |s: &Option<String>| -> Result<Option<i64>> {
            match s {
                None => Ok(None),
                Some(d) => parse_date(d)
                    .map(Some)
                    .ok_or_else(|| anyhow::anyhow!("{d:?} is not a date: write it as YYYY-MM-DD")),
            }
        };
        let mut folders = Vec::new();
        for f in &self.folders {
            let abs = std::fs::canonicalize(f).with_context(|| format!("folder {}", f.display()))?;
            folders.push(abs.to_string_lossy().into_owned());
        }
        Ok(SearchFilter {
            folders,
            formats: self.formats.iter().map(|f| f.trim().to_ascii_lowercase()).collect(),
            modified_after: date(&self.after)?,
            modified_before: date(&self.before)?,
        })
    }
}

/// Default log filter: warnings, except the chatty ones from the model runtime and Lance's deprecation notes.
const LOG_DEFAULT: &str = "warn,mistralrs_core=error,mistralrs_quant=error,mistralrs=error,lance=error";

fn main() -> Result<()> {
    // Folio's extraction worker (a child of `folio` itself): parse files, nothing else.
    if std::env::args_os().nth(1).is_some_and(|a| a == folio_engine::WORKER_ARG) {
        return folio_engine::serve_extract_worker().context("extraction worker");
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(LOG_DEFAULT)),
        )
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .context("starting the async runtime")?;
    match runtime.block_on(run(cli)) {
        // A closed pipe (`folio search ... | head`) is not an error.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {
            Ok(())
        }
        // The engine's kinds of error have their own exit status (see `after_help`).
        Err(e) => {
            let status =
                match (e.downcast_ref::<folio_engine::EngineError>(), e.downcast_ref::<folio_engine::Failure>()) {
                    (Some(engine), _) => engine.exit_code(),
                    (None, Some(failure)) => failure.exit_code(),
                    (None, None) => 1,
                };
            eprintln!("Error: {e:?}");
            std::process::exit(status);
        }
        ok => ok,
    }
}

async fn open(cli: &Cli) -> Result<Arc<Library>> {
    let (dir, must_exist) = library_location(cli);
    let mut config = LibraryConfig::new(dir);
    config.must_exist = must_exist;
    config.models = model_paths(cli);
    config.chat_model = cli.model.clone();
    let dir = config.dir.clone();
    let library = Library::open(config).await.with_context(|| format!("opening the library at {}", dir.display()))?;
    Ok(Arc::new(library))
}

/// The library's directory: `--library` (or `$FOLIO_LIBRARY`), else the one the app's settings name
/// (which must then exist), else the default.
fn library_location(cli: &Cli) -> (PathBuf, bool) {
    let path = folio_engine::settings::Settings::default_path();
    let settings = folio_engine::settings::Settings::load(&path).unwrap_or_else(|(defaults, e)| {
        eprintln!("warning: {e}");
        defaults
    });
    folio_engine::settings::library_location(cli.library.as_deref(), &settings)
}

/// The models directory: `--models`, else the default.
fn model_paths(cli: &Cli) -> ModelPaths {
    ModelPaths::new(cli.models.clone().unwrap_or_else(ModelPaths::default_root))
}

async fn run(mut cli: Cli) -> Result<()> {
    if let Command::Model { what: ModelWhat::Download { repo, file, revision, sha256, to } } = &cli.command {
        let models = model_paths(&cli);
        return download_model(&models, repo.clone(), file.clone(), revision.clone(), sha256.clone(), to.clone()).await;
    }
    // Job control works through the catalog alone, even while another process is indexing.
    let (dir, _) = library_location(&cli);
    match &cli.command {
        Command::Jobs { json } => return jobs(&dir, *json),
        Command::Pause { id } => return Ok(folio_engine::jobs::pause(&dir, folio_engine::JobId(*id))?),
        Command::Cancel { id } => return Ok(folio_engine::jobs::cancel(&dir, folio_engine::JobId(*id))?),
        Command::Resume { id: Some(id) } => {
            folio_engine::jobs::resume(&dir, folio_engine::JobId(*id))?;
            eprintln!("job {id} resumed");
        }
        _ => {}
    }
    if let Command::Bench { what: BenchWhat::Index { folders, json } } = &cli.command {
        // A scratch library, unless one is named (to look at the statuses afterwards).
        let scratch = tempfile::tempdir().context("creating a scratch library")?;
        if cli.library.is_none() {
            cli.library = Some(scratch.path().to_path_buf());
        }
        let library = open(&cli).await?;
        return bench_index(&library, folders, *json).await;
    }
    let models = model_paths(&cli);
    if let Command::Bench {
        what: BenchWhat::Answer { gguf, corpus, runs, passage_tokens, max_tokens, llama_cpp_python, json },
    } = &cli.command
    {
        let model = gguf.clone().or_else(|| cli.model.clone()).unwrap_or_else(|| models.default_chat_model());
        return bench_answer::answer(bench_answer::AnswerBench {
            model,
            models,
            corpus: corpus.clone(),
            runs: *runs,
            passage_tokens: *passage_tokens,
            max_tokens: *max_tokens,
            python: llama_cpp_python.clone(),
            json: *json,
        })
        .await;
    }
    if let Command::Bench {
        what: BenchWhat::Search { sizes, queries, corpora, work, kinds, ann_params, reuse_index, json },
    } = cli.command
    {
        let exact = kinds.iter().any(|k| k == "exact");
        let kinds = kinds
            .iter()
            .filter(|k| *k != "exact")
            .map(|k| match k.as_str() {
                "ivf-pq" => Ok(AnnKind::IvfPq),
                "ivf-hnsw-sq" => Ok(AnnKind::IvfHnswSq),
                other => Err(anyhow::anyhow!("unknown index kind {other:?}: exact, ivf-pq or ivf-hnsw-sq")),
            })
            .collect::<Result<Vec<_>>>()?;
        let params = if ann_params.is_empty() {
            vec![AnnParams::default()]
        } else {
            ann_params.iter().map(|p| parse_ann_params(p)).collect::<Result<Vec<_>>>()?
        };
        let work = work.unwrap_or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(|| PathBuf::from("."))
                .join("folio")
                .join("bench")
        });
        let bench =
            bench::SearchBench { sizes, queries, corpora, work, models, exact, kinds, params, reuse_index, json };
        return bench::search(bench).await;
    }
    // An evaluation gets a fresh library of its own unless one is named.
    let scratch = if matches!(cli.command, Command::Eval { .. }) && cli.library.is_none() {
        Some(tempfile::tempdir().context("creating a scratch library")?)
    } else {
        None
    };
    if let Some(dir) = &scratch {
        cli.library = Some(dir.path().to_path_buf());
    }
    let library = match open(&cli).await {
        Ok(l) => l,
        // A resumed job goes on in the process that holds the library.
        Err(e)
            if matches!(cli.command, Command::Resume { id: Some(_) })
                && e.downcast_ref::<folio_engine::EngineError>().is_some_and(folio_engine::EngineError::is_busy) =>
        {
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let result = match cli.command {
        Command::Index { folders, batch_chunks } => index(&library, &folders, batch_chunks).await,
        Command::Search { query, limit, mode, filter, json } => {
            let mode = match mode.as_str() {
                "hybrid" => SearchMode::Hybrid,
                "bm25" => SearchMode::Bm25,
                "dense" => SearchMode::Dense,
                other => anyhow::bail!("unknown search mode {other:?}: use hybrid, bm25 or dense"),
            };
            let options = SearchOptions { limit, mode, filter: filter.to_filter()?, ..SearchOptions::default() };
            search(&library, &query, options, json).await
        }
        Command::Ask { question, max_tokens, chat, filter, json } => {
            let search = SearchOptions { filter: filter.to_filter()?, ..SearchOptions::default() };
            let options =
                AskOptions { max_answer_tokens: max_tokens, chat: chat.map(ChatId), search, ..AskOptions::default() };
            ask(&library, &question, options, json).await
        }
        Command::Chats { action, json } => chats(&library, action, json),
        Command::Status { json } => status(&library, json),
        Command::Watch { folders } => watch(&library, &folders).await,
        Command::Resume { .. } => resume(&library).await,
        Command::Jobs { .. } | Command::Pause { .. } | Command::Cancel { .. } => Ok(()),
        Command::Model { .. } => unreachable!("handled before the library is opened"),
        Command::Bench { .. } => unreachable!("handled before the library is opened"),
        Command::Check { json, repair } => check(&library, json, repair).await,
        Command::Eval {
            dir,
            queries,
            json,
            bm25_weight,
            dense_weight,
            rrf_k,
            fusion,
            title_boost,
            stopwords_dropped,
            bm25_k1,
            bm25_b,
            modes,
            unanswerable,
        } => {
            let method = match fusion {
                Fusion::Convex => FusionMethod::Convex,
                Fusion::Rrf => FusionMethod::Rrf,
            };
            let fusion = FusionParams { method, k: rrf_k, bm25_weight, dense_weight };
            let bm25 =
                folio_engine::Bm25Query { title_boost, drop_stopwords: stopwords_dropped, k1: bm25_k1, b: bm25_b };
            eval::run(&library, &dir, queries, fusion, bm25, &modes, unanswerable.as_deref(), json).await
        }
    };
    // The app builds the vector index in the background; a command must not exit halfway through it.
    if library.vector_index_busy() {
        eprintln!("finishing the vector index (search works meanwhile in the app)…");
        library.wait_for_vector_index().await;
    }
    result
}

async fn index(library: &Library, folders: &[PathBuf], batch_chunks: usize) -> Result<()> {
    let unfinished = library.unfinished_jobs()?;
    if !unfinished.is_empty() {
        eprintln!("{} indexing job(s) were interrupted; `folio resume` finishes them", unfinished.len());
    }
    let bar = progress_bar();
    let started = std::time::Instant::now();
    let on_progress = |p: &Progress| show_progress(&bar, p);
    let options = IndexOptions { batch_chunks: batch_chunks.max(1), ..IndexOptions::default() };
    let report = library.index(folders, options, &on_progress).await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "indexed {} files ({} chunks), {} unchanged, {} moved, {} skipped, {} failed, {} removed in {:.1}s",
        report.indexed,
        report.chunks,
        report.unchanged,
        report.moved.len(),
        report.skipped.len(),
        report.failed.len(),
        report.removed,
        secs
    );
    for folio_engine::FileNote { path, reason: why } in report.skipped.iter().chain(&report.failed) {
        eprintln!("  {}: {}", terminal::clean(path), terminal::clean(why));
    }
    if report.cancelled {
        eprintln!("job {} was cancelled; the files done so far stay indexed", report.job.0);
    }
    Ok(())
}

async fn download_model(
    models: &ModelPaths,
    repo: Option<String>,
    file: Option<String>,
    revision: String,
    sha256: Option<String>,
    to: Option<PathBuf>,
) -> Result<()> {
    let llama = folio_engine::HubFile::llama31_8b_instruct();
    let is_llama = repo.is_none() && file.is_none();
    let hub =
        folio_engine::HubFile { repo: repo.unwrap_or(llama.repo), file: file.unwrap_or(llama.file), revision, sha256 };
    let dest = match to {
        Some(p) => p,
        None if is_llama => models.llama_chat_model(),
        None => models.chat_dir().join(hub.file.trim_end_matches(".gguf")).join(&hub.file),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {bar:30} {bytes_per_sec}, {eta} left {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    eprintln!("downloading {} from {}", hub.file, hub.url(&folio_engine::HubFile::endpoint()));
    let result = folio_engine::download(&hub, &dest, &|p: folio_engine::DownloadProgress| {
        if let Some(t) = p.total {
            bar.set_length(t);
        }
        bar.set_position(p.done);
        if p.resumed_from > 0 {
            bar.set_message(format!("(resumed at {} MB)", p.resumed_from >> 20));
        }
    })
    .await;
    bar.finish_and_clear();
    let path = result?;
    eprintln!("saved and verified: {}", path.display());
    if is_llama {
        eprintln!("Folio now answers with Llama 3.1 8B Instruct by default.");
    } else {
        eprintln!("use it with: folio --model {} ask \"…\"", path.display());
    }
    Ok(())
}

async fn bench_index(library: &Library, folders: &[PathBuf], as_json: bool) -> Result<()> {
    let options = IndexOptions::default();
    let started = std::time::Instant::now();
    let report = library.index(folders, options, &|_| {}).await?;
    let index_s = started.elapsed().as_secs_f64();
    // Peak memory of the indexing run, read before the baseline embeds everything again.
    let (_, peak_rss) = bench::memory_mib();
    let bytes: u64 = library.documents()?.iter().map(|d| d.size).sum();
    let (chunks, embed) = library.embedding_baseline(options.batch_chunks).await?;
    let embed_s = embed.as_secs_f64();
    let files = report.indexed + report.skipped.len() as u64 + report.failed.len() as u64;
    let doc = json!({
        "files": files,
        "indexed": report.indexed,
        "chunks": chunks,
        "megabytes": bytes as f64 / 1e6,
        "index_seconds": index_s,
        "files_per_second": files as f64 / index_s,
        "megabytes_per_second": bytes as f64 / 1e6 / index_s,
        "chunks_per_second": chunks as f64 / index_s,
        "peak_rss_mib": peak_rss,
        "embed_only_seconds": embed_s,
        "index_over_embed": index_s / embed_s.max(1e-9),
    });
    if as_json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "{files} files ({:.1} MB, {chunks} chunks) indexed in {index_s:.2} s: {:.1} files/s, {:.2} MB/s, \
             {:.1} chunks/s, peak RSS {peak_rss:.0} MiB",
            bytes as f64 / 1e6,
            files as f64 / index_s,
            bytes as f64 / 1e6 / index_s,
            chunks as f64 / index_s
        );
        println!(
            "baseline, same run: the embedder alone on the same chunks takes {embed_s:.2} s; indexing / embedding = {:.2}",
            index_s / embed_s.max(1e-9)
        );
    }
    Ok(())
}

fn jobs(dir: &std::path::Path, as_json: bool) -> Result<()> {
    let jobs = folio_engine::jobs::list(dir)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut out, &json!({ "jobs": jobs }))?;
        writeln!(out)?;
        return Ok(());
    }
    if jobs.is_empty() {
        writeln!(out, "No indexing jobs.")?;
    }
    for j in jobs {
        writeln!(
            out,
            "{:>4}  {:<9} {}/{} files  {}{}",
            j.id.0,
            j.state.as_str(),
            j.files_done,
            j.files_total,
            j.folders.join(", "),
            j.error.map(|e| format!("  ({e})")).unwrap_or_default()
        )?;
    }
    Ok(())
}

/// Finishes interrupted jobs in this process (a resumed paused job goes on in the process running it).
async fn resume(library: &Library) -> Result<()> {
    let bar = progress_bar();
    let reports = library.run_unfinished_jobs(IndexOptions::default(), &|p| show_progress(&bar, p)).await;
    bar.finish_and_clear();
    let reports = match reports {
        Err(e) => return Err(e.into()),
        Ok(r) => r,
    };
    if reports.is_empty() {
        eprintln!("no interrupted jobs");
    }
    for r in reports {
        eprintln!("job {}: indexed {} files ({} chunks), {} unchanged", r.job.0, r.indexed, r.chunks, r.unchanged);
    }
    Ok(())
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn show_progress(bar: &ProgressBar, p: &Progress) {
    bar.set_length(p.files_total);
    bar.set_position(p.files_done);
    let eta = p.eta_secs().map(|s| format!(", about {}:{:02} left", s / 60, s % 60)).unwrap_or_default();
    let paused = if p.paused { format!(" — paused (folio resume {})", p.job.0) } else { String::new() };
    bar.set_message(format!("{} chunks, {:.1} MB/s{eta}{paused}", p.chunks_written, p.bytes_per_sec() / 1e6));
}

async fn watch(library: &Arc<Library>, folders: &[PathBuf]) -> Result<()> {
    index(library, folders, IndexOptions::default().batch_chunks).await?;
    let mut watch = library.watch(folders, IndexOptions::default())?;
    eprintln!("watching for changes; press Ctrl-C to stop");
    while let Some(event) = watch.events.recv().await {
        match event {
            folio_engine::WatchEvent::Synced(r) => {
                if r.indexed + r.removed > 0 || !r.moved.is_empty() || !r.failed.is_empty() || !r.skipped.is_empty() {
                    eprintln!(
                        "synced: {} indexed, {} moved, {} removed, {} skipped, {} failed",
                        r.indexed,
                        r.moved.len(),
                        r.removed,
                        r.skipped.len(),
                        r.failed.len()
                    );
                }
            }
            folio_engine::WatchEvent::Failed(e) => eprintln!("could not index the changes: {e}"),
            folio_engine::WatchEvent::Unwatched { folder, reason } => {
                eprintln!(
                    "cannot watch {}: {reason}; the other folders are watched",
                    terminal::clean(&folder.display().to_string())
                )
            }
        }
    }
    Ok(())
}

async fn search(library: &Library, query: &str, options: SearchOptions, as_json: bool) -> Result<()> {
    let hits = library.search(query, &options).await?;
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    if as_json {
        let results: Vec<_> = hits
            .iter()
            .map(|h| {
                json!({
                    "path": h.passage.path,
                    "location": h.passage.location,
                    "score": h.score,
                    "similarity": h.similarity,
                    "snippet": folio_core::snippet::snippet(&h.passage.text, query, 200),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &json!({ "results": results }))?;
        writeln!(out)?;
        return Ok(());
    }
    if hits.is_empty() {
        writeln!(out, "No results.")?;
    }
    for (i, h) in hits.iter().enumerate() {
        writeln!(out, "{:>2}. {} ({})  score {:.4}", i + 1, h.passage.path, h.passage.location.describe(), h.score)?;
        writeln!(out, "    {}", folio_core::snippet::snippet(&h.passage.text, query, 200))?;
    }
    Ok(())
}

async fn ask(library: &Arc<Library>, question: &str, options: AskOptions, as_json: bool) -> Result<()> {
    let mut events = library.ask(question, options);
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("retrieving passages and loading the model…");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let mut search_query = String::new();
    while let Some(event) = events.recv().await {
        match event {
            AskEvent::Started { chat, search_query: q } => {
                if q != question.trim() {
                    spinner.suspend(|| eprintln!("(searching for: {})", terminal::clean(&q)));
                }
                spinner.set_message(format!("chat {}: searching…", chat.0));
                search_query = q;
            }
            AskEvent::Retrieved(passages) => {
                spinner.set_message(format!("{} passages; writing the answer…", passages.len()));
            }
            AskEvent::Token(t) => {
                if !as_json {
                    spinner.finish_and_clear();
                    write!(out, "{t}")?;
                    out.flush()?;
                }
            }
            AskEvent::Failed(failure) => {
                spinner.finish_and_clear();
                return Err(failure.into());
            }
            AskEvent::Finished(o) => {
                spinner.finish_and_clear();
                if as_json {
                    let citations: Vec<_> = o
                        .answer
                        .citations
                        .iter()
                        .map(|c| {
                            json!({
                                "marker": c.marker,
                                "path": c.passage.path,
                                "location": c.passage.location,
                                "span": [c.passage.span.start, c.passage.span.end],
                                "quote": c.passage.text,
                            })
                        })
                        .collect();
                    let closest: Vec<_> = if o.grounded {
                        Vec::new()
                    } else {
                        o.passages
                            .iter()
                            .map(|p| json!({"path": p.path, "location": p.location, "quote": p.text}))
                            .collect()
                    };
                    let doc = json!({
                        "chat": o.chat.0,
                        "answer": o.answer.text,
                        "grounded": o.grounded,
                        "best_similarity": o.best_similarity,
                        "search_query": search_query,
                        "citations": citations,
                        "dropped_markers": o.answer.dropped_markers,
                        "attributed_markers": o.answer.attributed,
                        "closest": closest,
                        "model": o.model,
                        "timings": o.timings,
                    });
                    serde_json::to_writer_pretty(&mut out, &doc)?;
                    writeln!(out)?;
                } else {
                    writeln!(out)?;
                    if !o.grounded {
                        for p in &o.passages {
                            writeln!(out, "  - {} ({})", p.path, p.location.describe())?;
                        }
                    }
                    if !o.answer.citations.is_empty() {
                        writeln!(out, "\nSources:")?;
                    }
                    for c in &o.answer.citations {
                        writeln!(out, "  [{}] {} ({})", c.marker, c.passage.path, c.passage.location.describe())?;
                    }
                    let t = &o.timings;
                    if o.grounded {
                        eprintln!(
                            "\n{} · chat {} · retrieval {} ms · first token {} ms · {:.1} tokens/s · total {} ms",
                            o.model, o.chat.0, t.retrieval_ms, t.first_token_ms, t.decode_tokens_per_sec, t.total_ms
                        );
                    } else {
                        eprintln!("\nchat {} · no passage was relevant enough; the model was not asked", o.chat.0);
                    }
                }
                return Ok(());
            }
        }
    }
    anyhow::bail!("the answer stream ended early")
}

fn chats(library: &Library, action: Option<ChatsAction>, as_json: bool) -> Result<()> {
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    match action {
        None => {
            let chats = library.chats()?;
            if as_json {
                serde_json::to_writer_pretty(&mut out, &json!({ "chats": chats }))?;
                writeln!(out)?;
            } else if chats.is_empty() {
                writeln!(out, "No chats yet.")?;
            } else {
                for c in chats {
                    writeln!(out, "{:>4}  {}  ({} messages)", c.id.0, c.title, c.messages)?;
                }
            }
        }
        Some(ChatsAction::Show { id }) => {
            let messages = library.chat_messages(ChatId(id))?;
            if as_json {
                serde_json::to_writer_pretty(&mut out, &json!({ "chat": id, "messages": messages }))?;
                writeln!(out)?;
                return Ok(());
            }
            for m in messages {
                let who = match m.role {
                    Role::User => "you",
                    Role::Assistant => m.model.as_deref().unwrap_or("folio"),
                };
                let state = match m.state {
                    MessageState::Cancelled => " (stopped)",
                    MessageState::Failed => " (failed)",
                    MessageState::Answering => " (interrupted)",
                    _ => "",
                };
                writeln!(out, "{who}{state}: {}", m.text)?;
                for c in &m.citations {
                    writeln!(out, "    [{}] {} ({})", c.marker, c.passage.path, c.passage.location.describe())?;
                }
            }
        }
        Some(ChatsAction::Rename { id, title }) => library.rename_chat(ChatId(id), &title)?,
        Some(ChatsAction::Delete { id }) => library.delete_chat(ChatId(id))?,
    }
    Ok(())
}

fn status(library: &Library, as_json: bool) -> Result<()> {
    let docs = library.documents()?;
    let statuses = ["queued", "indexing", "indexed", "skipped", "failed"];
    let folders: Vec<_> = library
        .folders()?
        .into_iter()
        .map(|folder| {
            let mut totals = serde_json::Map::new();
            for s in statuses {
                let n = docs.iter().filter(|d| d.folder_id == folder.id && d.status.as_str() == s).count();
                totals.insert(s.to_string(), json!(n));
            }
            let files = docs.iter().filter(|d| d.folder_id == folder.id).count();
            json!({"path": folder.path, "files": files, "totals": totals})
        })
        .collect();
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    if as_json {
        let files: Vec<_> =
            docs.iter().map(|d| json!({"path": d.path, "status": d.status.as_str(), "reason": d.reason})).collect();
        serde_json::to_writer_pretty(&mut out, &json!({ "files": files, "folders": folders }))?;
        writeln!(out)?;
        return Ok(());
    }
    for d in &docs {
        match &d.reason {
            Some(r) => writeln!(out, "{:<9} {}  ({r})", d.status.as_str(), d.path)?,
            None => writeln!(out, "{:<9} {}", d.status.as_str(), d.path)?,
        }
    }
    for f in &folders {
        let totals = f["totals"].as_object().map(|t| {
            t.iter()
                .filter(|(_, n)| n.as_u64() != Some(0))
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        });
        writeln!(out, "{}: {} files ({})", f["path"].as_str().unwrap_or(""), f["files"], totals.unwrap_or_default())?;
    }
    Ok(())
}

async fn check(library: &Library, as_json: bool, repair: bool) -> Result<()> {
    if repair {
        let before = library.repair().await?;
        if !before.is_consistent() {
            eprintln!("repaired: {before:?}");
        }
    }
    let report = library.check().await?;
    let counts = library.counts().await?;
    let ids = |v: &[folio_core::ChunkId]| v.iter().map(|c| c.0).collect::<Vec<_>>();
    if as_json {
        let doc = json!({
            "consistent": report.is_consistent(),
            "counts": {"documents": counts.documents, "catalog_chunks": counts.catalog_chunks,
                       "text_chunks": counts.text_chunks, "vector_chunks": counts.vector_chunks},
            "missing_text": ids(&report.missing_text), "missing_vectors": ids(&report.missing_vectors),
            "orphan_text": ids(&report.orphan_text), "orphan_vectors": ids(&report.orphan_vectors),
            "duplicate_text": ids(&report.duplicate_text), "duplicate_vectors": ids(&report.duplicate_vectors),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "documents {} · chunks: catalog {}, full text {}, vectors {}",
            counts.documents, counts.catalog_chunks, counts.text_chunks, counts.vector_chunks
        );
        println!("{}", if report.is_consistent() { "consistent" } else { "INCONSISTENT" });
        if !report.is_consistent() {
            println!("{report:#?}");
        }
    }
    if !report.is_consistent() {
        std::process::exit(1);
    }
    Ok(())
}

/// `NPROBES:REFINE:EF`, as `folio bench search --ann-params` takes it.
fn parse_ann_params(text: &str) -> Result<AnnParams> {
    let parts: Vec<&str> = text.split(':').collect();
    let [nprobes, refine, ef] = parts[..] else {
        anyhow::bail!("ANN parameters {text:?} are not NPROBES:REFINE:EF");
    };
    Ok(AnnParams { nprobes: nprobes.parse()?, refine_factor: refine.parse()?, ef: ef.parse()? })
}
