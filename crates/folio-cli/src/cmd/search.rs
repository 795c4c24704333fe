//! `folio search`: ranked passages with their places and snippets.

use std::io::Write;

use anyhow::Result;
use folio_engine::{Library, Location, SearchOptions};
use serde::Serialize;

use crate::terminal;

/// `folio search --json`.
#[derive(Serialize)]
struct Results<'a> {
    results: Vec<Result_<'a>>,
}

#[derive(Serialize)]
struct Result_<'a> {
    path: &'a str,
    location: &'a Location,
    score: f64,
    similarity: Option<f32>,
    snippet: String,
}

/// Searches the library and prints the hits.
pub async fn search(library: &Library, query: &str, options: SearchOptions, as_json: bool) -> Result<()> {
    let hits = library.search(query, &options).await?;
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    if as_json {
        let results = hits
            .iter()
            .map(|h| Result_ {
                path: &h.passage.path,
                location: &h.passage.location,
                score: h.score,
                similarity: h.similarity,
                snippet: folio_core::snippet::snippet(&h.passage.text, query, 200),
            })
            .collect();
        return super::print_json(&mut out, &Results { results });
    }
    if hits.is_empty() {
        writeln!(out, "No results.")?;
    }
    for (i, h) in hits.iter().enumerate() {
        writeln!(out, "{:>2}. {} ({})  score {:.4}", i + 1, h.passage.path, h.passage.location.describe(), h.score)?;
        writeln!(out, "    {}", folio_core::snippet::snippet(&h.passage.text, query, 200))?;
    }
    Ok(())
}
