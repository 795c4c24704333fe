//! The data that crosses IPC, converted by hand from engine types.

use folio_engine::{AskEvent, EngineError, IndexReport, Location, Progress, SearchHit};
use serde::Serialize;

/// An error the UI can act on: a stable machine-readable `code` and a human message.
#[derive(Debug, Serialize)]
pub struct ErrorDto {
    /// One of `store`, `model`, `io`, `invalid`, `internal`.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

impl From<EngineError> for ErrorDto {
    fn from(e: EngineError) -> Self {
        let code = match &e {
            EngineError::Store(_) => "store",
            EngineError::Model(_) => "model",
            EngineError::Io { .. } => "io",
            EngineError::Invalid(_) => "invalid",
            EngineError::Task(_) => "internal",
        };
        ErrorDto { code, message: e.to_string() }
    }
}

/// Indexing progress.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressDto {
    files_done: u64,
    files_total: u64,
    chunks_written: u64,
    current: Option<String>,
}

impl From<&Progress> for ProgressDto {
    fn from(p: &Progress) -> Self {
        ProgressDto {
            files_done: p.files_done,
            files_total: p.files_total,
            chunks_written: p.chunks_written,
            current: p.current.clone(),
        }
    }
}

/// The outcome of indexing.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexSummaryDto {
    indexed: u64,
    unchanged: u64,
    chunks: u64,
    problems: Vec<(String, String)>,
}

impl From<&IndexReport> for IndexSummaryDto {
    fn from(r: &IndexReport) -> Self {
        IndexSummaryDto {
            indexed: r.indexed,
            unchanged: r.unchanged,
            chunks: r.chunks,
            problems: r.skipped.iter().chain(&r.failed).cloned().collect(),
        }
    }
}

/// A passage as the UI shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassageDto {
    path: String,
    location: Location,
    place: String,
    text: String,
}

impl From<&folio_engine::Passage> for PassageDto {
    fn from(p: &folio_engine::Passage) -> Self {
        PassageDto {
            path: p.path.clone(),
            location: p.location.clone(),
            place: p.location.describe(),
            text: p.text.clone(),
        }
    }
}

/// A search result.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HitDto {
    passage: PassageDto,
    score: f64,
    snippet: String,
}

impl HitDto {
    pub fn new(h: &SearchHit, query: &str) -> Self {
        HitDto {
            passage: PassageDto::from(&h.passage),
            score: h.score,
            snippet: folio_core::snippet::snippet(&h.passage.text, query, 200),
        }
    }
}

/// A cited passage.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CitationDto {
    marker: u32,
    passage: PassageDto,
}

/// An event of a streamed answer.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AskEventDto {
    /// The question is stored in `chat`; `searchQuery` is what is searched.
    Started { chat: i64, search_query: String },
    /// Passages retrieved.
    Retrieved { passages: Vec<PassageDto> },
    /// A piece of the answer.
    Token { text: String },
    /// The answer is complete.
    Finished { chat: i64, answer: String, grounded: bool, citations: Vec<CitationDto>, model: String },
    /// Answering failed.
    Failed { message: String },
}

impl From<AskEvent> for AskEventDto {
    fn from(e: AskEvent) -> Self {
        match e {
            AskEvent::Started { chat, search_query } => AskEventDto::Started { chat: chat.0, search_query },
            AskEvent::Retrieved(ps) => AskEventDto::Retrieved { passages: ps.iter().map(PassageDto::from).collect() },
            AskEvent::Token(t) => AskEventDto::Token { text: t },
            AskEvent::Finished(o) => AskEventDto::Finished {
                chat: o.chat.0,
                grounded: o.grounded,
                answer: o.answer.text,
                citations: o
                    .answer
                    .citations
                    .iter()
                    .map(|c| CitationDto { marker: c.marker, passage: PassageDto::from(&c.passage) })
                    .collect(),
                model: o.model,
            },
            AskEvent::Failed(m) => AskEventDto::Failed { message: m },
        }
    }
}
