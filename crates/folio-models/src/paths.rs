//! Where model files live: `$FOLIO_MODELS`, else `$XDG_DATA_HOME/folio/models`, else `~/.local/share/folio/models`.

use std::path::{Path, PathBuf};

/// The layout of a models directory, as `scripts/models.sh` fills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// The models directory.
    pub root: PathBuf,
}

/// File name of the bundled chat model as its package ships it (Q4_1).
pub const BUNDLED_CHAT_MODEL_SOURCE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";

/// File name of the bundled chat model as set-up rewrites it (Q8_0: candle has SIMD kernels for it and
/// none for Q4_1; `folio-dev requantize`).
pub const BUNDLED_CHAT_MODEL: &str = "SmolLM2-135M-Instruct.Q8_0.gguf";

impl ModelPaths {
    /// The directory named by `$FOLIO_MODELS`, else the XDG data directory's `folio/models`.
    pub fn default_root() -> PathBuf {
        if let Some(dir) = std::env::var_os("FOLIO_MODELS").filter(|v| !v.is_empty()) {
            return PathBuf::from(dir);
        }
        dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("folio").join("models")
    }

    /// Paths under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ModelPaths { root: root.into() }
    }

    /// Directory of the bundled embedding model (ONNX + tokenizer files).
    pub fn embedder_dir(&self) -> PathBuf {
        self.root.join("embed").join("all-MiniLM-L6-v2-int8")
    }

    /// The ONNX Runtime shared library.
    pub fn onnxruntime(&self) -> PathBuf {
        self.root.join("onnxruntime").join("libonnxruntime.so")
    }

    /// Directory of chat models.
    pub fn chat_dir(&self) -> PathBuf {
        self.root.join("chat")
    }

    /// The bundled chat model: set-up's Q8_0 rewrite when there is one, else the Q4_1 it came from.
    pub fn bundled_chat_model(&self) -> PathBuf {
        let rewritten = self.chat_dir().join(BUNDLED_CHAT_MODEL);
        if rewritten.is_file() {
            rewritten
        } else {
            self.bundled_chat_model_source()
        }
    }

    /// The bundled chat model as its package ships it (what set-up rewrites in Q8_0).
    pub fn bundled_chat_model_source(&self) -> PathBuf {
        self.chat_dir().join(BUNDLED_CHAT_MODEL_SOURCE)
    }

    /// Where a downloadable chat model's GGUF goes (a folder of its own, since mistral.rs reads
    /// configuration files it finds beside a GGUF).
    pub fn chat_model_path(&self, model: &crate::ChatModel) -> PathBuf {
        self.chat_dir().join(model.id).join(model.file)
    }

    /// The downloaded chat model that answers when none is chosen: the first of
    /// [`crate::CHAT_MODELS`] on disk (best answers first).
    pub fn downloaded_chat_model(&self) -> Option<crate::ChatModel> {
        crate::CHAT_MODELS.into_iter().find(|m| self.chat_model_path(m).is_file())
    }

    /// The chat model used when none is named: a downloaded Llama if there is one (see
    /// [`Self::downloaded_chat_model`]), else the bundled SmolLM2.
    pub fn default_chat_model(&self) -> PathBuf {
        match self.downloaded_chat_model() {
            Some(m) => self.chat_model_path(&m),
            None => self.bundled_chat_model(),
        }
    }

    /// Where `folio-dev bench answer` keeps the bundled model's measured speed ([`crate::MeasuredSpeed`]).
    pub fn measured_speed_file(&self) -> PathBuf {
        self.chat_dir().join("measured-speed.json")
    }

    /// Makes the models shipped in an installed package (`bundled`, read-only, e.g. `/usr/lib/Folio/models`)
    /// usable from this directory: each bundled file missing here gets a symbolic link, so downloads
    /// still land in this writable directory and files placed here by set-up win. Returns how many links
    /// were made.
    pub fn adopt(&self, bundled: &ModelPaths) -> std::io::Result<usize> {
        let mut files = vec![bundled.onnxruntime(), bundled.bundled_chat_model_source(), bundled.bundled_chat_model()];
        files.dedup();
        if let Ok(entries) = std::fs::read_dir(bundled.embedder_dir()) {
            files.extend(entries.flatten().map(|e| e.path()));
        }
        let mut linked = 0;
        for from in files.into_iter().filter(|f| f.is_file()) {
            let Ok(rel) = from.strip_prefix(&bundled.root) else { continue };
            let to = self.root.join(rel);
            if to.exists() {
                continue;
            }
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // A dangling link left by an uninstalled package is replaced.
            let _ = std::fs::remove_file(&to);
            std::os::unix::fs::symlink(&from, &to)?;
            linked += 1;
        }
        Ok(linked)
    }

    /// The Llama 3 tokenizer (for token counting and template tests).
    pub fn llama3_tokenizer(&self) -> PathBuf {
        self.root.join("tokenizers").join("llama3").join("tokenizer.json")
    }
}

/// Error text for a missing model file, with the command that fetches it.
pub(crate) fn missing(path: &Path) -> String {
    format!("model file {} is missing; run `bash scripts/models.sh` to fetch the bundled models", path.display())
}
