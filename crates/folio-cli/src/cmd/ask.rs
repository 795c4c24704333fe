//! `folio ask`: the answer streamed to stdout, its sources after it; `--json` prints one document at
//! the end. What it writes around the answer follows the question's language (English or French).

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use folio_core::lang::Language;
use folio_core::support::Unsupported;
use folio_engine::{AskEvent, AskOptions, AskOutcome, Library, Location, Timings};
use indicatif::ProgressBar;
use serde::Serialize;

use crate::terminal;

/// `folio ask --json`.
#[derive(Serialize)]
struct Answer<'a> {
    chat: i64,
    answer: &'a str,
    grounded: bool,
    best_similarity: Option<f32>,
    search_query: &'a str,
    citations: Vec<Cited<'a>>,
    dropped_markers: u32,
    attributed_markers: &'a [u32],
    /// Cited sentences checked against their passages.
    checked_sentences: u32,
    /// Those their passage does not support: the sentence, the marker, why.
    unsupported: &'a [Unsupported],
    closest: Vec<Closest<'a>>,
    model: &'a str,
    timings: &'a Timings,
}

#[derive(Serialize)]
struct Cited<'a> {
    marker: u32,
    path: &'a str,
    location: &'a Location,
    span: [u64; 2],
    quote: &'a str,
}

/// A passage shown when the files do not seem to hold the answer.
#[derive(Serialize)]
struct Closest<'a> {
    path: &'a str,
    location: &'a Location,
    quote: &'a str,
}

/// What `folio ask` says around the answer, in one language.
struct Words {
    language: Language,
    retrieving: &'static str,
    searching_for: &'static str,
    searching: &'static str,
    writing: &'static str,
    sources: &'static str,
    not_supported_by: &'static str,
    /// What stands before a quotation: ": " in English, " : " in French.
    colon: &'static str,
    not_asked: &'static str,
}

const ENGLISH: Words = Words {
    language: Language::English,
    retrieving: "retrieving passages and loading the model…",
    searching_for: "searching for",
    searching: "searching…",
    writing: "passages; writing the answer…",
    sources: "Sources:",
    not_supported_by: "not supported by",
    colon: ": ",
    not_asked: "no passage was relevant enough; the model was not asked",
};

const FRENCH: Words = Words {
    language: Language::French,
    retrieving: "recherche des passages et chargement du modèle…",
    searching_for: "recherche de",
    searching: "recherche…",
    writing: "passages\u{a0}; rédaction de la réponse…",
    sources: "Sources\u{a0}:",
    not_supported_by: "non étayé par",
    colon: "\u{a0}: ",
    not_asked: "aucun passage assez proche\u{a0}; le modèle n’a pas été interrogé",
};

fn words_for(question: &str) -> &'static Words {
    match folio_core::lang::detect_question(question) {
        Language::French => &FRENCH,
        _ => &ENGLISH,
    }
}

/// Asks `question` and prints the answer as it streams.
pub async fn ask(library: &Arc<Library>, question: &str, options: AskOptions, as_json: bool) -> Result<()> {
    let words = words_for(question);
    let mut events = library.ask(question, options);
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(words.retrieving);
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let mut search_query = String::new();
    while let Some(event) = events.recv().await {
        match event {
            AskEvent::Started { chat, search_query: q } => {
                if q != question.trim() {
                    spinner.suspend(|| eprintln!("({}: {})", words.searching_for, terminal::clean(&q)));
                }
                spinner.set_message(format!("chat {}: {}", chat.0, words.searching));
                search_query = q;
            }
            AskEvent::Retrieved(passages) => {
                spinner.set_message(format!("{} {}", passages.len(), words.writing));
            }
            AskEvent::Token(t) => {
                if !as_json {
                    spinner.finish_and_clear();
                    write!(out, "{t}")?;
                    out.flush()?;
                }
            }
            AskEvent::Failed(failure) => {
                spinner.finish_and_clear();
                return Err(failure.into());
            }
            AskEvent::Finished(o) => {
                spinner.finish_and_clear();
                return if as_json { print_json(&mut out, &o, &search_query) } else { print_text(&mut out, &o, words) };
            }
        }
    }
    anyhow::bail!("the answer stream ended early")
}

fn print_json(out: &mut impl Write, o: &AskOutcome, search_query: &str) -> Result<()> {
    let citations = o
        .answer
        .citations
        .iter()
        .map(|c| Cited {
            marker: c.marker,
            path: &c.passage.path,
            location: &c.passage.location,
            span: [c.passage.span.start, c.passage.span.end],
            quote: &c.passage.text,
        })
        .collect();
    let closest = if o.grounded {
        Vec::new()
    } else {
        o.passages.iter().map(|p| Closest { path: &p.path, location: &p.location, quote: &p.text }).collect()
    };
    let answer = Answer {
        chat: o.chat.0,
        answer: &o.answer.text,
        grounded: o.grounded,
        best_similarity: o.best_similarity,
        search_query,
        citations,
        dropped_markers: o.answer.dropped_markers,
        attributed_markers: &o.answer.attributed,
        checked_sentences: o.answer.checked_sentences,
        unsupported: &o.answer.unsupported,
        closest,
        model: &o.model,
        timings: &o.timings,
    };
    super::print_json(out, &answer)
}

fn print_text(out: &mut impl Write, o: &AskOutcome, words: &Words) -> Result<()> {
    writeln!(out)?;
    let place = |l: &Location| l.describe_in(words.language);
    if !o.grounded {
        for p in &o.passages {
            writeln!(out, "  - {} ({})", p.path, place(&p.location))?;
        }
    }
    if !o.answer.citations.is_empty() {
        writeln!(out, "\n{}", words.sources)?;
    }
    for c in &o.answer.citations {
        writeln!(out, "  [{}] {} ({})", c.marker, c.passage.path, place(&c.passage.location))?;
    }
    for u in &o.answer.unsupported {
        let quoted = if words.language == Language::French {
            format!("«\u{a0}{}\u{a0}»", u.sentence)
        } else {
            format!("“{}”", u.sentence)
        };
        writeln!(out, "  {} [{}]{}{} ({})", words.not_supported_by, u.marker, words.colon, quoted, u.reason)?;
    }
    let t = &o.timings;
    if o.grounded {
        eprintln!(
            "\n{} · chat {} · retrieval {} ms · first token {} ms · {:.1} tokens/s · total {} ms",
            o.model, o.chat.0, t.retrieval_ms, t.first_token_ms, t.decode_tokens_per_sec, t.total_ms
        );
    } else {
        eprintln!("\nchat {} · {}", o.chat.0, words.not_asked);
    }
    Ok(())
}
