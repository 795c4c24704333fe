//! `folio-dev`: Folio's benchmarks and retrieval evaluation, for developers (`scripts/bench.sh` runs
//! them); not shipped with the app. Every benchmark reports its baseline measured in the same run.

mod bench;
mod bench_answer;
mod bench_ask;
mod eval;
mod requantize;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use folio_core::fusion::{FusionMethod, FusionParams};
use folio_engine::dev::{AnnKind, AnnParams};
use folio_engine::{Bm25Query, IndexOptions, Library, LibraryConfig, ModelPaths};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "folio-dev", version, about = "Folio's benchmarks and retrieval evaluation.")]
struct Cli {
    /// Library data directory [default: a scratch library for the run]
    #[arg(long, global = true)]
    library: Option<PathBuf>,
    /// Models directory [default: $FOLIO_MODELS or $XDG_DATA_HOME/folio/models]
    #[arg(long, global = true, env = "FOLIO_MODELS")]
    models: Option<PathBuf>,
    /// Chat model: a GGUF file [default: the bundled SmolLM2-135M-Instruct]
    #[arg(long, global = true, env = "FOLIO_CHAT_MODEL")]
    model: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rewrite a GGUF chat model in another quantisation (Q8_0 or Q4_0), for candle's SIMD kernels;
    /// without SRC, the bundled model in Q8_0, once (set-up runs this). Fails when a tensor moves by
    /// more than 1 % (relative RMS).
    Requantize {
        /// The GGUF to read [default: the bundled Q4_1].
        src: Option<PathBuf>,
        /// Where to write the new GGUF [default: the bundled model's Q8_0 file].
        dst: Option<PathBuf>,
        /// q8_0 or q4_0.
        #[arg(long, default_value = "q8_0", value_parser = ["q8_0", "q4_0"])]
        to: String,
        /// Also answer fixed prompts greedily with both files and say where the answers part.
        #[arg(long)]
        compare_answers: bool,
        /// Keep the file however much a tensor changed (a benchmark's subject, such as Q4_0, which
        /// Folio never answers with); without it, a change above 1 % removes the file.
        #[arg(long)]
        keep_any_change: bool,
    },
    /// Measure retrieval quality on a BEIR-layout set (indexed into a scratch library unless --library).
    Eval {
        /// Directory with corpus.jsonl, queries.jsonl and qrels.tsv.
        dir: PathBuf,
        /// Run only the first N judged queries.
        #[arg(long)]
        queries: Option<usize>,
        /// Weight of BM25 in the fusion.
        #[arg(long, default_value_t = FusionParams::default().bm25_weight)]
        bm25_weight: f64,
        /// Weight of the vectors in the fusion.
        #[arg(long, default_value_t = FusionParams::default().dense_weight)]
        dense_weight: f64,
        /// How the BM25 and vector lists are fused.
        #[arg(long, value_enum, default_value_t = Fusion::Convex)]
        fusion: Fusion,
        /// The rank offset k of reciprocal rank fusion (--fusion rrf).
        #[arg(long, default_value_t = FusionParams::default().k)]
        rrf_k: f64,
        /// Weight of a title (file name) match relative to a body match in BM25; 0 ignores titles.
        #[arg(long, default_value_t = Bm25Query::default().title_boost)]
        title_boost: f32,
        /// BM25 k1 (term-frequency saturation).
        #[arg(long, default_value_t = Bm25Query::default().k1)]
        bm25_k1: f32,
        /// BM25 b (length normalisation).
        #[arg(long, default_value_t = Bm25Query::default().b)]
        bm25_b: f32,
        /// Drop English stopwords from BM25 queries.
        #[arg(long, default_value_t = Bm25Query::default().drop_stopwords, action = clap::ArgAction::Set)]
        stopwords_dropped: bool,
        /// Weight of a query word's dictionary translation (French-English), relative to the word; 0: none.
        #[arg(long, default_value_t = Bm25Query::default().translated)]
        translated: f32,
        /// Modes to run, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "bm25,dense,hybrid")]
        modes: Vec<eval::Mode>,
        /// Another BEIR set whose queries this corpus cannot answer: measures the no-answer threshold.
        #[arg(long)]
        unanswerable: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Benchmarks; each reports its baseline measured in the same run.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
}

/// The benchmarks.
#[derive(Subcommand)]
enum BenchWhat {
    /// Indexing speed on folders, into a scratch library, against the embedder alone on the same chunks.
    Index {
        /// Folders to index.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Time to first token and decode speed of a chat model under mistral.rs, and the same GGUF under
    /// llama.cpp in the same run.
    Answer {
        /// A GGUF to time, once per file (e.g. one model in several quantisations) [default: the chat
        /// model Folio would use].
        #[arg(long = "gguf")]
        gguf: Vec<PathBuf>,
        /// A BEIR directory whose documents become the passages.
        #[arg(long, default_value = "../shared/eval/scifact-train")]
        corpus: PathBuf,
        /// Timed runs per engine (after one warm-up).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Passage tokens in each prompt.
        #[arg(long, default_value_t = 2000)]
        passage_tokens: usize,
        /// Most answer tokens.
        #[arg(long, default_value_t = 128)]
        max_tokens: usize,
        /// A Python that has llama-cpp-python (scripts/bench.sh answer sets one up); without it only
        /// mistral.rs is timed.
        #[arg(long)]
        llama_cpp_python: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// The questions of a files-and-questions set asked of the chat model, with the prompt as before
    /// and as now, in one run: first-token time, prompt tokens, the expected file cited, declines, and
    /// cited sentences their passage supports.
    Ask {
        /// The cases: JSON lines of {question, lang, expected_file (relative to --folder, or null)}.
        #[arg(long, default_value = "../shared/eval/notes-fr-dev.cases.jsonl")]
        cases: PathBuf,
        /// The folder the questions are about.
        #[arg(long, default_value = "../shared/eval/notes-fr-dev")]
        folder: PathBuf,
        /// Only the first N cases.
        #[arg(long)]
        limit: Option<usize>,
        /// Most answer tokens.
        #[arg(long, default_value_t = 160)]
        max_tokens: usize,
        /// Only the way Folio asks now, not the whole-passages baseline (half the time).
        #[arg(long)]
        only_now: bool,
        /// Index this folder into a second library in the same process while the questions are asked
        /// (as the app does when a question comes during indexing); `FOLIO_NO_ANSWERS_FIRST=1` lets the
        /// indexing embed through answers, to measure what answers-first saves.
        #[arg(long)]
        while_indexing: Option<PathBuf>,
        /// Print one JSON document (every answer, then the figures).
        #[arg(long)]
        json: bool,
    },
    /// Whole-search latency, memory and ANN recall on libraries of growing size.
    Search {
        /// Library sizes in chunks, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        sizes: Vec<usize>,
        /// Queries timed per configuration.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// BEIR directories that give sentences and queries (repeatable).
        #[arg(long = "corpus", default_values = ["../shared/eval/cranfield", "../shared/eval/scifact-train"])]
        corpora: Vec<PathBuf>,
        /// Where the benchmark libraries are kept between runs [default: $XDG_CACHE_HOME/folio/bench].
        #[arg(long)]
        work: Option<PathBuf>,
        /// What to time, comma-separated: exact (the baseline), ivf-pq, ivf-hnsw-sq.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "exact,ivf-pq,ivf-hnsw-sq")]
        kinds: Vec<Kind>,
        /// ANN search parameters to time, comma-separated NPROBES:REFINE:EF triples [default: Folio's].
        #[arg(long, value_delimiter = ',', value_parser = parse_ann_params)]
        ann_params: Vec<AnnParams>,
        /// Keep an index of the kind timed that an earlier run left, instead of building it again.
        #[arg(long)]
        reuse_index: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// `eval --fusion`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Fusion {
    /// A convex combination of the two lists' scores, each divided by its best.
    Convex,
    /// Weighted reciprocal rank fusion.
    Rrf,
}

/// `bench search --kinds`: exact search (the baseline) or an ANN index.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// Exact search over every vector.
    Exact,
    /// IVF-PQ.
    IvfPq,
    /// IVF-HNSW-SQ.
    IvfHnswSq,
}

fn main() -> Result<()> {
    // The extraction worker: `bench index` opens a library that reads files in children of this program.
    if std::env::args_os().nth(1).is_some_and(|a| a == folio_engine::WORKER_ARG) {
        return folio_engine::serve_extract_worker().context("extraction worker");
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,mistralrs=error,lance=error")),
        )
        .init();
    let cli = Cli::parse();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .context("starting the async runtime")?
        .block_on(run(cli))
}

async fn run(cli: Cli) -> Result<()> {
    let models = ModelPaths::new(cli.models.clone().unwrap_or_else(ModelPaths::default_root));
    match cli.command {
        Command::Bench { what: BenchWhat::Index { ref folders, json } } => {
            let (library, _scratch) = open(&cli, &models).await?;
            bench_index(&library, folders, json).await
        }
        Command::Bench {
            what: BenchWhat::Answer { gguf, corpus, runs, passage_tokens, max_tokens, llama_cpp_python, json },
        } => {
            let ggufs =
                if gguf.is_empty() { vec![cli.model.unwrap_or_else(|| models.default_chat_model())] } else { gguf };
            bench_answer::answer(bench_answer::AnswerBench {
                ggufs,
                models,
                corpus,
                runs,
                passage_tokens,
                max_tokens,
                python: llama_cpp_python,
                json,
            })
            .await
        }
        Command::Requantize { src, dst, to, compare_answers, keep_any_change } => {
            requantize::run(&models, src, dst, &to, compare_answers, keep_any_change).await
        }
        Command::Bench {
            what: BenchWhat::Ask { cases, folder, limit, max_tokens, only_now, while_indexing, json },
        } => {
            bench_ask::ask(bench_ask::AskBench {
                cases,
                folder,
                models,
                model: cli.model,
                limit,
                max_tokens,
                only_now,
                while_indexing,
                json,
            })
            .await
        }
        Command::Bench {
            what: BenchWhat::Search { sizes, queries, corpora, work, kinds, ann_params, reuse_index, json },
        } => {
            let exact = kinds.contains(&Kind::Exact);
            let kinds = kinds
                .iter()
                .filter_map(|k| match k {
                    Kind::Exact => None,
                    Kind::IvfPq => Some(AnnKind::IvfPq),
                    Kind::IvfHnswSq => Some(AnnKind::IvfHnswSq),
                })
                .collect();
            let params = if ann_params.is_empty() { vec![AnnParams::default()] } else { ann_params };
            let work = work.unwrap_or_else(|| {
                std::env::var_os("XDG_CACHE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                    .unwrap_or_else(|| PathBuf::from("."))
                    .join("folio")
                    .join("bench")
            });
            let bench =
                bench::SearchBench { sizes, queries, corpora, work, models, exact, kinds, params, reuse_index, json };
            bench::search(bench).await
        }
        Command::Eval {
            ref dir,
            queries,
            json,
            bm25_weight,
            dense_weight,
            rrf_k,
            fusion,
            title_boost,
            stopwords_dropped,
            bm25_k1,
            bm25_b,
            translated,
            ref modes,
            ref unanswerable,
        } => {
            let (library, _scratch) = open(&cli, &models).await?;
            let method = match fusion {
                Fusion::Convex => FusionMethod::Convex,
                Fusion::Rrf => FusionMethod::Rrf,
            };
            let fusion = FusionParams { method, k: rrf_k, bm25_weight, dense_weight };
            let bm25 = Bm25Query { title_boost, drop_stopwords: stopwords_dropped, k1: bm25_k1, b: bm25_b, translated };
            let result = eval::run(&library, dir, queries, fusion, bm25, modes, unanswerable.as_deref(), json).await;
            library.wait_for_vector_index().await;
            result
        }
    }
}

/// The library `--library` names, else a scratch one that lives as long as the returned directory.
async fn open(cli: &Cli, models: &ModelPaths) -> Result<(Arc<Library>, Option<tempfile::TempDir>)> {
    let (dir, scratch) = match &cli.library {
        Some(dir) => (dir.clone(), None),
        None => {
            let scratch = tempfile::tempdir().context("creating a scratch library")?;
            (scratch.path().to_path_buf(), Some(scratch))
        }
    };
    let mut config = LibraryConfig::new(&dir);
    config.models = models.clone();
    config.chat_model = cli.model.clone();
    let library = Library::open(config).await.with_context(|| format!("opening the library at {}", dir.display()))?;
    Ok((Arc::new(library), scratch))
}

/// What `bench index` reports.
#[derive(Serialize)]
struct IndexBench {
    files: u64,
    indexed: u64,
    chunks: usize,
    megabytes: f64,
    index_seconds: f64,
    files_per_second: f64,
    megabytes_per_second: f64,
    chunks_per_second: f64,
    peak_rss_mib: f64,
    embed_only_seconds: f64,
    index_over_embed: f64,
}

async fn bench_index(library: &Library, folders: &[PathBuf], as_json: bool) -> Result<()> {
    let options = IndexOptions::default();
    let started = std::time::Instant::now();
    let report = library.index(folders, options, &|_| {}).await?;
    let index_seconds = started.elapsed().as_secs_f64();
    // Peak memory of the indexing run, read before the baseline embeds everything again.
    let (_, peak_rss_mib) = bench::memory_mib();
    let bytes: u64 = library.documents()?.iter().map(|d| d.size).sum();
    let (chunks, embed) = library.embedding_baseline(options.batch_chunks).await?;
    let embed_only_seconds = embed.as_secs_f64();
    let files = report.indexed + report.skipped.len() as u64 + report.failed.len() as u64;
    let megabytes = bytes as f64 / 1e6;
    let b = IndexBench {
        files,
        indexed: report.indexed,
        chunks,
        megabytes,
        index_seconds,
        files_per_second: files as f64 / index_seconds,
        megabytes_per_second: megabytes / index_seconds,
        chunks_per_second: chunks as f64 / index_seconds,
        peak_rss_mib,
        embed_only_seconds,
        index_over_embed: index_seconds / embed_only_seconds.max(1e-9),
    };
    if as_json {
        println!("{}", serde_json::to_string_pretty(&b)?);
    } else {
        println!(
            "{files} files ({megabytes:.1} MB, {chunks} chunks) indexed in {index_seconds:.2} s: {:.1} files/s, \
             {:.2} MB/s, {:.1} chunks/s, peak RSS {peak_rss_mib:.0} MiB",
            b.files_per_second, b.megabytes_per_second, b.chunks_per_second
        );
        println!(
            "baseline, same run: the embedder alone on the same chunks takes {embed_only_seconds:.2} s; \
             indexing / embedding = {:.2}",
            b.index_over_embed
        );
    }
    Ok(())
}

/// `NPROBES:REFINE:EF`, as `bench search --ann-params` takes it.
fn parse_ann_params(text: &str) -> Result<AnnParams> {
    let parts: Vec<&str> = text.split(':').collect();
    let [nprobes, refine, ef] = parts[..] else {
        anyhow::bail!("ANN parameters {text:?} are not NPROBES:REFINE:EF");
    };
    Ok(AnnParams { nprobes: nprobes.parse()?, refine_factor: refine.parse()?, ef: ef.parse()? })
}
