//! Folio's domain types and pure logic: chunking, rank fusion, citation parsing and prompt assembly.
//!
//! Invariant: this crate does no I/O, spawns nothing and links no heavy dependency, so everything here is
//! tested by fast deterministic unit tests.

pub mod chat;
pub mod chunk;
pub mod citation;
pub mod eval;
pub mod evidence;
pub mod fusion;
pub mod lang;
pub mod problem;
pub mod prompt;
mod records;
pub mod snippet;
pub mod support;
mod types;

pub use problem::Problem;
pub use records::{
    AnnKind, AnnParams, Bm25Query, CheckReport, Counts, Destination, DocumentRecord, EmbedderSwitch, EmbeddingStatus,
    JobRecord, JobState, Status,
};
pub use types::{
    civil_date, parse_date, Answer, Chunk, ChunkId, Citation, DocumentId, Folder, FolderId, JobId, Location, Passage,
    SearchFilter, SearchHit, TextSpan, TokenCounter,
};

/// French function words and question words, lower-cased and without accents (as the full-text
/// analyzer folds them), compared before stemming: dropped from BM25 queries on French text.
pub const FRENCH_STOPWORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "c", "combien", "comment", "d", "dans", "de", "des", "du",
    "elle", "elles", "en", "est", "et", "etait", "ete", "etre", "il", "ils", "j", "je", "l", "la", "le", "les", "leur",
    "leurs", "lui", "m", "ma", "mais", "me", "mes", "mon", "n", "ne", "nos", "notre", "nous", "on", "ont", "ou", "par",
    "pas", "pour", "pourquoi", "qu", "quand", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi", "s", "sa",
    "se", "ses", "son", "sont", "sur", "t", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
];

/// English function words, as in Lucene's English stop set: dropped from BM25 queries and ignored when
/// matching an answer's sentences to passages.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of",
    "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

#[cfg(test)]
mod tests;
