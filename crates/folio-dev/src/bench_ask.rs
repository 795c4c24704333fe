//! `folio-dev bench ask`: the questions of a files-and-questions set (the layout of
//! `../shared/eval/notes-fr-dev`) asked of the chat model, in one run: first with the prompt as Folio
//! builds it now (passages chosen by evidence and trimmed), then as it built it before (every passage
//! retrieved, whole: the baseline; `--only-now` skips it). For each: time to first token as a user waits for it (from the
//! question to the first word, the model already loaded), prompt tokens, whether the expected file is
//! cited, whether the unanswerable questions are declined, and the share of cited sentences their
//! passage supports (`folio_core::support`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use folio_engine::{AskEvent, AskOptions, IndexOptions, Library, LibraryConfig, ModelPaths};
use serde::{Deserialize, Serialize};

use crate::eval::percentile;

/// What `bench ask` runs.
pub struct AskBench {
    /// The cases (JSON lines: question, lang, expected_file relative to `folder` or null).
    pub cases: PathBuf,
    /// The folder of files the questions are about.
    pub folder: PathBuf,
    /// The models directory.
    pub models: ModelPaths,
    /// The chat model [default: the one Folio would use].
    pub model: Option<PathBuf>,
    /// Only the first N cases.
    pub limit: Option<usize>,
    /// Most answer tokens.
    pub max_tokens: usize,
    /// Only the way Folio asks now (not the whole-passages baseline).
    pub only_now: bool,
    /// A folder indexed into a second library, in this process, while the questions are asked.
    pub while_indexing: Option<PathBuf>,
    /// Print one JSON document.
    pub json: bool,
}

#[derive(Deserialize)]
struct Case {
    question: String,
    lang: String,
    expected_file: Option<String>,
}

/// One question's outcome under one way of building the prompt.
#[derive(Serialize)]
struct Row {
    question: String,
    lang: String,
    expected_file: Option<String>,
    grounded: bool,
    first_token_ms: Option<u64>,
    prompt_tokens: usize,
    passages: usize,
    /// Files of the passages the model was given.
    passage_files: Vec<String>,
    cited_expected: bool,
    cited_files: Vec<String>,
    checked_sentences: u32,
    unsupported: Vec<folio_core::support::Unsupported>,
    answer: String,
    failed: Option<String>,
}

/// The figures of one way of building the prompt.
#[derive(Serialize)]
struct Summary {
    name: &'static str,
    answered: usize,
    first_token_ms_p50: f64,
    first_token_ms_p95: f64,
    prompt_tokens_p50: f64,
    prompt_tokens_p95: f64,
    /// Answerable questions whose expected file is among the passages the model was given.
    expected_file_given: f64,
    /// Answerable questions whose expected file is among the citations.
    expected_file_cited: f64,
    /// Answerable questions declined as not in the files.
    answerable_declined: f64,
    /// Unanswerable questions declined.
    unanswerable_declined: f64,
    /// Cited sentences (per marker) their passage supports.
    supported_share: f64,
    checked_sentences: u32,
}

/// Runs the benchmark and prints the figures, the current way against the baseline.
pub async fn ask(opts: AskBench) -> Result<()> {
    let cases: Vec<Case> = std::fs::read_to_string(&opts.cases)
        .with_context(|| format!("reading {}", opts.cases.display()))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("a case is not {question, lang, expected_file}")?;
    let cases: Vec<Case> = cases.into_iter().take(opts.limit.unwrap_or(usize::MAX)).collect();
    let folder = std::fs::canonicalize(&opts.folder).with_context(|| format!("{}", opts.folder.display()))?;
    let scratch = tempfile::tempdir().context("a scratch library")?;
    let mut config = LibraryConfig::new(scratch.path());
    config.models = opts.models.clone();
    config.chat_model = opts.model.clone();
    let library = std::sync::Arc::new(Library::open(config).await?);
    let report = library.index(&[folder.clone()], IndexOptions::default(), &|_| {}).await?;
    eprintln!("indexed {} files; loading the chat model", report.indexed);
    library.generator().await?;

    // Now first: mistral.rs keeps the KV cache of recent prompts and reuses a shared prefix, so a way
    // asked after the other finds the same questions' passages already computed (a "now" run after the
    // "before" one answered in 3.8 s at p50, alone in 5.4 s). The baseline, second, can only gain.
    let mut ways: Vec<(&'static str, AskOptions)> = vec![
        ("now: passages by evidence, trimmed", AskOptions::default()),
        (
            "before: every passage retrieved, whole",
            AskOptions { evidence_ratio: 0.0, trim_passages: false, context_budget: 2048, ..AskOptions::default() },
        ),
    ];
    if opts.only_now {
        ways.truncate(1);
    }
    let background = match &opts.while_indexing {
        Some(dir) => Some(Background::start(dir, &opts.models).await?),
        None => None,
    };
    let mut all = Vec::new();
    for (name, options) in ways {
        let options = AskOptions { max_answer_tokens: opts.max_tokens, ..options };
        let mut rows = Vec::new();
        for (i, case) in cases.iter().enumerate() {
            let row = ask_one(&library, case, &folder, options.clone()).await;
            eprintln!(
                "{name} {}/{}: first token {:?} ms, {} prompt tokens, expected cited {}",
                i + 1,
                cases.len(),
                row.first_token_ms,
                row.prompt_tokens,
                row.cited_expected
            );
            rows.push(row);
        }
        all.push((summarise(name, &rows), rows));
    }
    let background = background.map(Background::stop);
    if opts.json {
        let doc: Vec<_> = all.iter().map(|(s, rows)| serde_json::json!({ "summary": s, "rows": rows })).collect();
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    println!(
        "{} questions ({}), chat model {}",
        cases.len(),
        opts.cases.display(),
        library.chat_model_path().display()
    );
    for (s, _) in &all {
        println!(
            "{}: first token p50 {:.0} ms, p95 {:.0} ms; prompt tokens p50 {:.0}, p95 {:.0}; expected file given \
             {:.3}, cited {:.3}; answerable declined {:.3}; unanswerable declined {:.3}; cited sentences supported \
             {:.3} of {}",
            s.name,
            s.first_token_ms_p50,
            s.first_token_ms_p95,
            s.prompt_tokens_p50,
            s.prompt_tokens_p95,
            s.expected_file_given,
            s.expected_file_cited,
            s.answerable_declined,
            s.unanswerable_declined,
            s.supported_share,
            s.checked_sentences
        );
    }
    if let [(now, _), (before, _)] = &all[..] {
        println!(
            "now / before: first token p50 {:.2}, prompt tokens p50 {:.2}, expected file cited {:+.3}, supported {:+.3}",
            now.first_token_ms_p50 / before.first_token_ms_p50.max(1.0),
            now.prompt_tokens_p50 / before.prompt_tokens_p50.max(1.0),
            now.expected_file_cited - before.expected_file_cited,
            now.supported_share - before.supported_share
        );
    }
    if let Some(line) = background {
        println!("{line}");
        // The aborted job's blocking work (a file being chunked, a batch being embedded) cannot be
        // cancelled, and the runtime would wait for it before exiting.
        use std::io::Write;
        std::io::stdout().flush()?;
        std::process::exit(0);
    }
    Ok(())
}

/// Indexing in the background, as the app does while a question is asked.
struct Background {
    task: tokio::task::JoinHandle<()>,
    chunks: std::sync::Arc<std::sync::atomic::AtomicU64>,
    _library: std::sync::Arc<Library>,
    _scratch: tempfile::TempDir,
}

impl Background {
    /// Starts indexing `dir` into a scratch library of its own.
    async fn start(dir: &Path, models: &ModelPaths) -> Result<Background> {
        let scratch = tempfile::tempdir().context("a scratch library")?;
        let mut config = LibraryConfig::new(scratch.path());
        config.models = models.clone();
        let library = std::sync::Arc::new(Library::open(config).await?);
        let chunks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (lib, seen, dir) = (std::sync::Arc::clone(&library), std::sync::Arc::clone(&chunks), dir.to_path_buf());
        let task = tokio::spawn(async move {
            let progress = move |p: &folio_engine::Progress| {
                seen.store(p.chunks_written, std::sync::atomic::Ordering::Relaxed);
            };
            if let Err(e) = lib.index(&[dir], IndexOptions::default(), &progress).await {
                eprintln!("background indexing failed: {e}");
            }
        });
        let answers_first = std::env::var_os("FOLIO_NO_ANSWERS_FIRST").is_none_or(|v| v != "1");
        eprintln!(
            "indexing {} in the background meanwhile (answers first: {})",
            scratch.path().display(),
            if answers_first { "on" } else { "off, FOLIO_NO_ANSWERS_FIRST=1" }
        );
        Ok(Background { task, chunks, _library: library, _scratch: scratch })
    }

    /// Says how far the indexing went, and whether it lasted the whole run (else the later questions
    /// were asked without it), then stops it.
    fn stop(self) -> String {
        let lasted = !self.task.is_finished();
        self.task.abort();
        format!(
            "background indexing: {} passages embedded by the end of the questions; {}",
            self.chunks.load(std::sync::atomic::Ordering::Relaxed),
            if lasted {
                "still running at the end, so every question met it"
            } else {
                "it ended before the last question (use a larger folder)"
            }
        )
    }
}

async fn ask_one(library: &std::sync::Arc<Library>, case: &Case, folder: &Path, options: AskOptions) -> Row {
    let started = Instant::now();
    let mut events = library.ask(&case.question, options);
    let mut row = Row {
        question: case.question.clone(),
        lang: case.lang.clone(),
        expected_file: case.expected_file.clone(),
        grounded: false,
        first_token_ms: None,
        prompt_tokens: 0,
        passages: 0,
        passage_files: Vec::new(),
        cited_expected: false,
        cited_files: Vec::new(),
        checked_sentences: 0,
        unsupported: Vec::new(),
        answer: String::new(),
        failed: None,
    };
    while let Some(event) = events.recv().await {
        match event {
            AskEvent::Token(_) if row.first_token_ms.is_none() => {
                row.first_token_ms = Some(started.elapsed().as_millis() as u64);
            }
            AskEvent::Finished(o) => {
                row.grounded = o.grounded;
                row.prompt_tokens = o.timings.prompt_tokens;
                row.passages = o.passages.len();
                let relative = |path: &str| {
                    Path::new(path)
                        .strip_prefix(folder)
                        .map_or_else(|_| path.to_string(), |p| p.to_string_lossy().into_owned())
                };
                row.passage_files = o.passages.iter().map(|p| relative(&p.path)).collect();
                row.cited_files = o.answer.citations.iter().map(|c| relative(&c.passage.path)).collect();
                row.cited_expected = case.expected_file.as_ref().is_some_and(|f| row.cited_files.contains(f));
                row.checked_sentences = o.answer.checked_sentences;
                row.unsupported = o.answer.unsupported;
                row.answer = o.answer.text;
                if !o.grounded {
                    row.first_token_ms = None;
                }
            }
            AskEvent::Failed(f) => row.failed = Some(f.message),
            _ => {}
        }
    }
    row
}

fn summarise(name: &'static str, rows: &[Row]) -> Summary {
    let sorted = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v
    };
    let ttft = sorted(rows.iter().filter_map(|r| r.first_token_ms).map(|t| t as f64).collect());
    let prompts = sorted(rows.iter().filter(|r| r.grounded).map(|r| r.prompt_tokens as f64).collect());
    let answerable: Vec<&Row> = rows.iter().filter(|r| r.expected_file.is_some()).collect();
    let unanswerable: Vec<&Row> = rows.iter().filter(|r| r.expected_file.is_none()).collect();
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let checked: u32 = rows.iter().map(|r| r.checked_sentences).sum();
    let unsupported: usize = rows.iter().map(|r| r.unsupported.len()).sum();
    Summary {
        name,
        answered: rows.iter().filter(|r| r.grounded).count(),
        first_token_ms_p50: percentile(&ttft, 50.0),
        first_token_ms_p95: percentile(&ttft, 95.0),
        prompt_tokens_p50: percentile(&prompts, 50.0),
        prompt_tokens_p95: percentile(&prompts, 95.0),
        expected_file_given: share(
            answerable
                .iter()
                .filter(|r| r.grounded && r.expected_file.as_ref().is_some_and(|f| r.passage_files.contains(f)))
                .count(),
            answerable.len(),
        ),
        expected_file_cited: share(answerable.iter().filter(|r| r.cited_expected).count(), answerable.len()),
        answerable_declined: share(answerable.iter().filter(|r| !r.grounded).count(), answerable.len()),
        unanswerable_declined: share(unanswerable.iter().filter(|r| !r.grounded).count(), unanswerable.len()),
        supported_share: 1.0 - share(unsupported, checked as usize),
        checked_sentences: checked,
    }
}
