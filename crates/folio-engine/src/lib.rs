//! The API every front end uses: open a library, index folders, search, ask.
//!
//! Plain Rust types in, plain types out. The CLI and the desktop app both sit on [`Library`]; neither
//! knows about SQLite, Tantivy, LanceDB, fastembed or mistral.rs.

mod ask;
#[cfg(feature = "dev")]
pub mod dev;
mod embedding;
mod error;
mod index;
pub mod jobs;
mod library;
mod search;
pub mod settings;
mod vector_index;
mod watch;

pub use ask::{AskEvent, AskOptions, AskOutcome, Failure, Timings, DEFAULT_MIN_SIMILARITY, EVIDENCE_RATIO};
pub use embedding::{download_embedder, embedders, EmbedderInfo, SwitchEvent};
pub use error::EngineError;
pub use folio_core::chat::{ChatId, ChatMessage, ChatSummary, MessageId, MessageState, Role};
pub use folio_core::lang::Language;
pub use folio_core::problem::{MissingTool, Problem, Stop, ToolTask, Unreadable};
pub use folio_core::{
    parse_date, Answer, ChunkId, Citation, DocumentId, Folder, FolderId, JobId, Location, Passage, SearchFilter,
    SearchHit,
};
pub use folio_core::{
    Bm25Query, CheckReport, Counts, Destination, DocumentRecord, EmbedderSwitch, EmbeddingStatus, JobRecord, JobState,
    Status,
};
pub use folio_extract::worker::{
    serve_stdio as serve_extract_worker, Limits as ExtractLimits, WorkerCommand, WORKER_ARG,
};
pub use folio_models::{
    chat_model, download, ChatModel, ChatRequest, DownloadProgress, Embedder, EmbedderDownload, EmbedderModel,
    GenEvent, Generator, HubFile, MeasuredSpeed, ModelError, ModelPaths, BUNDLED_PARAMS_MILLIONS, CHAT_MODELS,
    LLAMA_31_8B, LLAMA_32_1B, LLAMA_32_3B,
};
pub use index::walk::{key_path, path_key, IGNORE_FILE};
pub use index::{FileNote, FileOutcome, IndexEvent, IndexOptions, IndexReport, Progress, Renamed, TextDocument};
pub(crate) use library::absolute;
pub use library::{is_library, library_destination, remove_old_library, Library, LibraryConfig, Relocated};
pub use search::{SearchMode, SearchOptions};
pub use vector_index::ANN_MIN_ROWS;
pub use watch::{Watch, WatchEvent, DEBOUNCE};
