//! The embedding models Folio knows: the bundled all-MiniLM-L6-v2 (English) and a multilingual model
//! the user may download from the Hugging Face hub ([`download_embedder`]), each described by an
//! [`EmbedderModel`]: where its files are, how texts are prefixed, how long an input may be, and how
//! far its similarities can be trusted.

use std::path::PathBuf;

use crate::{download, DownloadProgress, HubFile, ModelError, ModelPaths};

/// One embedding model: its files and how it is used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmbedderModel {
    /// A stable id, stored in a library's catalog with the vectors it made.
    pub id: &'static str,
    /// The name shown to users.
    pub name: &'static str,
    /// Hugging Face repository it is downloaded from (empty: shipped by set-up).
    pub repo: &'static str,
    /// The ONNX file within the repository.
    pub onnx_file: &'static str,
    /// Vector dimension.
    pub dim: usize,
    /// The longest input it reads, in its own tokens, special tokens included.
    pub max_tokens: usize,
    /// Put before a question (E5 models are trained with `query: ` and `passage: `).
    pub query_prefix: &'static str,
    /// Put before a passage.
    pub passage_prefix: &'static str,
    /// Trained on many languages (French questions on English files and the reverse meet).
    pub multilingual: bool,
    /// Below this cosine similarity between a question and its closest passage, an English question
    /// is declined (see `folio_engine::ask`).
    pub min_similarity: f32,
    /// Whether `min_similarity` was measured on Folio's evaluation sets; if not, it is an estimate.
    pub threshold_measured: bool,
    /// Download size, about, in bytes (0 for the bundled model).
    pub download_bytes: u64,
}

/// The files besides the ONNX model that fastembed reads, at the repository's root.
pub const TOKENIZER_FILES: [&str; 4] =
    ["tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"];

/// all-MiniLM-L6-v2, int8, shipped by set-up: English, 256 tokens. Its decline threshold was measured
/// on Cranfield and SciFact (issue #11).
pub const MINILM: EmbedderModel = EmbedderModel {
    id: "all-minilm-l6-v2",
    name: "all-MiniLM-L6-v2 (int8)",
    repo: "",
    onnx_file: "model.onnx",
    dim: 384,
    max_tokens: 256,
    query_prefix: "",
    passage_prefix: "",
    multilingual: false,
    min_similarity: 0.38,
    threshold_measured: true,
    download_bytes: 0,
};

/// multilingual-e5-small (about 100 languages, 512 tokens, 384 dimensions, so the vector table's shape
/// does not change). Its similarities sit in a narrow, high band (unrelated texts score about 0.7,
/// related ones 0.8 and up, as its authors document), so its decline threshold is higher; it is an
/// estimate: no multilingual ONNX model could be fetched on the machine Folio is built on.
pub const MULTILINGUAL_E5_SMALL: EmbedderModel = EmbedderModel {
    id: "multilingual-e5-small",
    name: "multilingual-e5-small",
    repo: "intfloat/multilingual-e5-small",
    onnx_file: "onnx/model.onnx",
    dim: 384,
    max_tokens: 512,
    query_prefix: "query: ",
    passage_prefix: "passage: ",
    multilingual: true,
    min_similarity: 0.80,
    threshold_measured: false,
    download_bytes: 490_000_000,
};

/// Every embedding model Folio offers, the bundled one first.
pub const EMBEDDERS: [EmbedderModel; 2] = [MINILM, MULTILINGUAL_E5_SMALL];

impl EmbedderModel {
    /// The model with this id.
    pub fn by_id(id: &str) -> Option<EmbedderModel> {
        EMBEDDERS.into_iter().find(|m| m.id == id)
    }

    /// Whether set-up ships it (it is never downloaded).
    pub fn is_bundled(&self) -> bool {
        self.repo.is_empty()
    }
}

impl ModelPaths {
    /// The directory holding `model`'s files.
    pub fn embedder_dir_of(&self, model: &EmbedderModel) -> PathBuf {
        if model.is_bundled() {
            self.embedder_dir()
        } else {
            self.root.join("embed").join(model.id)
        }
    }

    /// Whether every file of `model` is present.
    pub fn has_embedder(&self, model: &EmbedderModel) -> bool {
        let dir = self.embedder_dir_of(model);
        TOKENIZER_FILES.iter().chain(["model.onnx"].iter()).all(|f| dir.join(f).is_file())
    }
}

/// Progress of an embedder download: which file, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedderDownload {
    /// The file being fetched.
    pub file: String,
    /// Its position among the files (1-based) and how many there are.
    pub index: usize,
    /// How many files there are.
    pub files: usize,
    /// Bytes of this file.
    pub progress: DownloadProgress,
}

/// Downloads `model`'s files from the hub (honouring `HF_ENDPOINT`) into its directory: the tokenizer
/// files, then the ONNX model, each resumed after an interruption and verified (the hub's SHA-256 for
/// large files, its git blob id for small ones). Files already there are kept, so running it again
/// after an interruption fetches only what is missing. Nothing is downloaded for the bundled model.
pub async fn download_embedder(
    model: &EmbedderModel,
    paths: &ModelPaths,
    progress: &(dyn Fn(EmbedderDownload) + Send + Sync),
) -> Result<PathBuf, ModelError> {
    let dir = paths.embedder_dir_of(model);
    if model.is_bundled() {
        return Ok(dir);
    }
    let files: Vec<(&str, &str)> =
        TOKENIZER_FILES.iter().map(|f| (*f, *f)).chain([(model.onnx_file, "model.onnx")]).collect();
    for (i, (remote, local)) in files.iter().enumerate() {
        let dest = dir.join(local);
        if dest.is_file() {
            continue;
        }
        let hub = HubFile { repo: model.repo.into(), revision: "main".into(), file: (*remote).into(), sha256: None };
        let report = |p: DownloadProgress| {
            progress(EmbedderDownload { file: (*remote).into(), index: i + 1, files: files.len(), progress: p })
        };
        download(&hub, &dest, &report).await?;
    }
    Ok(dir)
}
