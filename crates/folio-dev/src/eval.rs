//! `folio eval`: retrieval quality on a BEIR-layout set (corpus.jsonl, queries.jsonl, qrels.tsv) for BM25
//! only, dense only and hybrid, with indexing time and query latency.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use folio_core::eval::{choose_threshold, evaluate, Judgements, Metrics};
use folio_core::fusion::FusionParams;
use folio_engine::{Bm25Query, IndexOptions, Library, SearchMode, SearchOptions, TextDocument};
use serde_json::{json, Value};

/// A loaded BEIR set.
pub struct BeirSet {
    /// Documents.
    pub corpus: Vec<TextDocument>,
    /// Query id -> text, for the queries that have judgements, in id order.
    pub queries: Vec<(String, String)>,
    /// Query id -> judgements.
    pub qrels: HashMap<String, Judgements>,
}

const KEY_PREFIX: &str = "beir:";

/// Share of answerable queries the no-answer threshold must let through.
const NO_ANSWER_KEEP: f64 = 0.95;

fn jsonl(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{} line {}", path.display(), i + 1)))
        .collect()
}

fn field(v: &Value, name: &str) -> String {
    match &v[name] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Reads a BEIR-layout directory as it is.
pub fn load(dir: &Path) -> Result<BeirSet> {
    let corpus = jsonl(&dir.join("corpus.jsonl"))?
        .iter()
        .map(|d| TextDocument {
            key: format!("{KEY_PREFIX}{}", field(d, "_id")),
            title: field(d, "title"),
            text: field(d, "text"),
        })
        .collect();
    let texts: HashMap<String, String> =
        jsonl(&dir.join("queries.jsonl"))?.iter().map(|q| (field(q, "_id"), field(q, "text"))).collect();
    let qrels_path = dir.join("qrels.tsv");
    let qrels_text =
        std::fs::read_to_string(&qrels_path).with_context(|| format!("reading {}", qrels_path.display()))?;
    let mut qrels: HashMap<String, Judgements> = HashMap::new();
    for (i, line) in qrels_text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let grade: i64 = cols[2].trim().parse().with_context(|| format!("{} line {}", qrels_path.display(), i + 1))?;
        qrels.entry(cols[0].to_string()).or_default().insert(cols[1].to_string(), grade.max(0) as u32);
    }
    let mut queries: Vec<(String, String)> =
        qrels.keys().filter_map(|id| texts.get(id).map(|t| (id.clone(), t.clone()))).collect();
    queries.sort_by(|a, b| natural(&a.0).cmp(&natural(&b.0)));
    if queries.is_empty() {
        bail!("{} has no judged queries", dir.display());
    }
    Ok(BeirSet { corpus, queries, qrels })
}

/// Numeric ids sort as numbers, others as text.
fn natural(id: &str) -> (u64, String) {
    (id.parse().unwrap_or(u64::MAX), id.to_string())
}

/// One mode's results.
pub struct ModeResult {
    /// The metrics.
    pub metrics: Metrics,
    /// Query latencies in milliseconds, sorted.
    pub latencies_ms: Vec<f64>,
    /// Per query, the similarity of the best passage (dense and hybrid modes).
    pub best_similarity: Vec<f32>,
}

/// Runs every query in `mode`, ranking documents by their best chunk.
pub async fn run_mode(
    library: &Library,
    set: &BeirSet,
    mode: SearchMode,
    limit: usize,
    fusion: FusionParams,
    bm25: Bm25Query,
) -> Result<ModeResult> {
    let mut runs = HashMap::new();
    let mut latencies = Vec::new();
    let mut best_similarity = Vec::new();
    // Documents are ranked by their best chunk, so collapsing neighbouring chunks would change nothing.
    let options =
        // Exact vector search: eval measures the ranking; the ANN index's recall is `folio bench search`'s.
        SearchOptions {
            limit: 300,
            candidates: 300,
            mode,
            fusion,
            bm25,
            collapse: false,
            exact: true,
            ..SearchOptions::default()
        };
    for (qid, text) in set.queries.iter().take(limit) {
        let started = Instant::now();
        let hits = library.search(text, &options).await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        if let Some(best) = hits.iter().filter_map(|h| h.similarity).reduce(f32::max) {
            best_similarity.push(best);
        }
        let mut ranking: Vec<String> = Vec::new();
        for h in hits {
            let id = h.passage.path.strip_prefix(KEY_PREFIX).unwrap_or(&h.passage.path).to_string();
            if !ranking.contains(&id) {
                ranking.push(id);
            }
        }
        runs.insert(qid.clone(), ranking);
    }
    let judged: HashMap<String, Judgements> =
        set.queries.iter().take(limit).filter_map(|(q, _)| set.qrels.get(q).map(|j| (q.clone(), j.clone()))).collect();
    latencies.sort_by(f64::total_cmp);
    Ok(ModeResult { metrics: evaluate(&runs, &judged), latencies_ms: latencies, best_similarity })
}

/// Best-passage similarities of another set's queries, which this corpus cannot answer.
async fn unanswerable_similarities(library: &Library, other: &Path, limit: usize) -> Result<Vec<f32>> {
    let set = load(other)?;
    let options =
        SearchOptions { limit: 1, candidates: 1, mode: SearchMode::Dense, exact: true, ..SearchOptions::default() };
    let mut out = Vec::new();
    for (_, text) in set.queries.iter().take(limit) {
        if let Some(s) = library.search(text, &options).await?.first().and_then(|h| h.similarity) {
            out.push(s);
        }
    }
    Ok(out)
}

/// The `p`-th percentile of sorted values (nearest rank), 0 when empty.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50, p95 and p99 of sorted latencies, as JSON.
pub(crate) fn latency_json(sorted: &[f64]) -> Value {
    json!({"p50": percentile(sorted, 50.0), "p95": percentile(sorted, 95.0), "p99": percentile(sorted, 99.0)})
}

fn metrics_json(m: &Metrics) -> Value {
    json!({"ndcg@10": m.ndcg_at_10, "recall@10": m.recall_at_10, "recall@100": m.recall_at_100, "mrr@10": m.mrr_at_10})
}

/// `eval --modes`: which searches are measured.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// BM25 alone.
    Bm25,
    /// Vectors alone.
    Dense,
    /// Both, fused.
    Hybrid,
}

/// Indexes the set into `library`, evaluates the three modes and prints the report.
pub async fn run(
    library: &Library,
    dir: &Path,
    limit: Option<usize>,
    fusion: FusionParams,
    bm25: Bm25Query,
    modes: &[Mode],
    unanswerable: Option<&Path>,
    as_json: bool,
) -> Result<()> {
    let set = load(dir)?;
    let docs = set.corpus.len();
    let started = Instant::now();
    let report = library
        .add_texts(&format!("{KEY_PREFIX}{}", dir.display()), set.corpus.clone(), IndexOptions::default(), &|p| {
            if p.files_done % 500 == 0 {
                eprintln!("eval: indexed {}/{} documents", p.files_done, p.files_total);
            }
        })
        .await?;
    let index_secs = started.elapsed().as_secs_f64();
    // A large set gets a vector index in the background; let it finish so it does not skew the latencies.
    library.wait_for_vector_index().await;
    let limit = limit.unwrap_or(usize::MAX);
    let mut results = Vec::new();
    for (name, mode, arg) in [
        ("bm25", SearchMode::Bm25, Mode::Bm25),
        ("dense", SearchMode::Dense, Mode::Dense),
        ("hybrid", SearchMode::Hybrid, Mode::Hybrid),
    ] {
        let wanted = modes.contains(&arg) || (arg == Mode::Dense && unanswerable.is_some());
        if !wanted {
            continue;
        }
        results.push((name, run_mode(library, &set, mode, limit, fusion, bm25).await?));
    }
    let queries = results.first().map_or(0, |r| r.1.metrics.queries);
    let no_answer = match unanswerable {
        Some(other) => {
            let answerable = &results.iter().find(|(n, _)| *n == "dense").expect("dense runs").1.best_similarity;
            let negatives = unanswerable_similarities(library, other, answerable.len()).await?;
            let choices: Vec<_> = [0.9, NO_ANSWER_KEEP, 0.99]
                .into_iter()
                .map(|keep| (keep, choose_threshold(answerable, &negatives, keep)))
                .collect();
            Some((choices, answerable.len(), negatives.len()))
        }
        None => None,
    };
    if as_json {
        let mut doc = json!({
            "dataset": dir.display().to_string(),
            "documents": docs,
            "chunks": report.chunks,
            "queries": queries,
            "index_seconds": index_secs,
            "fusion": {"method": format!("{:?}", fusion.method).to_lowercase(), "k": fusion.k, "bm25_weight": fusion.bm25_weight, "dense_weight": fusion.dense_weight},
            "bm25": {"title_boost": bm25.title_boost, "drop_stopwords": bm25.drop_stopwords, "k1": bm25.k1, "b": bm25.b},
        });
        for (name, r) in &results {
            doc[*name] = metrics_json(&r.metrics);
            doc[*name]["latency_ms"] = latency_json(&r.latencies_ms);
        }
        if let Some((choices, pos, neg)) = &no_answer {
            let rows: Vec<Value> = choices
                .iter()
                .map(|(keep, c)| {
                    json!({
                        "keep": keep,
                        "threshold": c.threshold,
                        "answerable_kept": c.answerable_kept,
                        "unanswerable_declined": c.unanswerable_declined,
                    })
                })
                .collect();
            doc["no_answer"] = json!({"answerable_queries": pos, "unanswerable_queries": neg, "choices": rows});
        }
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    println!(
        "{}: {docs} documents ({} chunks) indexed in {index_secs:.1}s; {queries} queries",
        dir.display(),
        report.chunks
    );
    println!(
        "{:<8} {:>8} {:>10} {:>11} {:>8} {:>9} {:>9}",
        "mode", "nDCG@10", "Recall@10", "Recall@100", "MRR@10", "p50 ms", "p95 ms"
    );
    for (name, r) in &results {
        let m = &r.metrics;
        println!(
            "{:<8} {:>8.4} {:>10.4} {:>11.4} {:>8.4} {:>9.1} {:>9.1}",
            name,
            m.ndcg_at_10,
            m.recall_at_10,
            m.recall_at_100,
            m.mrr_at_10,
            percentile(&r.latencies_ms, 50.0),
            percentile(&r.latencies_ms, 95.0)
        );
    }
    if let Some((choices, pos, neg)) = no_answer {
        for (_, c) in choices {
            println!(
                "no-answer threshold {:.3}: answers {:.1}% of {pos} answerable queries, declines {:.1}% of {neg} unanswerable",
                c.threshold,
                c.answerable_kept * 100.0,
                c.unanswerable_declined * 100.0
            );
        }
    }
    Ok(())
}
