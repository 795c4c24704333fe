//! Folio's domain types and pure logic: chunking, rank fusion, citation parsing and prompt assembly.
//!
//! Invariant: this crate does no I/O, spawns nothing and links no heavy dependency, so everything here is
//! tested by fast deterministic unit tests.

pub mod chat;
pub mod chunk;
pub mod citation;
pub mod eval;
pub mod fusion;
pub mod lang;
pub mod prompt;
pub mod snippet;
mod types;

pub use types::{
    civil_date, parse_date, Answer, Chunk, ChunkId, Citation, DocumentId, Location, Passage, SearchFilter, SearchHit,
    TextSpan, TokenCounter,
};

/// English function words, as in Lucene's English stop set: dropped from BM25 queries and ignored when
/// matching an answer's sentences to passages.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

#[cfg(test)]
mod tests;
