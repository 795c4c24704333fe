//! Text embeddings with fastembed (ONNX Runtime loaded from the bundled shared library).

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use fastembed::{InitOptionsUserDefined, OutputKey, Pooling, TextEmbedding, TokenizerFiles, UserDefinedEmbeddingModel};
use folio_core::TokenCounter;

use crate::embedders::{EmbedderModel, MINILM};
use crate::paths::missing;
use crate::{ModelError, ModelPaths};

/// Turns texts into unit-length vectors; the seam between the engine and the embedding model.
pub trait Embedder: Send + Sync {
    /// Vector dimension.
    fn dim(&self) -> usize;
    /// Embeds each text (already within the model's length limit).
    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ModelError>;
    /// Counts tokens as the model's tokenizer does, for chunk sizing.
    fn tokens(&self) -> &dyn TokenCounter;
    /// A short name, shown to users.
    fn name(&self) -> &str;
    /// Embeds a question (some models embed questions and passages differently).
    fn embed_query(&self, text: &str) -> Result<Vec<f32>, ModelError> {
        self.embed(&[text.to_string()])?.pop().ok_or_else(|| ModelError::Inference("no vector".into()))
    }
    /// Which model it is, for what Folio knows of it (languages, decline threshold).
    fn model(&self) -> EmbedderModel {
        MINILM
    }
}

/// The longest input all-MiniLM-L6-v2 reads, in word pieces including [CLS] and [SEP].
pub const MINILM_MAX_TOKENS: usize = 256;

/// Texts per ONNX Runtime call. ONNX Runtime's arena keeps the largest working set it has needed, and
/// attention grows with the batch (texts x 12 heads x 256 x 256 floats): at 32 the main process peaked
/// at 1.4 GB while indexing, at 8 at 0.63 GB, and batches of 8 embedded faster on this 2-core machine
/// (`scripts/bench.sh index`, see issue #16's note).
const EMBED_BATCH: usize = 8;

/// An embedding model of [`crate::EMBEDDERS`] (ONNX) through fastembed.
pub struct FastEmbedder {
    session: Mutex<TextEmbedding>,
    counter: WordPieceCounter,
    model: EmbedderModel,
}

/// Counts tokens with a Hugging Face `tokenizer.json`, with truncation and padding off.
pub struct WordPieceCounter {
    tokenizer: tokenizers::Tokenizer,
}

impl WordPieceCounter {
    /// Loads `tokenizer.json`.
    pub fn from_file(path: &Path) -> Result<Self, ModelError> {
        if !path.is_file() {
            return Err(ModelError::Missing(missing(path)));
        }
        let mut tokenizer =
            tokenizers::Tokenizer::from_file(path).map_err(|e| ModelError::Load(format!("{}: {e}", path.display())))?;
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| ModelError::Load(format!("{}: {e}", path.display())))?;
        Ok(WordPieceCounter { tokenizer })
    }

    /// Token ids of `text`, special tokens included if `special` is set.
    pub fn ids(&self, text: &str, special: bool) -> Result<Vec<u32>, ModelError> {
        let enc = self.tokenizer.encode(text, special).map_err(|e| ModelError::Inference(e.to_string()))?;
        Ok(enc.get_ids().to_vec())
    }

    /// The underlying tokenizer.
    pub fn tokenizer(&self) -> &tokenizers::Tokenizer {
        &self.tokenizer
    }
}

impl TokenCounter for WordPieceCounter {
    fn count(&self, text: &str) -> usize {
        // Tokenisation of valid UTF-8 does not fail for WordPiece/BPE; fall back to a byte estimate if it does.
        self.tokenizer.encode(text, false).map_or(text.len() / 3 + 1, |e| e.len())
    }
}

static ORT: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// Loads ONNX Runtime from `lib` once per process; later calls return the same environment.
fn ort_environment(lib: &Path) -> Result<ort::environment::Environment, ModelError> {
    let env = ORT.get_or_init(|| {
        if !lib.is_file() {
            return Err(missing(lib));
        }
        let builder =
            ort::init_from(lib).map_err(|e| format!("cannot load ONNX Runtime from {}: {e}", lib.display()))?;
        builder.with_name("folio").with_telemetry(false).build().map_err(|e| format!("ONNX Runtime did not start: {e}"))
    });
    env.clone().map_err(ModelError::Load)
}

impl FastEmbedder {
    /// Loads the bundled embedding model with `threads` intra-op threads.
    pub fn load(paths: &ModelPaths, threads: usize) -> Result<Self, ModelError> {
        Self::load_model(paths, MINILM, threads)
    }

    /// Loads `model` from its directory with `threads` intra-op threads.
    pub fn load_model(paths: &ModelPaths, model: EmbedderModel, threads: usize) -> Result<Self, ModelError> {
        let dir = paths.embedder_dir_of(&model);
        let spec = model;
        let read = |name: &str| -> Result<Vec<u8>, ModelError> {
            let p = dir.join(name);
            std::fs::read(&p).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound && !spec.is_bundled() {
                    ModelError::Missing(format!(
                        "model file {} is missing; download {} with `folio model download embedder`",
                        p.display(),
                        spec.name
                    ))
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    ModelError::Missing(missing(&p))
                } else {
                    ModelError::Load(format!("{}: {e}", p.display()))
                }
            })
        };
        let files = TokenizerFiles {
            tokenizer_file: read("tokenizer.json")?,
            config_file: read("config.json")?,
            special_tokens_map_file: read("special_tokens_map.json")?,
            tokenizer_config_file: read("tokenizer_config.json")?,
        };
        let onnx = read("model.onnx")?;
        let counter = WordPieceCounter::from_file(&dir.join("tokenizer.json"))?;
        let env = ort_environment(&paths.onnxruntime())?;
        let mut model = UserDefinedEmbeddingModel::new(onnx, files).with_pooling(Pooling::Mean);
        model.output_key = Some(OutputKey::ByName("last_hidden_state"));
        let options = InitOptionsUserDefined::new()
            .with_environment(env)
            .with_max_length(spec.max_tokens)
            .with_intra_threads(threads.max(1))
            .with_session_config("session.intra_op.allow_spinning", "0");
        let model =
            TextEmbedding::try_new_from_user_defined(model, options).map_err(|e| ModelError::Load(e.to_string()))?;
        Ok(FastEmbedder { session: Mutex::new(model), counter, model: spec })
    }

    /// Embeds texts as they are (prefixes already put). In `bulk` (indexing), each batch of
    /// [`EMBED_BATCH`] waits while an answer is being written ([`crate::answering`]), and the session
    /// is locked one batch at a time, so a question's embedding waits for one small batch at most.
    fn embed_raw(&self, texts: &[String], bulk: bool) -> Result<Vec<Vec<f32>>, ModelError> {
        // Batches are padded to their longest text, so texts of similar length are embedded together
        // (sorted by length), then the vectors are put back in the caller's order.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let sorted: Vec<&str> = order.iter().map(|&i| texts[i].as_str()).collect();
        let mut vectors = Vec::with_capacity(texts.len());
        for batch in sorted.chunks(EMBED_BATCH) {
            if bulk {
                crate::foreground::wait_for_answers();
            }
            // The session is only used under this lock; a panic inside leaves nothing half-done to observe.
            let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            vectors.extend(session.embed(batch, Some(EMBED_BATCH)).map_err(|e| ModelError::Inference(e.to_string()))?);
        }
        let mut out = vec![Vec::new(); texts.len()];
        for (v, i) in vectors.into_iter().zip(order) {
            out[i] = v;
        }
        Ok(out)
    }

    /// `texts` with `prefix` put before each (borrowed as they are when there is none).
    fn prefixed<'t>(prefix: &str, texts: &'t [String]) -> std::borrow::Cow<'t, [String]> {
        if prefix.is_empty() {
            std::borrow::Cow::Borrowed(texts)
        } else {
            std::borrow::Cow::Owned(texts.iter().map(|t| format!("{prefix}{t}")).collect())
        }
    }
}

impl Embedder for FastEmbedder {
    fn dim(&self) -> usize {
        self.model.dim
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ModelError> {
        self.embed_raw(&Self::prefixed(self.model.passage_prefix, texts), true)
    }

    fn embed_query(&self, text: &str) -> Result<Vec<f32>, ModelError> {
        let texts = [format!("{}{text}", self.model.query_prefix)];
        self.embed_raw(&texts, false)?.pop().ok_or_else(|| ModelError::Inference("no vector".into()))
    }

    fn tokens(&self) -> &dyn TokenCounter {
        &self.counter
    }

    fn name(&self) -> &str {
        self.model.name
    }

    fn model(&self) -> EmbedderModel {
        self.model
    }
}

/// A deterministic bag-of-words embedder (feature hashing), for fast tests that need no model files.
pub struct HashEmbedder {
    dim: usize,
}

/// Counts whitespace-separated words; the token counter of [`HashEmbedder`].
pub struct WordCounter;

impl TokenCounter for WordCounter {
    fn count(&self, text: &str) -> usize {
        text.split_whitespace().count()
    }
}

impl HashEmbedder {
    /// An embedder of `dim` dimensions.
    pub fn new(dim: usize) -> Self {
        HashEmbedder { dim }
    }
}

impl Embedder for HashEmbedder {
    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ModelError> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0f32; self.dim];
                for w in t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                    let h = w
                        .to_lowercase()
                        .bytes()
                        .fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3));
                    v[(h % self.dim as u64) as usize] += 1.0;
                }
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= norm);
                v
            })
            .collect())
    }

    fn tokens(&self) -> &dyn TokenCounter {
        &WordCounter
    }

    fn name(&self) -> &str {
        "hash"
    }
}
