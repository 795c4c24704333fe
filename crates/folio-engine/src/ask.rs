//! Answers: retrieve passages, pack them into the prompt, stream the model's answer through the
//! citation filter, and resolve each kept marker to its passage.

use std::sync::Arc;
use std::time::Instant;

use folio_core::citation::CitationFilter;
use folio_core::prompt::{assemble, header, pack, render_passage};
use folio_core::{Answer, Citation, Passage};
use folio_models::{ChatRequest, GenEvent};
use tokio::sync::mpsc;

use crate::search::SearchOptions;
use crate::{EngineError, Library};

/// Options for a question.
#[derive(Debug, Clone, Copy)]
pub struct AskOptions {
    /// Passages retrieved (at most; fewer if they do not fit the budget).
    pub passages: usize,
    /// Most tokens in the answer.
    pub max_answer_tokens: usize,
    /// Most tokens of system message (instructions and passages).
    pub context_budget: usize,
    /// Retrieval options.
    pub search: SearchOptions,
}

impl Default for AskOptions {
    fn default() -> Self {
        AskOptions { passages: 8, max_answer_tokens: 384, context_budget: 2048, search: SearchOptions::default() }
    }
}

/// How long each stage took, and the model's own counts.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Timings {
    /// Loading the chat model (0 when already loaded).
    pub model_load_ms: u64,
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
    /// The answer with its resolved citations.
    pub answer: Answer,
    /// The passages given to the model, numbered from 1.
    pub passages: Vec<Passage>,
    /// The model that answered.
    pub model: String,
    /// Timings.
    pub timings: Timings,
}

/// Events of an answer, in order: `Retrieved`, any number of `Token`, then `Finished` or `Failed`.
#[derive(Debug, Clone, PartialEq)]
pub enum AskEvent {
    /// The passages the model will read.
    Retrieved(Vec<Passage>),
    /// A piece of the answer, with invalid citation markers already removed.
    Token(String),
    /// The answer is complete.
    Finished(AskOutcome),
    /// Answering failed.
    Failed(String),
}

impl Library {
    /// Answers `question` from the library; events arrive on the returned channel. Dropping the receiver
    /// cancels generation.
    pub fn ask(self: &Arc<Self>, question: &str, options: AskOptions) -> mpsc::Receiver<AskEvent> {
        let (tx, rx) = mpsc::channel(256);
        let library = Arc::clone(self);
        let question = question.trim().to_string();
        tokio::spawn(async move {
            if let Err(e) = library.answer(&question, options, &tx).await {
                let _ = tx.send(AskEvent::Failed(e.to_string())).await;
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
        let start = Instant::now();
        let load_start = Instant::now();
        let generator = self.generator().await?;
        let model_load_ms = load_start.elapsed().as_millis() as u64;

        let retrieval_start = Instant::now();
        let hits = self.search(question, SearchOptions { limit: options.passages, ..options.search }).await?;
        let candidates: Vec<Passage> = hits.into_iter().map(|h| h.passage).collect();
        let blocks: Vec<String> = candidates.iter().enumerate().map(|(i, p)| render_passage(i + 1, p)).collect();
        let mut to_count = vec![header(), question.to_string()];
        to_count.extend(blocks.iter().cloned());
        let counts = generator.count_tokens(&to_count).await?;
        let budget = options
            .context_budget
            .min(generator.context_tokens().saturating_sub(options.max_answer_tokens + counts[1] + 64));
        let (n, _) = pack(counts[0], &counts[2..], budget);
        let passages: Vec<Passage> = candidates.into_iter().take(n).collect();
        let retrieval_ms = retrieval_start.elapsed().as_millis() as u64;
        if tx.send(AskEvent::Retrieved(passages.clone())).await.is_err() {
            return Ok(());
        }

        let request = ChatRequest {
            system: assemble(&blocks[..n]),
            user: question.to_string(),
            max_tokens: options.max_answer_tokens,
        };
        let gen_start = Instant::now();
        let mut stream = generator.generate(request).await?;
        let mut filter = CitationFilter::new(passages.len());
        let mut text = String::new();
        let mut first_token_ms = None;
        let mut stats = None;
        while let Some(event) = stream.recv().await {
            match event? {
                GenEvent::Token(t) => {
                    first_token_ms.get_or_insert_with(|| gen_start.elapsed().as_millis() as u64);
                    let shown = filter.push(&t);
                    if !shown.is_empty() {
                        text.push_str(&shown);
                        if tx.send(AskEvent::Token(shown)).await.is_err() {
                            return Ok(()); // cancelled: dropping `stream` stops the model
                        }
                    }
                }
                GenEvent::Done(s) => {
                    stats = Some(s);
                    break;
                }
            }
        }
        let (rest, markers) = filter.finish();
        if !rest.is_empty() {
            text.push_str(&rest);
            let _ = tx.send(AskEvent::Token(rest)).await;
        }
        let citations = markers
            .cited
            .iter()
            .filter_map(|&m| passages.get(m as usize - 1).map(|p| Citation { marker: m, passage: p.clone() }))
            .collect();
        let stats = stats.unwrap_or_default();
        let timings = Timings {
            model_load_ms,
            retrieval_ms,
            first_token_ms: first_token_ms.unwrap_or(0),
            total_ms: start.elapsed().as_millis() as u64,
            prompt_tokens: stats.prompt_tokens,
            completion_tokens: stats.completion_tokens,
            decode_tokens_per_sec: stats.decode_tokens_per_sec,
        };
        let outcome = AskOutcome {
            answer: Answer { text: text.trim().to_string(), citations, dropped_markers: markers.dropped },
            passages,
            model: generator.name().to_string(),
            timings,
        };
        let _ = tx.send(AskEvent::Finished(outcome)).await;
        Ok(())
    }
}
