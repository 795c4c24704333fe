//! Language detection on labelled texts: Folio's (`folio_core::lang`: whatlang's trigrams, function words
//! for short or unreliable texts) against lingua restricted to the same seven languages. Prints, per
//! set, the texts each got wrong, the counts, and the time spent detecting.
//!
//! Usage: folio-langdetect-bench SHARED_EVAL_DIR

use std::path::Path;
use std::time::{Duration, Instant};

use folio_core::lang::{self, Language};

/// The five English notes of notes-fr-dev (its README: 20 notes in French, 5 in English).
const ENGLISH_NOTES: [&str; 5] = [
    "animaux/pistache-notes-for-ruth.md",
    "demenagement/daniel-moving-list.md",
    "jardin/hollowbrook-seed-order.txt",
    "maison/oliver-bentley-worktop-email.txt",
    "travail/mark-ellison-nantes-seminar-email.txt",
];

struct Labelled {
    language: Language,
    text: String,
}

fn main() {
    let eval = std::env::args().nth(1).expect("usage: folio-langdetect-bench SHARED_EVAL_DIR");
    let eval = Path::new(&eval);
    let lingua = lingua::LanguageDetectorBuilder::from_languages(&[
        lingua::Language::English,
        lingua::Language::French,
        lingua::Language::German,
        lingua::Language::Spanish,
        lingua::Language::Italian,
        lingua::Language::Dutch,
        lingua::Language::Portuguese,
    ])
    .with_preloaded_language_models()
    .build();
    report(
        "questions (notes-fr-dev's 34, SciFact-train's 809 claims, Cranfield's 225 queries)",
        &questions(eval),
        true,
        &lingua,
    );
    report("passages (notes-fr-dev's .md and .txt paragraphs of 8 words or more)", &passages(eval), false, &lingua);
}

fn report(name: &str, set: &[Labelled], questions: bool, lingua: &lingua::LanguageDetector) {
    let folio = |t: &str| if questions { lang::detect_question(t) } else { lang::detect(t) };
    let theirs = |t: &str| match lingua.detect_language_of(t) {
        Some(lingua::Language::French) => Some(Language::French),
        Some(lingua::Language::German) => Some(Language::German),
        Some(lingua::Language::Spanish) => Some(Language::Spanish),
        Some(lingua::Language::Italian) => Some(Language::Italian),
        Some(lingua::Language::Dutch) => Some(Language::Dutch),
        Some(lingua::Language::Portuguese) => Some(Language::Portuguese),
        Some(_) => Some(Language::English),
        None => None,
    };
    println!("== {name}: {} texts", set.len());
    let (mut folio_wrong, mut lingua_wrong) = (0, 0);
    let (mut folio_time, mut lingua_time) = (Duration::ZERO, Duration::ZERO);
    for item in set {
        let start = Instant::now();
        let ours = folio(&item.text);
        folio_time += start.elapsed();
        let start = Instant::now();
        let other = theirs(&item.text);
        lingua_time += start.elapsed();
        let short: String = item.text.chars().take(90).collect();
        if ours != item.language {
            folio_wrong += 1;
            println!("  folio  {:>2} for {}: {short}", ours.code(), item.language.code());
        }
        if other != Some(item.language) {
            lingua_wrong += 1;
            println!("  lingua {:>2} for {}: {short}", other.map_or("--", Language::code), item.language.code());
        }
    }
    println!(
        "  wrong: folio {folio_wrong}, lingua {lingua_wrong}; time: folio {:.1} ms, lingua {:.1} ms",
        folio_time.as_secs_f64() * 1e3,
        lingua_time.as_secs_f64() * 1e3
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn questions(eval: &Path) -> Vec<Labelled> {
    let mut out = Vec::new();
    for line in read(&eval.join("notes-fr-dev.cases.jsonl")).lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("case");
        let language = if case["lang"] == "fr" { Language::French } else { Language::English };
        out.push(Labelled { language, text: case["question"].as_str().expect("question").to_string() });
    }
    for set in ["scifact-train", "cranfield"] {
        for line in read(&eval.join(set).join("queries.jsonl")).lines() {
            let query: serde_json::Value = serde_json::from_str(line).expect("query");
            out.push(Labelled { language: Language::English, text: query["text"].as_str().expect("text").to_string() });
        }
    }
    out
}

fn passages(eval: &Path) -> Vec<Labelled> {
    let root = eval.join("notes-fr-dev");
    let mut files = Vec::new();
    for topic in std::fs::read_dir(&root).expect("notes-fr-dev") {
        for file in std::fs::read_dir(topic.expect("topic").path()).expect("topic") {
            files.push(file.expect("file").path());
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt")) {
        let name = path.strip_prefix(&root).expect("inside").to_string_lossy().into_owned();
        let language = if ENGLISH_NOTES.contains(&name.as_str()) { Language::English } else { Language::French };
        for paragraph in read(path).split("\n\n") {
            let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.split(' ').count() >= 8 {
                out.push(Labelled { language, text });
            }
        }
    }
    out
}
