//! Folio's one integration-test binary: the real pipeline (SQLite, Tantivy, LanceDB, fastembed,
//! mistral.rs) on a generated fixture corpus, the CLI end to end, crash recovery, and tidy checks.

mod ann;
mod app;
mod chat;
mod cli;
mod compat;
mod crash;
mod download;
mod embedder;
mod eval;
mod hostile;
mod mcp;
mod memory;
mod pipeline;
mod quantise;
mod recovery;
mod settings;
mod support;
mod sync;
mod template;
mod tidy;
