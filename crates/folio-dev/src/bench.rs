//! `folio bench search`: whole-search latency (query embedding, BM25, vectors, fusion) and memory on
//! libraries of growing size, exact vector search against each ANN index, and the ANN recall@10
//! against exact search, all measured in the same run.
//!
//! The libraries are built through the real pipeline (chunking, catalog, Tantivy, LanceDB) from
//! documents whose sentences are sampled from BEIR corpora. Embedding millions of chunks would take
//! days on a laptop CPU, so while building, vectors are replayed: each chunk gets a mix of two real
//! embeddings of corpus passages plus noise. Queries are real BEIR queries embedded by the real model.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use folio_core::TokenCounter;
use folio_engine::dev::{AnnKind, AnnParams, FastEmbedder};
use folio_engine::{
    Embedder, IndexOptions, Library, LibraryConfig, ModelError, ModelPaths, SearchMode, SearchOptions, TextDocument,
};
use serde_json::{json, Value};

use crate::eval::{self, latency_json, percentile};

/// Real passages embedded once and mixed into replayed vectors.
const POOL: usize = 1024;

/// Embeds queries with the real model and, while a library is built, replays mixes of real vectors.
struct ReplayEmbedder {
    real: FastEmbedder,
    pool: Vec<Vec<f32>>,
    replay: AtomicBool,
}

/// A small deterministic generator (xorshift64*), so every run builds the same libraries.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in [-1, 1).
    fn signed(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

impl Embedder for ReplayEmbedder {
    fn dim(&self) -> usize {
        self.real.dim()
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ModelError> {
        if !self.replay.load(Ordering::Relaxed) {
            return self.real.embed(texts);
        }
        Ok(texts
            .iter()
            .map(|t| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                t.hash(&mut h);
                let mut rng = Rng::new(h.finish());
                let (a, b) = (&self.pool[rng.below(self.pool.len())], &self.pool[rng.below(self.pool.len())]);
                let mut v: Vec<f32> = a.iter().zip(b).map(|(x, y)| 0.7 * x + 0.3 * y + 0.03 * rng.signed()).collect();
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(f32::EPSILON);
                v.iter_mut().for_each(|x| *x /= norm);
                v
            })
            .collect())
    }

    fn tokens(&self) -> &dyn TokenCounter {
        self.real.tokens()
    }

    fn name(&self) -> &str {
        self.real.name()
    }
}

/// Options of `folio bench search`.
pub struct SearchBench {
    /// Library sizes in chunks.
    pub sizes: Vec<usize>,
    /// Queries timed per configuration.
    pub queries: usize,
    /// BEIR directories that give sentences and queries.
    pub corpora: Vec<PathBuf>,
    /// Where libraries and the vector pool are kept between runs.
    pub work: PathBuf,
    /// The models.
    pub models: ModelPaths,
    /// Whether to time exact search (the baseline row).
    pub exact: bool,
    /// The ANN indexes to build and time.
    pub kinds: Vec<AnnKind>,
    /// Search parameters to time each index with.
    pub params: Vec<AnnParams>,
    /// Keep an index of the kind asked for that a previous run left, instead of building it again.
    pub reuse_index: bool,
    /// Print one JSON document.
    pub json: bool,
}

/// Resident and peak memory of this process in MiB.
pub(crate) fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The pool's vectors, embedded once and cached in `work`.
fn pool_vectors(real: &FastEmbedder, texts: &[String], work: &Path) -> Result<Vec<Vec<f32>>> {
    let dim = real.dim();
    let cache = work.join(format!("pool-{}x{dim}.f32", texts.len()));
    if let Ok(bytes) = std::fs::read(&cache) {
        if bytes.len() == texts.len() * dim * 4 {
            let flat: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            return Ok(flat.chunks(dim).map(<[f32]>::to_vec).collect());
        }
    }
    eprintln!("bench: embedding {} corpus passages for the vector pool…", texts.len());
    let vectors = real.embed(texts)?;
    let bytes: Vec<u8> = vectors.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(&cache, bytes).with_context(|| format!("writing {}", cache.display()))?;
    Ok(vectors)
}

/// `size` synthetic documents of three to five corpus sentences each (one chunk apiece).
fn documents(sentences: &[String], size: usize) -> Vec<TextDocument> {
    (0..size)
        .map(|i| {
            let mut rng = Rng::new(i as u64 + 1);
            let n = 3 + rng.below(3);
            let text = (0..n).map(|_| sentences[rng.below(sentences.len())].as_str()).collect::<Vec<_>>().join(" ");
            TextDocument { key: format!("bench:{i}"), title: format!("note {i}"), text }
        })
        .collect()
}

/// Runs the search benchmark.
pub async fn search(opts: SearchBench) -> Result<()> {
    std::fs::create_dir_all(&opts.work)?;
    let mut sentences = Vec::new();
    let mut passages = Vec::new();
    let mut queries: Vec<Vec<String>> = Vec::new();
    for dir in &opts.corpora {
        let set = eval::load(dir)?;
        for d in &set.corpus {
            let words: Vec<&str> = d.text.split_whitespace().take(180).collect();
            if passages.len() < POOL * (queries.len() + 1) / opts.corpora.len() && words.len() > 20 {
                passages.push(format!("{}\n{}", d.title, words.join(" ")));
            }
            for s in d.text.split(". ") {
                let n = s.split_whitespace().count();
                if (6..=40).contains(&n) {
                    sentences.push(format!("{}.", s.trim().trim_end_matches('.')));
                }
            }
        }
        queries.push(set.queries.into_iter().map(|(_, q)| q).collect());
    }
    anyhow::ensure!(!sentences.is_empty() && !passages.is_empty(), "the corpora hold no usable text");
    // Interleave the sets' queries so that every prefix mixes them.
    let mut mixed = Vec::new();
    for i in 0.. {
        let before = mixed.len();
        for q in &queries {
            if let Some(x) = q.get(i) {
                mixed.push(x.clone());
            }
        }
        if mixed.len() == before || mixed.len() >= opts.queries {
            break;
        }
    }
    mixed.truncate(opts.queries);

    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let real = FastEmbedder::load(&opts.models, threads)?;
    let pool = pool_vectors(&real, &passages, &opts.work)?;
    let embedder = Arc::new(ReplayEmbedder { real, pool, replay: AtomicBool::new(false) });

    let mut report = serde_json::Map::new();
    if !opts.json {
        println!(
            "{:>9} {:<22} {:>8} {:>8} {:>8} {:>8} {:>10} {:>9}",
            "chunks", "vectors", "p50 ms", "p95 ms", "p99 ms", "recall", "build s", "RSS MiB"
        );
    }
    for &size in &opts.sizes {
        let dir = opts.work.join(format!("library-{size}"));
        let config =
            LibraryConfig { models: opts.models.clone(), chat_model: None, threads, ..LibraryConfig::new(&dir) };
        let mut library = Library::open_with(config.clone(), Arc::clone(&embedder) as Arc<dyn Embedder>, None).await?;
        let mut build_s = 0.0;
        if library.counts().await?.catalog_chunks < size as u64 {
            drop(library);
            let _ = std::fs::remove_dir_all(&dir);
            library = Library::open_with(config, Arc::clone(&embedder) as Arc<dyn Embedder>, None).await?;
            eprintln!("bench: building a library of {size} chunks…");
            embedder.replay.store(true, Ordering::Relaxed);
            let started = Instant::now();
            let options = IndexOptions { batch_chunks: 8192, ..IndexOptions::default() };
            library.add_texts("bench", documents(&sentences, size), options, &|_| {}).await?;
            library.wait_for_vector_index().await;
            build_s = started.elapsed().as_secs_f64();
            embedder.replay.store(false, Ordering::Relaxed);
        }
        let chunks = library.counts().await?.catalog_chunks;

        // Exact vector search: the baseline, and the truth for recall.
        let exact_opts = SearchOptions { mode: SearchMode::Hybrid, exact: true, ..SearchOptions::default() };
        let mut truth = Vec::new();
        let mut lat = Vec::new();
        for q in &mixed {
            if opts.exact {
                let t = Instant::now();
                library.search(q, &exact_opts).await?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            truth.push(library.nearest_chunks(q, 10, true).await?.into_iter().collect::<HashSet<_>>());
        }
        let mut row = serde_json::Map::new();
        row.insert("chunks".into(), json!(chunks));
        row.insert("build_seconds".into(), json!(build_s));
        if opts.exact {
            lat.sort_by(f64::total_cmp);
            let (rss, _) = memory_mib();
            row.insert("exact".into(), json!({"latency_ms": latency_json(&lat), "rss_mib": rss}));
            print_row(opts.json, chunks, "exact", &lat, None, build_s, rss);
        }

        for &kind in &opts.kinds {
            let started = Instant::now();
            let existing = library.vector_index().await?.unwrap_or_default();
            let reused = opts.reuse_index && existing.eq_ignore_ascii_case(&kind.name().replace('-', "_"));
            if !reused {
                library.build_vector_index(kind).await?;
            }
            let index_s = if reused { 0.0 } else { started.elapsed().as_secs_f64() };
            let opts_ann = SearchOptions { exact: false, ..exact_opts.clone() };
            for &params in &opts.params {
                library.set_ann_params(params);
                let mut lat = Vec::new();
                let mut recall = 0.0;
                for (q, truth) in mixed.iter().zip(&truth) {
                    let t = Instant::now();
                    library.search(q, &opts_ann).await?;
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    let found = library.nearest_chunks(q, 10, false).await?;
                    let hit = found.iter().filter(|c| truth.contains(c)).count();
                    recall += hit as f64 / truth.len().max(1) as f64;
                }
                recall /= mixed.len().max(1) as f64;
                lat.sort_by(f64::total_cmp);
                let (rss, _) = memory_mib();
                let name = if opts.params.len() > 1 {
                    format!("{} {}:{}:{}", kind.name(), params.nprobes, params.refine_factor, params.ef)
                } else {
                    kind.name().to_string()
                };
                row.insert(
                    name.clone(),
                    json!({"latency_ms": latency_json(&lat), "recall@10": recall, "index_seconds": index_s,
                           "rss_mib": rss, "nprobes": params.nprobes, "refine_factor": params.refine_factor,
                           "ef": params.ef}),
                );
                print_row(opts.json, chunks, &name, &lat, Some(recall), index_s, rss);
            }
            // Where the time goes: the query's embedding, and each half of the hybrid search alone, with
            // the last parameters.
            let mut lat = Vec::new();
            for q in &mixed {
                let t = Instant::now();
                embedder.embed(std::slice::from_ref(q))?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            lat.sort_by(f64::total_cmp);
            row.insert("query embedding".into(), json!({"latency_ms": latency_json(&lat)}));
            print_row(opts.json, chunks, "query embedding", &lat, None, index_s, memory_mib().0);
            for (mode, what) in [(SearchMode::Bm25, "bm25 only"), (SearchMode::Dense, "dense only")] {
                let alone = SearchOptions { mode, ..opts_ann.clone() };
                let mut lat = Vec::new();
                for q in &mixed {
                    let t = Instant::now();
                    library.search(q, &alone).await?;
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                lat.sort_by(f64::total_cmp);
                let name = format!("{} {what}", kind.name());
                row.insert(name.clone(), json!({"latency_ms": latency_json(&lat)}));
                print_row(opts.json, chunks, &name, &lat, None, index_s, memory_mib().0);
            }
        }
        report.insert(size.to_string(), Value::Object(row));
    }
    if opts.json {
        let (_, peak) = memory_mib();
        let doc = json!({"queries": mixed.len(), "sizes": report, "peak_rss_mib": peak});
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(())
}

/// One table row; `sorted` holds the latencies in ascending order.
fn print_row(json: bool, chunks: u64, kind: &str, sorted: &[f64], recall: Option<f64>, build_s: f64, rss: f64) {
    if json {
        return;
    }
    println!(
        "{:>9} {:<22} {:>8.1} {:>8.1} {:>8.1} {:>8} {:>10.1} {:>9.0}",
        chunks,
        kind,
        percentile(sorted, 50.0),
        percentile(sorted, 95.0),
        percentile(sorted, 99.0),
        recall.map_or("-".to_string(), |r| format!("{r:.3}")),
        build_s,
        rss
    );
}
