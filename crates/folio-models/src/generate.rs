//! Chat generation: the [`Generator`] seam, mistral.rs behind it, and a scripted fake for tests.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::future::BoxFuture;
use mistralrs::core::TokenSource;
use mistralrs::{ChatCompletionChunkResponse, Model, RequestBuilder, Response, TextMessageRole, TextMessages};
use tokio::sync::mpsc;

use folio_core::chat::Role;
use folio_core::prompt::defuse_control_tokens;

use crate::paths::missing;
use crate::ModelError;
use crate::ModelPaths;

/// A system message (instructions and passages), earlier turns, and the user's question.
///
/// The system message comes first so that follow-up turns over the same passages share the prompt prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRequest {
    /// The system message.
    pub system: String,
    /// Earlier turns of the conversation, oldest first.
    pub history: Vec<(Role, String)>,
    /// The user's message.
    pub user: String,
    /// Most tokens to generate.
    pub max_tokens: usize,
}

/// What a generation stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum GenEvent {
    /// A piece of the answer.
    Token(String),
    /// The answer is complete.
    Done(GenStats),
}

/// Token counts and speeds reported by the model runtime.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenStats {
    /// Tokens in the prompt.
    pub prompt_tokens: usize,
    /// Tokens generated.
    pub completion_tokens: usize,
    /// Prompt processing speed, tokens per second.
    pub prompt_tokens_per_sec: f64,
    /// Decode speed, tokens per second.
    pub decode_tokens_per_sec: f64,
    /// Why generation stopped: "stop", "length", "canceled".
    pub finish_reason: String,
}

/// Writes answers token by token; the seam between the engine and the chat model.
///
/// Dropping the receiver returned by [`Generator::generate`] cancels the generation.
pub trait Generator: Send + Sync {
    /// The model's name, shown with every answer.
    fn name(&self) -> &str;
    /// The model's context window in tokens.
    fn context_tokens(&self) -> usize;
    /// Counts each text's tokens with the model's own tokenizer.
    fn count_tokens<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<usize>, ModelError>>;
    /// The length in tokens of the prompt `request` becomes, chat template included: the runtime's
    /// statistics say it only for a generation that ran to its end.
    fn prompt_len<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<usize, ModelError>>;
    /// Starts generating; events arrive on the returned channel.
    fn generate(
        &self,
        request: ChatRequest,
    ) -> BoxFuture<'_, Result<mpsc::Receiver<Result<GenEvent, ModelError>>, ModelError>>;
}

/// A GGUF chat model run by mistral.rs on the CPU (or a GPU when built with `cuda`/`metal`).
pub struct MistralGenerator {
    model: Arc<Model>,
    name: String,
    context: usize,
}

impl MistralGenerator {
    /// Loads the GGUF file at `path`. The tokenizer and chat template come from the file's metadata
    /// (for Llama 3 models, see [`llama3_tokenizer_dir`]); nothing is downloaded (mistral.rs only goes to
    /// the hub for paths that do not exist, checked here).
    pub async fn load(path: &Path, models: &ModelPaths) -> Result<Self, ModelError> {
        let path: PathBuf = std::path::absolute(path).map_err(|e| ModelError::Load(e.to_string()))?;
        if !path.is_file() {
            return Err(ModelError::Missing(missing(&path)));
        }
        let (Some(dir), Some(file)) = (path.parent(), path.file_name().and_then(|f| f.to_str())) else {
            return Err(ModelError::Load(format!("{} is not a usable model path", path.display())));
        };
        let name = file.trim_end_matches(".gguf").to_string();
        let tokenizer_dir = llama3_tokenizer_dir(&path, models)?;
        let model = load_gguf(dir, file, tokenizer_dir.as_deref())
            .await
            .map_err(|e| ModelError::Load(format!("{}: {e}", path.display())))?;
        let context = model.max_sequence_length().ok().flatten().unwrap_or(4096);
        Ok(MistralGenerator { model: Arc::new(model), name, context })
    }

    /// The token ids of the prompt `request` becomes: the chat template from the GGUF rendered with the
    /// generation prompt, then tokenised, exactly as for generation.
    pub async fn prompt_tokens(&self, request: &ChatRequest) -> Result<Vec<u32>, ModelError> {
        self.model
            .tokenize(either::Either::Left(messages(request)), None, true, true, None)
            .await
            .map_err(|e| ModelError::Inference(e.to_string()))
    }
}

/// The messages of `request`: system (instructions and passages), earlier turns, the question. Their
/// text comes from files and people, so control tokens in it are defused before the template sees it.
fn messages(request: &ChatRequest) -> TextMessages {
    let mut messages = TextMessages::new().add_message(TextMessageRole::System, defuse_control_tokens(&request.system));
    for (role, text) in &request.history {
        let role = match role {
            Role::User => TextMessageRole::User,
            Role::Assistant => TextMessageRole::Assistant,
        };
        messages = messages.add_message(role, defuse_control_tokens(text));
    }
    messages.add_message(TextMessageRole::User, defuse_control_tokens(&request.user))
}

impl Generator for MistralGenerator {
    fn name(&self) -> &str {
        &self.name
    }

    fn context_tokens(&self) -> usize {
        self.context
    }

    fn count_tokens<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<usize>, ModelError>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(texts.len());
            for t in texts {
                let ids = self
                    .model
                    .tokenize(either::Either::Right(t.clone()), None, false, false, None)
                    .await
                    .map_err(|e| ModelError::Inference(e.to_string()))?;
                out.push(ids.len());
            }
            Ok(out)
        })
    }

    fn prompt_len<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<usize, ModelError>> {
        Box::pin(async move { Ok(self.prompt_tokens(request).await?.len()) })
    }

    fn generate(
        &self,
        request: ChatRequest,
    ) -> BoxFuture<'_, Result<mpsc::Receiver<Result<GenEvent, ModelError>>, ModelError>> {
        let model = Arc::clone(&self.model);
        Box::pin(async move {
            let (tx, rx) = mpsc::channel(64);
            tokio::spawn(async move {
                let req = RequestBuilder::from(messages(&request)).set_sampler_max_len(request.max_tokens);
                let mut stream = match model.stream_chat_request(req).await {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = tx.send(Err(ModelError::Inference(e.to_string()))).await;
                        return;
                    }
                };
                while let Some(resp) = stream.next().await {
                    let event = match resp {
                        Response::Chunk(ChatCompletionChunkResponse { choices, usage, .. }) => {
                            let mut events = Vec::new();
                            let mut finish = None;
                            if let Some(c) = choices.first() {
                                if let Some(t) = c.delta.content.as_ref().filter(|t| !t.is_empty()) {
                                    events.push(Ok(GenEvent::Token(t.clone())));
                                }
                                finish = c.finish_reason.clone();
                            }
                            if let Some(reason) = finish {
                                let stats = usage.map_or_else(GenStats::default, |u| GenStats {
                                    prompt_tokens: u.prompt_tokens,
                                    completion_tokens: u.completion_tokens,
                                    prompt_tokens_per_sec: f64::from(u.avg_prompt_tok_per_sec),
                                    decode_tokens_per_sec: f64::from(u.avg_compl_tok_per_sec),
                                    finish_reason: String::new(),
                                });
                                events.push(Ok(GenEvent::Done(GenStats { finish_reason: reason, ..stats })));
                            }
                            events
                        }
                        Response::ModelError(msg, _) => vec![Err(ModelError::Inference(msg))],
                        Response::InternalError(e) | Response::ValidationError(e) => {
                            vec![Err(ModelError::Inference(e.to_string()))]
                        }
                        _ => Vec::new(),
                    };
                    for e in event {
                        let stop = matches!(e, Ok(GenEvent::Done(_)) | Err(_));
                        // A closed receiver means the caller cancelled: dropping the stream stops the sequence.
                        if tx.send(e).await.is_err() || stop {
                            return;
                        }
                    }
                }
            });
            Ok(rx)
        })
    }
}

/// A generator that replies from a script, for fast deterministic engine tests: each request gets the
/// next reply (the last one repeats), streamed word by word, optionally with a pause between words.
/// Every request is recorded so tests can check what the model was asked.
pub struct ScriptedGenerator {
    replies: Vec<String>,
    next: std::sync::atomic::AtomicUsize,
    delay: std::time::Duration,
    requests: std::sync::Mutex<Vec<ChatRequest>>,
}

impl ScriptedGenerator {
    /// A generator that gives `replies` in order.
    pub fn new(replies: &[&str]) -> Self {
        ScriptedGenerator {
            replies: replies.iter().map(|r| r.to_string()).collect(),
            next: std::sync::atomic::AtomicUsize::new(0),
            delay: std::time::Duration::ZERO,
            requests: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Pauses this long before each word.
    pub fn with_delay(mut self, delay: std::time::Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl Generator for ScriptedGenerator {
    fn name(&self) -> &str {
        "scripted"
    }

    fn context_tokens(&self) -> usize {
        8192
    }

    fn count_tokens<'a>(&'a self, texts: &'a [String]) -> BoxFuture<'a, Result<Vec<usize>, ModelError>> {
        Box::pin(async move { Ok(texts.iter().map(|t| t.split_whitespace().count()).collect()) })
    }

    fn prompt_len<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, Result<usize, ModelError>> {
        let texts =
            std::iter::once(&request.system).chain(request.history.iter().map(|(_, t)| t)).chain([&request.user]);
        Box::pin(async move { Ok(texts.map(|t| t.split_whitespace().count()).sum()) })
    }

    fn generate(
        &self,
        request: ChatRequest,
    ) -> BoxFuture<'_, Result<mpsc::Receiver<Result<GenEvent, ModelError>>, ModelError>> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let text = self.replies.get(i).or(self.replies.last()).cloned().unwrap_or_default();
        self.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(request);
        let delay = self.delay;
        Box::pin(async move {
            let (tx, rx) = mpsc::channel(64);
            tokio::spawn(async move {
                let words: Vec<String> = text.split_inclusive(' ').map(str::to_string).collect();
                let n = words.len();
                for w in words {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    if tx.send(Ok(GenEvent::Token(w))).await.is_err() {
                        return;
                    }
                }
                let stats = GenStats { completion_tokens: n, finish_reason: "stop".into(), ..GenStats::default() };
                let _ = tx.send(Ok(GenEvent::Done(stats))).await;
            });
            Ok(rx)
        })
    }
}

/// For a GGUF holding the Llama 3 tokenizer, a directory with the reference `tokenizer.json` (from
/// set-up, less its post-processor) and a `tokenizer_config.json` carrying the GGUF's own chat template
/// and its begin and end tokens, for mistral.rs to use instead of rebuilding the tokenizer from the GGUF.
///
/// mistral.rs 0.8.1 rebuilds a GGUF's BPE tokenizer with a pre-tokenizer that splits numbers into
/// single digits, where Llama 3 groups up to three: "1847" reached the model as four tokens it never
/// saw in training ("184", "7" is right). Dates, amounts and page numbers are what people ask their
/// files about, so this matters. `None` for other models, or when the reference tokenizer is missing
/// or does not match the GGUF's vocabulary.
fn llama3_tokenizer_dir(gguf: &Path, models: &ModelPaths) -> Result<Option<PathBuf>, ModelError> {
    use candle_core::quantized::gguf_file::Content;
    let reference = models.llama3_tokenizer();
    if !reference.is_file() {
        return Ok(None);
    }
    let load_err = |e: String| ModelError::Load(format!("{}: {e}", gguf.display()));
    let mut file = std::fs::File::open(gguf).map_err(|e| load_err(e.to_string()))?;
    let content = Content::read(&mut file).map_err(|e| load_err(e.to_string()))?;
    let text = |key: &str| content.metadata.get(key).and_then(|v| v.to_string().ok()).cloned();
    let id = |key: &str| content.metadata.get(key).and_then(|v| v.to_u32().ok());
    let Some(tokens) = content.metadata.get("tokenizer.ggml.tokens").and_then(|v| v.to_vec().ok()) else {
        return Ok(None);
    };
    let token = |i: u32| tokens.get(i as usize).and_then(|t| t.to_string().ok()).cloned();
    let (Some(template), Some(bos), Some(eos)) = (
        text("tokenizer.chat_template"),
        id("tokenizer.ggml.bos_token_id").and_then(token),
        id("tokenizer.ggml.eos_token_id").and_then(token),
    ) else {
        return Ok(None);
    };
    if text("tokenizer.ggml.model").as_deref() != Some("gpt2") || bos != "<|begin_of_text|>" {
        return Ok(None);
    }
    // The reference must hold exactly the GGUF's vocabulary (Llama 3.0, 3.1 and 3.2 share it).
    let mut json: serde_json::Value = std::fs::read(&reference)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| load_err(format!("{} is not a tokenizer file", reference.display())))?;
    let vocab = json["model"]["vocab"].as_object().map_or(0, serde_json::Map::len);
    let added = json["added_tokens"].as_array().map_or(0, Vec::len);
    if vocab + added != tokens.len() {
        return Ok(None);
    }
    let stem = gguf.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = models.root.join("tokenizers").join("for-gguf").join(stem);
    let config = serde_json::json!({ "chat_template": template, "bos_token": bos, "eos_token": eos });
    // The chat template writes <|begin_of_text|> itself; the reference file's post-processor would add
    // a second one (mistral.rs tokenises prompts with special tokens on).
    json["post_processor"] = serde_json::Value::Null;
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("tokenizer.json"), json.to_string())?;
        std::fs::write(dir.join("tokenizer_config.json"), config.to_string())
    };
    write().map_err(|e| load_err(format!("cannot prepare the tokenizer in {}: {e}", dir.display())))?;
    Ok(Some(dir))
}

/// Loads a GGUF with mistral.rs's loader directly, to choose the activation dtype: the high-level
/// builder picks BF16 on CPUs, which candle emulates slowly; F32 activations over the quantised weights
/// are several times faster there. GPU builds keep mistral.rs's automatic choice. `tokenizer_dir`, when
/// given, supplies the tokenizer and chat template (see [`llama3_tokenizer_dir`]).
async fn load_gguf(dir: &Path, file: &str, tokenizer_dir: Option<&Path>) -> Result<Model, String> {
    use mistralrs::core::{
        AddModelConfig, AutoDeviceMapParams, DeviceMapSetting, EngineConfig, GGUFLoaderBuilder, GGUFSpecificConfig,
    };
    use mistralrs::{DefaultSchedulerMethod, Device, ModelDType, SchedulerConfig};

    let gpu = cfg!(any(feature = "cuda", feature = "metal"));
    let device = if gpu { mistralrs::best_device(false).map_err(|e| e.to_string())? } else { Device::Cpu };
    let dtype = if gpu { ModelDType::Auto } else { ModelDType::F32 };
    let loader = GGUFLoaderBuilder::new(
        None,
        tokenizer_dir.map(|d| d.to_string_lossy().into_owned()),
        dir.to_string_lossy().into_owned(),
        vec![file.to_string()],
        GGUFSpecificConfig { topology: None },
        false,
        None,
    )
    .build();
    let pipeline = loader
        .load_model_from_hf(
            None,
            TokenSource::None,
            &dtype,
            &device,
            true,
            DeviceMapSetting::Auto(AutoDeviceMapParams::default_text()),
            None,
            None,
        )
        .map_err(|e| e.to_string())?;
    let scheduler =
        SchedulerConfig::DefaultScheduler { method: DefaultSchedulerMethod::Fixed(std::num::NonZeroUsize::MIN) };
    // mistral.rs keeps the KV cache of the last 16 prompts and reuses the longest shared prefix (Folio's
    // fixed instructions come first for that). `FOLIO_NO_PREFIX_CACHE=1` turns it off, only to measure
    // what it saves (`folio-dev bench ask --only-now`).
    let no_prefix_cache = std::env::var_os("FOLIO_NO_PREFIX_CACHE").is_some_and(|v| v == "1");
    let engine = EngineConfig { throughput_logging_enabled: false, no_prefix_cache, ..EngineConfig::default() };
    Ok(mistralrs::model_builder_trait::build_model_from_pipeline(pipeline, scheduler, AddModelConfig::new(engine))
        .await)
}
