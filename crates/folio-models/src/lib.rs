//! The only crate that links fastembed (ONNX Runtime) and mistral.rs.
//!
//! [`Embedder`] and [`Generator`] are the seams the engine sees; [`FastEmbedder`] and
//! [`MistralGenerator`] are the real models, [`HashEmbedder`] and [`ScriptedGenerator`] fast fakes.
//! Model files come from a local models directory ([`ModelPaths`]); only [`download`] and
//! [`download_embedder`] reach the network, and only when the user starts them.

mod chat_models;
mod download;
mod embed;
mod embedders;
mod foreground;
mod generate;
mod gguf;
mod paths;
mod requantize;

pub use chat_models::{
    chat_model, ChatModel, MeasuredSpeed, BUNDLED_PARAMS_MILLIONS, CHAT_MODELS, LLAMA_31_8B, LLAMA_32_1B, LLAMA_32_3B,
};
pub use download::{download, git_blob_id, sha256_file, DownloadProgress, HubFile};
pub use embed::{Embedder, FastEmbedder, HashEmbedder, WordCounter, WordPieceCounter, MINILM_MAX_TOKENS};
pub use embedders::{
    download_embedder, EmbedderDownload, EmbedderModel, EMBEDDERS, MINILM, MULTILINGUAL_E5_SMALL, TOKENIZER_FILES,
};
pub use foreground::{answering, is_answering, Answering, MAX_WAIT as MAX_ANSWER_WAIT};
pub use generate::{ChatRequest, GenEvent, GenStats, Generator, MistralGenerator, ScriptedGenerator};
pub use gguf::{check_gguf, MIN_MODEL_BYTES};
pub use paths::{ModelPaths, BUNDLED_CHAT_MODEL, BUNDLED_CHAT_MODEL_SOURCE};
pub use requantize::{requantize, Quantisation, Requantised};

/// Everything that can go wrong with models.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ModelError {
    /// A model file is not where it should be.
    #[error("{0}")]
    Missing(String),
    /// A model could not be loaded.
    #[error("loading a model failed: {0}")]
    Load(String),
    /// Running a model failed.
    #[error("model error: {0}")]
    Inference(String),
    /// Downloading a model failed.
    #[error("model download: {0}")]
    Download(String),
}
