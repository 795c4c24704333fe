//! `folio bench answer`: time to first token with about 2,000 tokens of passages, and decode speed,
//! for a GGUF under mistral.rs (Folio's own path) and, in the same run, the same GGUF under llama.cpp
//! (`scripts/llama_cpp_bench.py`, llama-cpp-python), with the ratio of the two.
//!
//! Each run gets different passages (consecutive documents of a BEIR corpus), so neither engine can
//! answer from a cached prompt; both get the same messages, rendered by each engine from the GGUF's
//! own chat template, the same thread count and the same answer length cap. One untimed warm-up run
//! comes first for each.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use folio_engine::dev::MistralGenerator;
use folio_engine::{ChatRequest, GenEvent, Generator, ModelPaths, TextDocument};
use serde_json::{json, Value};

use crate::eval::percentile;

/// What `folio bench answer` needs.
pub struct AnswerBench {
    /// The GGUFs to time, one after another (e.g. one model in several quantisations).
    pub ggufs: Vec<PathBuf>,
    /// The models directory.
    pub models: ModelPaths,
    /// A BEIR directory whose documents become passages.
    pub corpus: PathBuf,
    /// Timed runs per engine.
    pub runs: usize,
    /// Passage tokens per prompt (counted by the model's tokenizer).
    pub passage_tokens: usize,
    /// Most tokens to generate.
    pub max_tokens: usize,
    /// The Python with llama-cpp-python; `None` skips llama.cpp.
    pub python: Option<PathBuf>,
    /// Print one JSON document.
    pub json: bool,
}

/// One timed answer.
#[derive(Debug, Clone, Copy)]
struct Timing {
    ttft_ms: f64,
    decode_tps: f64,
    tokens: usize,
}

/// Runs the benchmark for every GGUF and prints the reports (JSON: an array).
pub async fn answer(opts: AnswerBench) -> Result<()> {
    let mut reports = Vec::new();
    for gguf in &opts.ggufs {
        reports.push(answer_one(gguf, &opts).await?);
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
        return Ok(());
    }
    println!(
        "(~{} passage tokens, up to {} answer tokens, p50 of {} runs)",
        opts.passage_tokens, opts.max_tokens, opts.runs
    );
    println!(
        "{:<40} {:<11} {:>16} {:>14} {:>22}",
        "model", "engine", "first token p50", "decode p50", "mistral.rs/llama.cpp"
    );
    for r in &reports {
        let name = Path::new(r["model"].as_str().unwrap_or(""))
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let row = |engine: &str, v: &Value, ratios: String| {
            println!(
                "{name:<40} {engine:<11} {:>13.0} ms {:>8.1} tok/s {ratios:>22}",
                v["ttft_ms_p50"].as_f64().unwrap_or(0.0),
                v["decode_tokens_per_s_p50"].as_f64().unwrap_or(0.0)
            );
        };
        let ratios = match (
            r["ratio_decode_mistralrs_over_llamacpp"].as_f64(),
            r["ratio_ttft_mistralrs_over_llamacpp"].as_f64(),
        ) {
            (Some(d), Some(t)) => format!("decode {d:.2}x, ttft {t:.2}x"),
            _ => String::new(),
        };
        row("mistral.rs", &r["mistralrs"], ratios);
        if !r["llamacpp"].is_null() {
            row("llama.cpp", &r["llamacpp"], String::new());
        }
    }
    println!("(decode: higher is faster; first token: lower is faster)");
    Ok(())
}

/// Times one GGUF under mistral.rs and, when a Python is given, llama.cpp.
async fn answer_one(model: &Path, opts: &AnswerBench) -> Result<Value> {
    eprintln!("== {}", model.display());
    let started = Instant::now();
    let generator = MistralGenerator::load(model, &opts.models).await?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let docs = crate::eval::load(&opts.corpus)?.corpus;
    let requests = requests(&generator, &docs, opts.runs + 1, opts.passage_tokens, opts.max_tokens).await?;

    eprintln!("mistral.rs: {} runs", opts.runs);
    let mut mistral = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let t = time_mistral(&generator, r.clone()).await?;
        if i > 0 {
            eprintln!("  run {i}: first token {:.0} ms, {:.1} tokens/s ({} tokens)", t.ttft_ms, t.decode_tps, t.tokens);
            mistral.push(t);
        }
    }
    drop(generator);

    let llama = match &opts.python {
        Some(python) => Some(time_llama_cpp(python, model, opts, &requests)?),
        None => None,
    };

    let summary = |ts: &[Timing]| {
        let mut ttft: Vec<f64> = ts.iter().map(|t| t.ttft_ms).collect();
        let mut tps: Vec<f64> = ts.iter().map(|t| t.decode_tps).collect();
        ttft.sort_by(f64::total_cmp);
        tps.sort_by(f64::total_cmp);
        let tokens: usize = ts.iter().map(|t| t.tokens).sum();
        json!({"ttft_ms_p50": percentile(&ttft, 50.0), "decode_tokens_per_s_p50": percentile(&tps, 50.0),
               "tokens": tokens, "runs": ts.len()})
    };
    let m = summary(&mistral);
    if model == opts.models.bundled_chat_model() {
        save_measured_speed(model, opts, &m)?;
    }
    let mut report = json!({
        "model": model.display().to_string(),
        "passage_tokens": opts.passage_tokens,
        "max_tokens": opts.max_tokens,
        "mistralrs": m,
        "mistralrs_load_ms": load_ms,
    });
    if let Some(l) = &llama {
        let l = summary(l);
        let ratio = |key: &str| m[key].as_f64().unwrap_or(0.0) / l[key].as_f64().unwrap_or(f64::NAN);
        report["ratio_decode_mistralrs_over_llamacpp"] = json!(ratio("decode_tokens_per_s_p50"));
        report["ratio_ttft_mistralrs_over_llamacpp"] = json!(ratio("ttft_ms_p50"));
        report["llamacpp"] = l;
    }
    Ok(report)
}

/// Keeps the bundled model's figures in the models directory: `folio model chat` estimates from them how
/// fast the downloadable models would answer on this machine.
fn save_measured_speed(model: &Path, opts: &AnswerBench, summary: &Value) -> Result<()> {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() / 86_400;
    let (y, mo, d) = folio_core::civil_date(days as i64);
    let speed = folio_engine::MeasuredSpeed {
        model: model.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
        decode_tokens_per_s: summary["decode_tokens_per_s_p50"].as_f64().unwrap_or(0.0),
        first_token_ms: summary["ttft_ms_p50"].as_f64().unwrap_or(0.0),
        passage_tokens: opts.passage_tokens,
        measured_on: format!("{y:04}-{mo:02}-{d:02}"),
    };
    folio_engine::settings::save_measured_speed(&opts.models, &speed)?;
    eprintln!(
        "saved as this machine's measure for `folio model chat`: {}",
        opts.models.measured_speed_file().display()
    );
    Ok(())
}

/// `n` requests, each with its own consecutive documents as numbered passages worth about
/// `passage_tokens` tokens, after Folio's real instructions.
async fn requests(
    generator: &MistralGenerator,
    docs: &[TextDocument],
    n: usize,
    passage_tokens: usize,
    max_tokens: usize,
) -> Result<Vec<ChatRequest>> {
    let blocks: Vec<String> = docs
        .iter()
        .take(2000)
        .enumerate()
        .map(|(i, d)| format!("{} (doc {})\n{}\n", d.title.trim(), i + 1, d.text.trim()))
        .collect();
    let costs = generator.count_tokens(&blocks).await?;
    let mut out = Vec::new();
    let mut next = 0;
    while out.len() < n {
        let mut system = folio_core::prompt::header();
        let (mut used, mut k) = (0, 0);
        while used < passage_tokens {
            let Some(b) = blocks.get(next) else { bail!("the corpus is too small for {n} prompts") };
            k += 1;
            system.push_str(&format!("[{k}] {b}\n"));
            used += costs[next];
            next += 1;
        }
        out.push(ChatRequest {
            system,
            history: Vec::new(),
            user: "Summarise what these passages say, citing them.".into(),
            max_tokens,
        });
    }
    Ok(out)
}

async fn time_mistral(generator: &MistralGenerator, request: ChatRequest) -> Result<Timing> {
    let start = Instant::now();
    let mut rx = generator.generate(request).await?;
    let mut first = None;
    let mut tokens = 0;
    while let Some(event) = rx.recv().await {
        match event? {
            GenEvent::Token(_) => {
                first.get_or_insert_with(Instant::now);
            }
            GenEvent::Done(stats) => {
                tokens = stats.completion_tokens;
                break;
            }
        }
    }
    let end = Instant::now();
    let first = first.context("no token was generated")?;
    Ok(Timing {
        ttft_ms: (first - start).as_secs_f64() * 1000.0,
        decode_tps: tokens.saturating_sub(1) as f64 / (end - first).as_secs_f64().max(1e-9),
        tokens,
    })
}

/// Runs `scripts/llama_cpp_bench.py` on the same requests; the first is the warm-up.
fn time_llama_cpp(python: &PathBuf, model: &Path, opts: &AnswerBench, requests: &[ChatRequest]) -> Result<Vec<Timing>> {
    let file = tempfile::NamedTempFile::new()?;
    let reqs: Vec<Value> =
        requests.iter().map(|r| json!({"system": r.system, "user": r.user, "max_tokens": r.max_tokens})).collect();
    std::fs::write(file.path(), serde_json::to_vec(&reqs)?)?;
    // Embedded, so that a binary built in another checkout (CI's fresh clone) still finds it.
    let mut script = tempfile::Builder::new().suffix(".py").tempfile()?;
    script.write_all(include_str!("../../../scripts/llama_cpp_bench.py").as_bytes())?;
    let script = script.into_temp_path();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    eprintln!("llama.cpp: {} runs", opts.runs);
    let out = Command::new(python)
        .arg(&*script)
        .arg("--model")
        .arg(model)
        .arg("--requests")
        .arg(file.path())
        .args(["--threads", &threads.to_string()])
        .output()
        .with_context(|| format!("running {} {}", python.display(), script.display()))?;
    if !out.status.success() {
        bail!("llama.cpp benchmark failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let runs: Vec<Value> = serde_json::from_slice(&out.stdout).context("llama.cpp benchmark output")?;
    let timings: Vec<Timing> = runs
        .iter()
        .map(|r| Timing {
            ttft_ms: r["ttft_ms"].as_f64().unwrap_or(0.0),
            decode_tps: r["decode_tps"].as_f64().unwrap_or(0.0),
            tokens: r["tokens"].as_u64().unwrap_or(0) as usize,
        })
        .collect();
    for (i, t) in timings.iter().enumerate().skip(1) {
        eprintln!("  run {i}: first token {:.0} ms, {:.1} tokens/s ({} tokens)", t.ttft_ms, t.decode_tps, t.tokens);
    }
    Ok(timings.into_iter().skip(1).collect())
}
