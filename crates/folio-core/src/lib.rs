//! Folio's domain types and pure logic: chunking, rank fusion, citation parsing and prompt assembly.
//!
//! Invariant: this crate does no I/O, spawns nothing and links no heavy dependency, so everything here is
//! tested by fast deterministic unit tests.

pub mod chat;
pub mod chunk;
pub mod citation;
pub mod eval;
pub mod fusion;
pub mod prompt;
pub mod snippet;
mod types;

pub use types::{
    parse_date, Answer, Chunk, ChunkId, Citation, DocumentId, Location, Passage, SearchFilter, SearchHit, TextSpan,
    TokenCounter,
};

#[cfg(test)]
mod tests;
