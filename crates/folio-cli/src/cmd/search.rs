//! `folio search`: ranked passages with their places and snippets, in the query's language.

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
    // The query's language: a French query gets French words and places ("lignes 3-5").
    let language = folio_core::lang::detect_question(query);
    let french = language == folio_core::lang::Language::French;
    if hits.is_empty() {
        writeln!(out, "{}", if french { "Aucun résultat." } else { "No results." })?;
    }
    for (i, h) in hits.iter().enumerate() {
        let place = h.passage.location.describe_in(language);
        writeln!(out, "{:>2}. {} ({place})  score {:.4}", i + 1, h.passage.path, h.score)?;
        writeln!(out, "    {}", folio_core::snippet::snippet(&h.passage.text, query, 200))?;
    }
    Ok(())
}
