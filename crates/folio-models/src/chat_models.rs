//! The chat models Folio offers to download besides the bundled SmolLM2: Llama 3.1 8B Instruct, the
//! model Folio is made for, and Llama 3.2 3B and 1B Instruct (same tokenizer and chat template family)
//! for machines where 8B is too slow. Each is one GGUF file in a folder of its own under `chat/`
//! (mistral.rs reads configuration files it finds beside a GGUF), fetched by [`crate::download`].
//!
//! How fast a model will answer on this machine is not known before it is downloaded; [`MeasuredSpeed`]
//! is the bundled model's decode speed as `folio-dev bench answer` measured it here, and
//! [`ChatModel::estimated_tokens_per_s`] scales it by parameter count: an estimate, and labelled so.

use serde::{Deserialize, Serialize};

use crate::HubFile;

/// One downloadable chat model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatModel {
    /// A stable id: the folder it is kept in, and the name `folio model download --name` takes.
    pub id: &'static str,
    /// The name shown to users.
    pub name: &'static str,
    /// Hugging Face repository.
    pub repo: &'static str,
    /// The GGUF file in the repository (Q4_K_M: candle has SIMD kernels for its K-quants).
    pub file: &'static str,
    /// Parameters, in millions.
    pub params_millions: u32,
    /// Download size, about, in bytes (the server's figure is shown once the download starts).
    pub download_bytes: u64,
}

/// Parameters of the bundled SmolLM2-135M-Instruct, in millions: the base of the speed estimate.
pub const BUNDLED_PARAMS_MILLIONS: u32 = 135;

/// Llama 3.1 8B Instruct, Q4_K_M.
pub const LLAMA_31_8B: ChatModel = ChatModel {
    id: "llama-3.1-8b-instruct",
    name: "Llama 3.1 8B Instruct",
    repo: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
    file: "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
    params_millions: 8_030,
    download_bytes: 4_920_000_000,
};

/// Llama 3.2 3B Instruct, Q4_K_M.
pub const LLAMA_32_3B: ChatModel = ChatModel {
    id: "llama-3.2-3b-instruct",
    name: "Llama 3.2 3B Instruct",
    repo: "bartowski/Llama-3.2-3B-Instruct-GGUF",
    file: "Llama-3.2-3B-Instruct-Q4_K_M.gguf",
    params_millions: 3_210,
    download_bytes: 2_020_000_000,
};

/// Llama 3.2 1B Instruct, Q4_K_M.
pub const LLAMA_32_1B: ChatModel = ChatModel {
    id: "llama-3.2-1b-instruct",
    name: "Llama 3.2 1B Instruct",
    repo: "bartowski/Llama-3.2-1B-Instruct-GGUF",
    file: "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
    params_millions: 1_240,
    download_bytes: 808_000_000,
};

/// Every downloadable chat model, best answers first: when several are downloaded, the first one
/// answers unless the user picks another.
pub const CHAT_MODELS: [ChatModel; 3] = [LLAMA_31_8B, LLAMA_32_3B, LLAMA_32_1B];

/// The chat model with this id.
pub fn chat_model(id: &str) -> Option<ChatModel> {
    CHAT_MODELS.into_iter().find(|m| m.id == id)
}

impl ChatModel {
    /// What to download.
    pub fn hub_file(&self) -> HubFile {
        HubFile { repo: self.repo.into(), revision: "main".into(), file: self.file.into(), sha256: None }
    }

    /// Decode speed on this machine, estimated from the bundled model's measured speed scaled by
    /// parameter count (decoding reads every weight once a token, so time grows with their number;
    /// the larger models' K-quant kernels and attention make the figure rough).
    pub fn estimated_tokens_per_s(&self, measured: &MeasuredSpeed) -> f64 {
        measured.decode_tokens_per_s * f64::from(BUNDLED_PARAMS_MILLIONS) / f64::from(self.params_millions)
    }
}

/// The bundled model's speed on this machine, as `folio-dev bench answer` last measured it (kept by
/// `folio_engine::settings::save_measured_speed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasuredSpeed {
    /// The file measured.
    pub model: String,
    /// Decode speed, p50, tokens per second.
    pub decode_tokens_per_s: f64,
    /// First token, p50, in milliseconds, with `passage_tokens` passage tokens in the prompt.
    pub first_token_ms: f64,
    /// Passage tokens in the prompts measured.
    pub passage_tokens: usize,
    /// The day it was measured (YYYY-MM-DD, UTC).
    pub measured_on: String,
}
