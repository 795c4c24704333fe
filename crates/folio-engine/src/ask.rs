//! Answers: resolve the chat, rewrite a follow-up into a standalone query, retrieve passages, decline
//! when none is relevant enough, pack them into the prompt, stream the model's answer through the
//! citation filter, resolve each kept marker to its passage, and keep the exchange in the catalog.

use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_core::chat::{
    clean_rewrite, fallback_query, history_turns, rewrite_keeps_question, rewrite_request, title_from_question, ChatId,
    MessageId, MessageState, Role, REWRITE_INSTRUCTIONS,
};
use folio_core::citation::CitationFilter;
use folio_core::prompt::{assemble, fit, header, not_found, render_passage, PromptCosts};
use folio_core::{Answer, Citation, Passage, SearchHit, TextSpan};
use folio_models::{ChatRequest, GenEvent, GenStats, Generator};
use folio_store::NewMessage;
use tokio::sync::mpsc;

use crate::search::SearchOptions;
use crate::{EngineError, Library};

/// Cosine similarity between a question and its best passage under which Folio declines to answer.
///
/// Measured with `folio eval DIR --unanswerable OTHER` on the two shared sets, each set's queries being
/// unanswerable from the other's corpus. With all-MiniLM-L6-v2, keeping 99 % of the answerable
/// questions needs 0.388 on SciFact (declining 91.6 % of the unanswerable ones) and 0.495 on Cranfield
/// (declining 100 %); the lower of the two, rounded down, is used. Declining an answerable question is
/// the worse mistake, so the threshold favours answering.
pub const DEFAULT_MIN_SIMILARITY: f32 = 0.38;

/// The decline threshold for a question in another language than English, as a share of the English
/// one ([`AskOptions::min_similarity`]). all-MiniLM-L6-v2 places any two French texts closer than two
/// English ones: on notes-fr-dev (`scripts/eval-cases.py`, French questions on French files, the best of
/// the eight passages retrieved) the answerable questions reach 0.458 to 0.695, and no threshold
/// separates the off-topic ones ("Comment remplacer la chaîne d'un vélo de route ?" 0.500, "la tour
/// Eiffel" 0.631, which the names rule declines). 0.44 (0.38 × 1.16) keeps every answerable one and
/// still asks more of a French match than of an English one. Measured on French only; German,
/// Spanish, Italian, Dutch and Portuguese use it too. A multilingual embedder is the real remedy.
pub const OTHER_LANGUAGE_SIMILARITY_RATIO: f32 = 1.16;

/// The decline threshold when the closest passage is in another language than the question, as a share
/// of the English one: similarities across languages are lower. On notes-fr-dev, English questions on
/// French files reach 0.243 to 0.414 while an off-topic English question reaches 0.190; 0.21 (the
/// middle) is 0.38 × 0.55.
pub const CROSS_LANGUAGE_SIMILARITY_RATIO: f32 = 0.55;

/// The share of the best passage's fused score a passage needs to be given to the model. Measured with
/// `folio-dev bench ask` on the notes set (see the notes): prompt tokens against the expected
/// file being cited.
pub const EVIDENCE_RATIO: f64 = 0.55;

/// Most tokens of the system message (instructions and passages). The prompt's length is what the
/// first token waits for (mistral.rs's CPU attention grows with its square), and a small model uses a
/// few passages better than many. `scripts/bench.sh ask` on notes-fr-dev (SmolLM2-135M, this machine,
/// each against every passage whole in the same run): 640 with one neighbouring sentence kept cited the
/// expected file less often than the whole passages did (0.107 against 0.286, before the seven-language
/// full text); 720 with two neighbours ([`TRIM_NEIGHBOURS`])
/// cites it in 0.357 of the answerable questions (whole: 0.179) with 630 prompt tokens at p50 (1,677)
/// and the first token at p50 5.4 s (30.7 s); 800 with two neighbours did worse on both (0.214, 6.0 s).
pub const PROMPT_BUDGET: usize = 720;

/// Passages shorter than this are given whole; longer ones are cut to their relevant sentences.
const TRIM_FROM_CHARS: usize = 300;

/// Sentences kept on each side of a relevant one when a passage is cut ([`PROMPT_BUDGET`] says why two).
const TRIM_NEIGHBOURS: usize = 2;

/// How often the text of an answer being written is saved to the catalog.
const SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Options for a question.
#[derive(Debug, Clone)]
pub struct AskOptions {
    /// The chat to continue; `None` starts a new chat.
    pub chat: Option<ChatId>,
    /// Passages retrieved (at most; fewer if they do not fit the budget).
    pub passages: usize,
    /// Most tokens in the answer.
    pub max_answer_tokens: usize,
    /// Most tokens of system message (instructions and passages).
    pub context_budget: usize,
    /// Retrieval options.
    pub search: SearchOptions,
    /// Below this similarity of the best passage, say the files do not hold the answer (with the bundled
    /// English embedder; a multilingual one has its own threshold, the same in every language).
    pub min_similarity: f32,
    /// Earlier messages of the chat given to the model and to the rewriter.
    pub history_messages: usize,
    /// How long rewriting a follow-up may take before the fallback query is used.
    pub rewrite_timeout: Duration,
    /// Passages whose fused score is below this share of the best are left out of the prompt, as are
    /// near-duplicates of a better one (`folio_core::evidence`); 0 gives every passage retrieved.
    pub evidence_ratio: f64,
    /// Each passage is cut to the sentences that carry the question's terms and their neighbours.
    pub trim_passages: bool,
}

impl Default for AskOptions {
    fn default() -> Self {
        AskOptions {
            chat: None,
            passages: 8,
            max_answer_tokens: 384,
            context_budget: PROMPT_BUDGET,
            search: SearchOptions::default(),
            min_similarity: DEFAULT_MIN_SIMILARITY,
            history_messages: 4,
            rewrite_timeout: Duration::from_secs(20),
            evidence_ratio: EVIDENCE_RATIO,
            trim_passages: true,
        }
    }
}

/// How long each stage took, and the model's own counts.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Timings {
    /// Loading the chat model (0 when already loaded or not needed).
    pub model_load_ms: u64,
    /// Rewriting a follow-up into a standalone query (0 for a first question).
    pub rewrite_ms: u64,
    /// Retrieval (query embedding, BM25, vectors, fusion).
    pub retrieval_ms: u64,
    /// From the start of generation to the first token.
    pub first_token_ms: u64,
    /// The whole question, end to end.
    pub total_ms: u64,
    /// Tokens in the prompt.
    pub prompt_tokens: usize,
    /// Tokens generated.
    pub completion_tokens: usize,
    /// Decode speed in tokens per second.
    pub decode_tokens_per_sec: f64,
}

/// The end of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct AskOutcome {
    /// The chat the exchange belongs to.
    pub chat: ChatId,
    /// The answer with its resolved citations.
    pub answer: Answer,
    /// The passages given to the model, numbered from 1 (or, when not grounded, the closest ones).
    pub passages: Vec<Passage>,
    /// Whether retrieval found passages relevant enough to answer from; when `false` the model was not
    /// asked and the answer says the files do not seem to contain it.
    pub grounded: bool,
    /// Similarity of the best passage to the search query, when known.
    pub best_similarity: Option<f32>,
    /// The model that answered (empty when it was not asked).
    pub model: String,
    /// Timings.
    pub timings: Timings,
}

/// Events of an answer, in order: `Started`, `Retrieved`, any number of `Token`, then `Finished` or
/// `Failed`.
#[derive(Debug, Clone, PartialEq)]
pub enum AskEvent {
    /// The question is stored in `chat`; `search_query` is what will be searched (a follow-up rewritten
    /// into a standalone query).
    Started {
        /// The chat.
        chat: ChatId,
        /// The query searched.
        search_query: String,
    },
    /// The passages the model will read.
    Retrieved(Vec<Passage>),
    /// A piece of the answer, with invalid citation markers already removed.
    Token(String),
    /// The answer is complete.
    Finished(AskOutcome),
    /// Answering failed.
    Failed(Failure),
}

/// Why an answer (or the indexing of a watch's changes) failed, as plain data: the
/// [`EngineError::code`] and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// The engine error's stable code.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

impl From<&EngineError> for Failure {
    fn from(e: &EngineError) -> Self {
        Failure { code: e.code(), message: e.to_string() }
    }
}

impl Failure {
    /// The CLI's exit status for this failure, as [`EngineError::exit_code`] gives it.
    pub fn exit_code(&self) -> i32 {
        EngineError::exit_code_for(self.code)
    }
}

/// A question stored in its chat, with the answer message that [`Library::reply`] finishes.
struct Turn<'a> {
    chat: ChatId,
    /// The answer's message, stored as being written.
    message: MessageId,
    question: &'a str,
    search_query: String,
    history: Vec<(Role, String)>,
    /// The model, when a follow-up's rewrite has loaded it already.
    generator: Option<Arc<dyn Generator>>,
    start: Instant,
    timings: Timings,
}

impl Library {
    /// Answers `question` from the library; events arrive on the returned channel. Dropping the receiver
    /// cancels generation, and the partial answer is kept in the chat as cancelled.
    pub fn ask(self: &Arc<Self>, question: &str, options: AskOptions) -> mpsc::Receiver<AskEvent> {
        let (tx, rx) = mpsc::channel(256);
        let library = Arc::clone(self);
        let question = question.trim().to_string();
        tokio::spawn(async move {
            if let Err(e) = library.answer(&question, options, &tx).await {
                let _ = tx.send(AskEvent::Failed(Failure::from(&e))).await;
            }
        });
        rx
    }

    async fn answer(
        &self,
        question: &str,
        options: AskOptions,
        tx: &mpsc::Sender<AskEvent>,
    ) -> Result<(), EngineError> {
        if question.is_empty() {
            return Err(EngineError::InvalidInput("the question is empty".into()));
        }
        // Answers first: indexing's embedding waits between its small batches until this answer is
        // written, so the chat model has the cores (`folio_models::answering`).
        let _answering = folio_models::answering();
        let start = Instant::now();
        let mut timings = Timings::default();
        let (chat, history) = match options.chat {
            Some(id) => {
                let messages = {
                    let chats = self.store.chats();
                    match chats.chat(id)? {
                        Some(_) => Some(chats.messages(id)?),
                        None => None,
                    }
                };
                let messages = messages.ok_or_else(|| EngineError::NotFound(format!("there is no chat {}", id.0)))?;
                (id, history_turns(&messages, options.history_messages))
            }
            None => (self.store.chats().create_chat(&title_from_question(question))?, Vec::new()),
        };

        // A follow-up needs the model to become a standalone query.
        let mut generator: Option<Arc<dyn Generator>> = None;
        let search_query = if history.is_empty() {
            question.to_string()
        } else {
            let load = Instant::now();
            let g = self.generator().await?;
            timings.model_load_ms = load.elapsed().as_millis() as u64;
            let rewrite = Instant::now();
            let previous = self.store.chats().last_search_query(chat)?;
            let rewritten = rewrite_follow_up(g.as_ref(), &history, question, options.rewrite_timeout).await;
            timings.rewrite_ms = rewrite.elapsed().as_millis() as u64;
            generator = Some(g);
            rewritten.unwrap_or_else(|| fallback_query(previous.as_deref(), question))
        };
        // The question and its answer's message are recorded together, so that every way out leaves
        // the question answered: by the answer, by "not found", as cancelled (perhaps before a word was
        // written, or mid-answer by a crash: the text streamed so far is saved every second), or by the
        // error.
        let message = self.store.chats().add_exchange(
            chat,
            NewMessage {
                role: Role::User,
                text: question,
                state: MessageState::Complete,
                search_query: Some(&search_query),
                model: None,
            },
        )?;
        let turn = Turn { chat, message, question, search_query, history, generator, start, timings };
        let replied = self.reply(turn, &options, tx).await;
        if let Err(e) = &replied {
            self.store.chats().finish_message(message, &e.to_string(), MessageState::Failed, &[])?;
        }
        replied
    }

    /// Retrieves, declines or answers, and finishes the turn's answer message, except on an error,
    /// which [`Library::answer`] records.
    async fn reply(
        &self,
        turn: Turn<'_>,
        options: &AskOptions,
        tx: &mpsc::Sender<AskEvent>,
    ) -> Result<(), EngineError> {
        let Turn { chat, message, question, search_query, history, generator, start, mut timings } = turn;
        if tx.send(AskEvent::Started { chat, search_query: search_query.clone() }).await.is_err() {
            self.store.chats().finish_message(message, "", MessageState::Cancelled, &[])?;
            return Ok(());
        }

        let retrieval = Instant::now();
        let search = SearchOptions { limit: options.passages, ..options.search.clone() };
        let hits = self.search(&search_query, &search).await?;
        let best_similarity = hits.iter().filter_map(|h| h.similarity).reduce(f32::max);
        // BM25-only search has no similarity; it answers from whatever it found, unless the question
        // names something no passage mentions (the question, not the search query: a follow-up's
        // query carries the names of the turns before it).
        let texts: Vec<&str> = hits.iter().map(|h| h.passage.text.as_str()).collect();
        let language = folio_core::lang::detect_question(question);
        let model = self.embedder().model();
        let threshold = if model.multilingual {
            model.min_similarity
        } else {
            min_similarity(language, &hits, options.min_similarity)
        };
        let grounded = !hits.is_empty()
            && best_similarity.is_none_or(|s| s >= threshold)
            && !folio_core::support::names_unknown(question, &texts);
        let found = Found { chat, message, best_similarity, language };
        if !grounded {
            timings.retrieval_ms = retrieval.elapsed().as_millis() as u64;
            timings.total_ms = start.elapsed().as_millis() as u64;
            let closest = hits.into_iter().map(|h| h.passage).collect();
            return self.decline(found, question, closest, timings, tx).await;
        }
        let candidates = evidence(hits, &search_query, options);

        let generator = match generator {
            Some(g) => g,
            None => {
                let load = Instant::now();
                let g = self.generator().await?;
                timings.model_load_ms = load.elapsed().as_millis() as u64;
                g
            }
        };
        let (prompt, passages) = fit_prompt(generator.as_ref(), question, history, candidates, options).await?;
        timings.retrieval_ms = retrieval.elapsed().as_millis() as u64;
        if tx.send(AskEvent::Retrieved(passages.clone())).await.is_err() {
            self.store.chats().finish_message(message, "", MessageState::Cancelled, &[])?;
            return Ok(());
        }
        self.store.chats().set_message_model(message, generator.name())?;
        let streamed = self.stream(generator.as_ref(), &prompt, passages.len(), message, &mut timings, tx).await;
        self.finish(found, generator.as_ref(), &prompt, passages, streamed, start, timings, tx).await
    }

    /// The files do not seem to hold the answer: says so in the question's language, with the closest
    /// passages, without asking the model.
    async fn decline(
        &self,
        found: Found,
        question: &str,
        candidates: Vec<Passage>,
        timings: Timings,
        tx: &mpsc::Sender<AskEvent>,
    ) -> Result<(), EngineError> {
        let closest: Vec<Passage> = candidates.into_iter().take(3).collect();
        let _ = tx.send(AskEvent::Retrieved(closest.clone())).await;
        let said = not_found(question);
        self.store.chats().finish_message(found.message, said, MessageState::NotFound, &[])?;
        let _ = tx.send(AskEvent::Token(said.to_string())).await;
        let outcome = AskOutcome {
            chat: found.chat,
            answer: Answer { text: said.to_string(), ..Answer::default() },
            passages: closest,
            grounded: false,
            best_similarity: found.best_similarity,
            model: String::new(),
            timings,
        };
        let _ = tx.send(AskEvent::Finished(outcome)).await;
        Ok(())
    }

    /// Streams the model's answer through the citation filter to `tx`, saving it every second; stops
    /// when the receiver is dropped or the model repeats itself.
    async fn stream(
        &self,
        generator: &dyn Generator,
        prompt: &ChatRequest,
        passages: usize,
        message: MessageId,
        timings: &mut Timings,
        tx: &mpsc::Sender<AskEvent>,
    ) -> Streamed {
        let gen_start = Instant::now();
        let mut filter = CitationFilter::new(passages);
        let mut out = Streamed::default();
        let mut saved = Instant::now();
        let result: Result<(), EngineError> = async {
            let mut stream = generator.generate(prompt.clone()).await?;
            while let Some(event) = stream.recv().await {
                match event? {
                    GenEvent::Token(t) => {
                        out.generated += 1;
                        if timings.first_token_ms == 0 {
                            timings.first_token_ms = gen_start.elapsed().as_millis().max(1) as u64;
                            out.first_token = Some(Instant::now());
                        }
                        let shown = filter.push(&t);
                        if shown.is_empty() {
                            continue;
                        }
                        out.text.push_str(&shown);
                        if tx.send(AskEvent::Token(shown)).await.is_err() {
                            out.cancelled = true; // dropping `stream` stops the model
                            return Ok(());
                        }
                        // A model saying the same sentence again has nothing more to say: stop it
                        // there and keep the answer up to the first time (dropping `stream` stops it).
                        if let Some(keep) = folio_core::citation::repetition_cut(&out.text) {
                            out.text.truncate(keep);
                            out.repeated = true;
                            return Ok(());
                        }
                        if saved.elapsed() >= SAVE_EVERY {
                            self.store.chats().save_partial(message, &out.text)?;
                            saved = Instant::now();
                        }
                    }
                    GenEvent::Done(s) => {
                        out.stats = Some(s);
                        break;
                    }
                }
            }
            Ok(())
        }
        .await;
        let (rest, markers) = filter.finish();
        if !out.repeated && !out.cancelled && !rest.is_empty() {
            out.text.push_str(&rest);
            let _ = tx.send(AskEvent::Token(rest)).await;
        }
        out.dropped_markers = markers.dropped;
        out.error = result.err();
        out
    }

    /// Resolves the answer's citations, stores the answer as it ended (complete, cancelled or failed)
    /// and sends the outcome.
    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        found: Found,
        generator: &dyn Generator,
        prompt: &ChatRequest,
        passages: Vec<Passage>,
        streamed: Streamed,
        start: Instant,
        mut timings: Timings,
        tx: &mpsc::Sender<AskEvent>,
    ) -> Result<(), EngineError> {
        let Streamed { text, stats, cancelled, repeated, generated, first_token, dropped_markers, error } = streamed;
        let mut text = text.trim().to_string();
        let mut attributed = Vec::new();
        let mut checked = folio_core::support::Checked::default();
        if !cancelled && error.is_none() {
            let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
            (text, attributed) = folio_core::citation::attribute(&text, &texts);
            // Every cited sentence against its passage; a marker to a passage that shares nothing
            // with its sentence goes, like a marker to no passage.
            checked = folio_core::support::check(&text, &texts, found.language);
            text = std::mem::take(&mut checked.text);
        }
        // The citations of the answer as kept (a repeat cut or attribution changes them), in order of
        // first appearance.
        let cited = folio_core::citation::filter_answer(&text, passages.len()).1.cited;
        let citations: Vec<Citation> = cited
            .iter()
            .filter_map(|&m| passages.get(m as usize - 1).map(|p| Citation { marker: m, passage: p.clone() }))
            .collect();
        if let Some(e) = error {
            let shown = if text.is_empty() { e.to_string() } else { format!("{text}\n\n({e})") };
            self.store.chats().finish_message(found.message, &shown, MessageState::Failed, &citations)?;
            return Err(e);
        }
        let state = if cancelled { MessageState::Cancelled } else { MessageState::Complete };
        self.store.chats().finish_message(found.message, &text, state, &citations)?;
        if cancelled {
            return Ok(());
        }
        // Stopped by Folio (a repeat), or ended without its statistics, the runtime reports
        // none: count them here.
        let stats = match stats {
            Some(stats) => stats,
            None => GenStats {
                prompt_tokens: generator.prompt_len(prompt).await.unwrap_or(0),
                completion_tokens: generated,
                decode_tokens_per_sec: first_token
                    .map_or(0.0, |f| generated.saturating_sub(1) as f64 / f.elapsed().as_secs_f64().max(1e-9)),
                finish_reason: if repeated { "repeat" } else { "incomplete" }.into(),
                ..GenStats::default()
            },
        };
        timings.total_ms = start.elapsed().as_millis() as u64;
        timings.prompt_tokens = stats.prompt_tokens;
        timings.completion_tokens = stats.completion_tokens;
        timings.decode_tokens_per_sec = stats.decode_tokens_per_sec;
        let outcome = AskOutcome {
            chat: found.chat,
            answer: Answer {
                text,
                citations,
                dropped_markers: dropped_markers + checked.dropped,
                attributed,
                checked_sentences: u32::try_from(checked.checked).unwrap_or(u32::MAX),
                unsupported: checked.unsupported,
            },
            passages,
            grounded: true,
            best_similarity: found.best_similarity,
            model: generator.name().to_string(),
            timings,
        };
        let _ = tx.send(AskEvent::Finished(outcome)).await;
        Ok(())
    }
}

/// Where the turn's answer goes, and how relevant retrieval found the library.
#[derive(Clone, Copy)]
struct Found {
    chat: ChatId,
    message: MessageId,
    best_similarity: Option<f32>,
    /// The question's language, for what Folio itself says about the answer.
    language: folio_core::lang::Language,
}

/// What streaming the answer left.
#[derive(Default)]
struct Streamed {
    /// The answer as shown, invalid markers removed.
    text: String,
    /// The runtime's statistics, when it ended by itself.
    stats: Option<GenStats>,
    /// The receiver went away.
    cancelled: bool,
    /// Folio stopped a model that said the same sentence again.
    repeated: bool,
    /// Tokens generated.
    generated: usize,
    /// When the first token came.
    first_token: Option<Instant>,
    /// Markers removed for citing no passage.
    dropped_markers: u32,
    /// Why the stream failed, if it did.
    error: Option<EngineError>,
}

/// The passages worth giving the model, best first: within [`AskOptions::evidence_ratio`] of the best
/// fused score, near-duplicates of a better one left out, each cut to its relevant sentences (still an
/// exact span of its file, so the citation's quote and highlight are right).
fn evidence(hits: Vec<SearchHit>, query: &str, options: &AskOptions) -> Vec<Passage> {
    use folio_core::evidence::{by_score, near_duplicate, trim};
    let scores: Vec<f64> = hits.iter().map(|h| h.score).collect();
    let keep = if options.evidence_ratio > 0.0 { by_score(&scores, options.evidence_ratio) } else { hits.len() };
    let mut out: Vec<Passage> = Vec::with_capacity(keep);
    for hit in hits.into_iter().take(keep) {
        let mut p = hit.passage;
        if options.evidence_ratio > 0.0 && out.iter().any(|q| near_duplicate(&q.text, &p.text, 0.8)) {
            continue;
        }
        if options.trim_passages {
            if let Some(range) = trim(&p.text, query, TRIM_NEIGHBOURS, TRIM_FROM_CHARS) {
                let skipped = p.text[..range.start].chars().count() as u64;
                let kept = p.text[range.clone()].chars().count() as u64;
                p.span = TextSpan { start: p.span.start + skipped, end: p.span.start + skipped + kept };
                p.text = p.text[range].to_string();
            }
        }
        out.push(p);
    }
    out
}

/// The request for the model: as many passages as fit beside the question and the conversation (the
/// earliest turns give way first, [`folio_core::prompt::fit`]), with the passages given.
async fn fit_prompt(
    generator: &dyn Generator,
    question: &str,
    history: Vec<(Role, String)>,
    candidates: Vec<Passage>,
    options: &AskOptions,
) -> Result<(ChatRequest, Vec<Passage>), EngineError> {
    let blocks: Vec<String> = candidates.iter().enumerate().map(|(i, p)| render_passage(i + 1, p)).collect();
    // One tokenizer call: header, question, the history turns, then the passages.
    let mut to_count = vec![header(), question.to_string()];
    to_count.extend(history.iter().map(|(_, t)| t.clone()));
    to_count.extend(blocks.iter().cloned());
    let counts = generator.count_tokens(&to_count).await?;
    let (fixed, passage_costs) = counts.split_at(2 + history.len());
    let costs = PromptCosts { header: fixed[0], question: fixed[1], history: &fixed[2..], passages: passage_costs };
    let context = generator.context_tokens();
    let Some(fit) = fit(&costs, options.max_answer_tokens, options.context_budget, context) else {
        return Err(EngineError::InvalidInput(format!(
            "the question leaves no room for a passage in the model's {context}-token context: ask it in fewer words"
        )));
    };
    let request = ChatRequest {
        system: assemble(&blocks[..fit.passages]),
        history: history[fit.dropped_history..].to_vec(),
        user: question.to_string(),
        max_tokens: options.max_answer_tokens,
    };
    Ok((request, candidates.into_iter().take(fit.passages).collect()))
}

/// Asks the model for a standalone version of a follow-up; `None` when it fails, is too slow, or
/// returns something unusable.
async fn rewrite_follow_up(
    generator: &dyn Generator,
    history: &[(Role, String)],
    question: &str,
    timeout: Duration,
) -> Option<String> {
    let request = ChatRequest {
        system: REWRITE_INSTRUCTIONS.to_string(),
        history: Vec::new(),
        user: rewrite_request(history, question),
        max_tokens: 48,
    };
    let collect = async {
        let mut stream = generator.generate(request).await.ok()?;
        let mut out = String::new();
        while let Some(event) = stream.recv().await {
            match event.ok()? {
                GenEvent::Token(t) => {
                    out.push_str(&t);
                    // One line is all that is wanted; stop the model as soon as it has written it.
                    if out.trim_start().contains('\n') {
                        break;
                    }
                }
                GenEvent::Done(_) => break,
            }
        }
        Some(out)
    };
    let out = tokio::time::timeout(timeout, collect).await.ok()??;
    let cleaned = clean_rewrite(&out).filter(|r| rewrite_keeps_question(r, question));
    if cleaned.is_none() {
        tracing::info!(output = %out, "unusable follow-up rewrite; using the fallback query");
    }
    cleaned
}

/// Chats: list, read, rename, delete.
impl Library {
    /// Every chat, most recently changed first.
    pub fn chats(&self) -> Result<Vec<folio_core::chat::ChatSummary>, EngineError> {
        Ok(self.store.chats().chats()?)
    }

    /// The messages of a chat, oldest first.
    pub fn chat_messages(&self, chat: ChatId) -> Result<Vec<folio_core::chat::ChatMessage>, EngineError> {
        let exists = self.store.chats().chat(chat)?.is_some();
        if !exists {
            return Err(EngineError::NotFound(format!("there is no chat {}", chat.0)));
        }
        Ok(self.store.chats().messages(chat)?)
    }

    /// Renames a chat.
    pub fn rename_chat(&self, chat: ChatId, title: &str) -> Result<(), EngineError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(EngineError::InvalidInput("a chat title cannot be empty".into()));
        }
        if !self.store.chats().rename_chat(chat, title)? {
            return Err(EngineError::NotFound(format!("there is no chat {}", chat.0)));
        }
        Ok(())
    }

    /// Deletes a chat and its messages.
    pub fn delete_chat(&self, chat: ChatId) -> Result<(), EngineError> {
        if !self.store.chats().delete_chat(chat)? {
            return Err(EngineError::NotFound(format!("there is no chat {}", chat.0)));
        }
        Ok(())
    }
}

/// The similarity under which a question in `asked_in` is declined: `english` for an English question
/// on English passages, scaled for a question in another language ([`OTHER_LANGUAGE_SIMILARITY_RATIO`]) or one
/// whose closest passage is in another language than it ([`CROSS_LANGUAGE_SIMILARITY_RATIO`]).
fn min_similarity(asked_in: folio_core::lang::Language, hits: &[SearchHit], english: f32) -> f32 {
    use folio_core::lang::{detect, Language};
    let closest =
        hits.iter().filter_map(|h| Some((h, h.similarity?))).max_by(|a, b| a.1.total_cmp(&b.1)).map(|(h, _)| h);
    if closest.is_some_and(|h| detect(&h.passage.text) != asked_in) {
        english * CROSS_LANGUAGE_SIMILARITY_RATIO
    } else if asked_in != Language::English {
        english * OTHER_LANGUAGE_SIMILARITY_RATIO
    } else {
        english
    }
}
