//! [`EngineError`]: what can go wrong in the engine, by what the caller can do about it, with stable
//! codes that the app's `ErrorDto` and the CLI's exit statuses map one to one.

use std::path::PathBuf;

use folio_models::ModelError;
use folio_store::StoreError;

/// Everything that can go wrong in the engine, by what the caller can do about it. The variants carry
/// messages for people and no store or model types; [`EngineError::code`] is the stable name the app's
/// `ErrorDto` and the CLI's exit status ([`EngineError::exit_code`]) map one to one.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// What was named does not exist: a document, folder, chat, job, passage or library.
    #[error("{0}")]
    NotFound(String),
    /// The request itself is wrong: an empty question, a file that is not a model.
    #[error("{0}")]
    InvalidInput(String),
    /// The request is well formed but refused as things stand: a job in another state, a file outside
    /// the library, a move into a folder with other files in it.
    #[error("{0}")]
    Refused(String),
    /// Another process holds the library; try again when it is done.
    #[error("{0}")]
    Busy(String),
    /// The library was written by another version or configuration of Folio.
    #[error("{0}")]
    Incompatible(String),
    /// Storage failed (the disk, a damaged index); what failed is in the message.
    #[error("{0}")]
    Storage(String),
    /// A model is missing or failed.
    #[error("{0}")]
    Model(String),
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A background task failed (a bug).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(reason) => EngineError::Refused(reason),
            StoreError::Busy(reason) => EngineError::Busy(reason),
            StoreError::Incompatible(reason) => EngineError::Incompatible(reason),
            StoreError::Embed(reason) => EngineError::Model(reason),
            other => EngineError::Storage(other.to_string()),
        }
    }
}

impl From<ModelError> for EngineError {
    fn from(e: ModelError) -> Self {
        EngineError::Model(e.to_string())
    }
}

impl EngineError {
    /// Every code, in the order of [`EngineError::exit_code`] (2 onwards).
    pub const CODES: [&'static str; 9] =
        ["invalid_input", "not_found", "refused", "busy", "incompatible", "storage", "model", "io", "internal"];

    /// The stable, machine-readable name of this kind of error.
    pub fn code(&self) -> &'static str {
        Self::CODES[self.index()]
    }

    /// The CLI's exit status for this kind of error: 2 for `invalid_input` onwards, in [`Self::CODES`]'
    /// order (1 stays "failed" for anything that is not an engine error).
    pub fn exit_code(&self) -> i32 {
        Self::exit_code_for(self.code())
    }

    /// The exit status for an error's `code` (1 for a code that is not an engine error's).
    pub fn exit_code_for(code: &str) -> i32 {
        Self::CODES.iter().position(|c| *c == code).map_or(1, |i| 2 + i as i32)
    }

    fn index(&self) -> usize {
        match self {
            EngineError::InvalidInput(_) => 0,
            EngineError::NotFound(_) => 1,
            EngineError::Refused(_) => 2,
            EngineError::Busy(_) => 3,
            EngineError::Incompatible(_) => 4,
            EngineError::Storage(_) => 5,
            EngineError::Model(_) => 6,
            EngineError::Io { .. } => 7,
            EngineError::Internal(_) => 8,
        }
    }

    /// Whether another process holds the library for indexing.
    pub fn is_busy(&self) -> bool {
        matches!(self, EngineError::Busy(_))
    }
}
