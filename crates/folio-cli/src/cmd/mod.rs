//! One module per group of `folio` commands; each takes the open library (or what it needs instead)
//! and writes results to stdout, progress to stderr. JSON output is a `Serialize` struct per command.

pub mod ask;
pub mod chats;
pub mod index;
pub mod mcp;
pub mod model;
pub mod search;
pub mod status;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

/// Writes `value` as one pretty JSON document and a newline.
fn print_json(out: &mut impl Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}
