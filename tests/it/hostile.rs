//! Hostile files (#16): each class of harm is a file built at run time (`folio_tests::hostile`); the
//! real `folio` indexes a folder of them beside the fixture corpus, reports each with its reason, indexes
//! the rest, stays consistent and exits within a bound. The extraction worker's supervision is tested
//! with workers that crash, hang or run out of memory, and a file Folio stopped on is not read again
//! until it changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_engine::{ExtractLimits, IndexOptions, Library, LibraryConfig, ModelPaths, Status, WorkerCommand};
use folio_tests::hostile::Expect;
use serde_json::Value;

use crate::cli::folio_bin;
use crate::support::{models, Sandbox};

/// Runs `folio` on `library` with `args`, failing the test if it runs longer than `limit`.
fn folio_within(library: &Path, args: &[&str], limit: Duration) -> (String, String) {
    let started = Instant::now();
    let mut child = Command::new(folio_bin())
        .env("LC_ALL", "C.UTF-8")
        .arg("--library")
        .arg(library)
        .arg("--models")
        .arg(&models().root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn folio");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("folio {args:?} ran past {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("output");
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "folio {args:?} failed:\n{stderr}");
    (stdout, stderr)
}

/// Every file `folio status` lists, by path: (status, reason).
fn statuses(library: &Path) -> HashMap<String, (String, String)> {
    let (stdout, _) = folio_within(library, &["status", "--json"], Duration::from_secs(60));
    let v: Value = serde_json::from_str(&stdout).expect("status prints JSON");
    v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("path"), (s("status"), s("reason")))
        })
        .collect()
}

#[test]
fn hostile_files_are_reported_and_the_rest_of_the_folder_is_indexed() {
    let sandbox = Sandbox::with_corpus();
    let docs = sandbox.docs();
    let hostile = folio_tests::hostile::write(&docs.join("hostile")).expect("write hostile files");
    // The library itself lies inside the indexed folder: it must never index itself.
    let library = docs.join("folio-library");
    let docs_arg = docs.to_str().expect("utf-8");

    // Every file gets a status and the process exits, well within the bound (each file has 120 s).
    folio_within(&library, &["index", docs_arg], Duration::from_secs(600));
    let status = statuses(&library);
    assert!(!status.keys().any(|p| Path::new(p).starts_with(&library)), "the library indexed itself");
    for f in folio_tests::FIXTURES {
        let path = docs.join(f.name);
        let (s, why) = &status[&*path.to_string_lossy()];
        assert_eq!(s, "indexed", "{}: {why}", f.name);
    }
    for h in &hostile {
        let key = folio_engine::path_key(&h.path);
        match &h.expect {
            Expect::NotListed => assert!(!status.contains_key(&key), "{}: {key} must not be listed", h.class),
            Expect::Indexed(text) => {
                let (s, why) = status.get(&key).unwrap_or_else(|| panic!("{}: {key} not listed", h.class));
                assert_eq!(s, "indexed", "{}: {why}", h.class);
                let (stdout, _) = folio_within(
                    &library,
                    &["search", "--json", "--mode", "bm25", "-k", "5", text],
                    Duration::from_secs(60),
                );
                let v: Value = serde_json::from_str(&stdout).expect("search JSON");
                let paths: Vec<&str> =
                    v["results"].as_array().expect("results").iter().filter_map(|r| r["path"].as_str()).collect();
                assert!(paths.contains(&key.as_str()), "{}: search for {text:?} gave {paths:?}", h.class);
            }
            Expect::Failed(reason) | Expect::Skipped(reason) => {
                let want = if matches!(h.expect, Expect::Failed(_)) { "failed" } else { "skipped" };
                let (s, why) = status.get(&key).unwrap_or_else(|| panic!("{}: {key} not listed", h.class));
                assert_eq!(s, want, "{}: {why}", h.class);
                assert!(why.contains(reason), "{}: the reason {why:?} should say {reason:?}", h.class);
            }
        }
    }

    // The stores agree, and text from a file never reaches the terminal with its escape sequences.
    let (stdout, _) = folio_within(&library, &["check", "--json"], Duration::from_secs(120));
    let v: Value = serde_json::from_str(&stdout).expect("check JSON");
    assert_eq!(v["consistent"], Value::Bool(true), "{stdout}");
    let (stdout, _) = folio_within(&library, &["search", "--mode", "bm25", "Tarrow bell"], Duration::from_secs(60));
    assert!(stdout.contains("Tarrow"), "{stdout}");
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}'), "control characters reached the terminal");

    // A second run settles at once: nothing is read again, nothing hangs.
    let (_, stderr) = folio_within(&library, &["index", docs_arg], Duration::from_secs(120));
    assert!(stderr.contains("indexed 0 files"), "{stderr}");
}

/// A library on the real stores with the hashing embedder and the given extraction worker.
async fn library_with_worker(sandbox: &Sandbox, worker: WorkerCommand, limits: ExtractLimits) -> Arc<Library> {
    let config = LibraryConfig {
        dir: sandbox.library_dir(),
        models: ModelPaths::new("/nonexistent"),
        chat_model: None,
        threads: 1,
        extract_worker: worker,
        extract_limits: limits,
        must_exist: false,
    };
    Arc::new(
        Library::open_with(config, Arc::new(folio_models::HashEmbedder::new(64)), None).await.expect("open library"),
    )
}

fn shell(script: &str) -> WorkerCommand {
    WorkerCommand { program: PathBuf::from("/bin/sh"), args: vec!["-c".into(), script.into()] }
}

/// The reasons given for the files of `docs` after indexing them with `worker`.
async fn reasons_with(worker: WorkerCommand, limits: ExtractLimits) -> Vec<String> {
    let sandbox = Sandbox::with_corpus();
    let library = library_with_worker(&sandbox, worker, limits).await;
    let started = Instant::now();
    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("the job goes on");
    assert!(started.elapsed() < Duration::from_secs(120), "the job took {:?}", started.elapsed());
    assert_eq!(report.indexed, 0);
    // Every fixture file failed on its own, with the same reason; the job finished.
    assert!(report.failed.len() >= folio_tests::FIXTURES.len(), "{:?}", report.failed);
    let docs = library.documents().expect("documents");
    assert!(docs.iter().filter(|d| d.status == Status::Failed).count() >= folio_tests::FIXTURES.len());
    report.failed.into_iter().map(|n| n.problem.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_crashes_fails_its_file_and_the_job_goes_on() {
    let reasons = reasons_with(shell("kill -SEGV $$"), ExtractLimits::default()).await;
    assert!(reasons.iter().all(|r| r == "stopped: the reader crashed on this file (signal 11)"), "{reasons:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_hangs_is_killed_at_the_deadline() {
    let limits = ExtractLimits { wall: Duration::from_millis(300), ..ExtractLimits::default() };
    // The worker starts a child of its own that would outlive it if only the worker were killed.
    let reasons = reasons_with(shell("sleep 600 & exec sleep 600"), limits).await;
    assert!(reasons.iter().all(|r| r.starts_with("stopped after 300 ms")), "{reasons:?}");
    let left = Command::new("pgrep").args(["-f", "sleep 600"]).output().expect("pgrep");
    assert!(
        left.stdout.is_empty(),
        "the worker's process group outlived it: {}",
        String::from_utf8_lossy(&left.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_out_of_memory_is_reported_as_such() {
    let limits = ExtractLimits { memory_bytes: 512 << 20, ..ExtractLimits::default() };
    let reasons =
        reasons_with(shell("echo 'memory allocation of 1073741824 bytes failed' >&2; kill -ABRT $$"), limits).await;
    assert!(reasons.iter().all(|r| r == "stopped: needed more than 512 MB of memory"), "{reasons:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_worker_stops_at_its_memory_limit() {
    // A 60 MB text file is read, decoded and sent back: several copies of it, over the 1 GB allowed
    // beyond the worker's own mapped size.
    let sandbox = Sandbox::with_corpus();
    let big = sandbox.docs().join("big/words.txt");
    std::fs::create_dir_all(big.parent().expect("parent")).expect("mkdir");
    std::fs::write(&big, "harbour pilot ".repeat(60 << 20 >> 4)).expect("write");
    let base = worker_address_space();
    let limits = ExtractLimits { memory_bytes: base + (100 << 20), ..ExtractLimits::default() };
    let library = library_with_worker(&sandbox, crate::support::worker(), limits).await;
    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    let why =
        &report.failed.iter().find(|n| n.path.ends_with("words.txt")).expect("the big file failed").problem.to_string();
    assert!(why.starts_with("stopped: needed more than"), "{why}");
    assert!(report.indexed >= folio_tests::FIXTURES.len() as u64, "the other files are indexed: {report:?}");
}

#[test]
fn a_reused_worker_gets_its_processor_time_budget_afresh_for_every_file() {
    // The budget is per file: a worker that has read many files (more processor time in all than one
    // file may take) goes on reading. It once could not, where the worker runs in a user namespace:
    // the hard limit, lowered for the first file, cannot be raised again there, so every file after
    // the first budget's worth of work was stopped as "needed more than 1 s of processor time".
    use folio_extract::worker::{Limits, Workers};
    let worker = WorkerCommand { program: folio_bin(), args: vec![folio_engine::WORKER_ARG.into()] };
    let workers = Workers::new(worker, Limits { cpu_secs: 1, ..Limits::default() });
    let html: String = std::iter::once("<html><body>".to_string())
        .chain((0..4000).map(|i| format!("<p>Paragraph {i} about the harbour pilot and the <b>tide</b>.</p>")))
        .collect();
    let started = Instant::now();
    let mut files = 0;
    // One worker, reused: files one after another until it has worked well past 1 s + the 2 s grace.
    while started.elapsed() < Duration::from_secs(6) && files < 2000 {
        let read = workers.extract(html.as_bytes(), folio_extract::Format::Html);
        assert!(read.is_ok(), "file {files} after {:?}: {:?}", started.elapsed(), read.err());
        files += 1;
    }
    assert!(started.elapsed() >= Duration::from_secs(6), "the worker read {files} files");
}

/// The address space of an idle extraction worker (its binary and libraries mapped), in bytes.
fn worker_address_space() -> u64 {
    let mut child = Command::new(folio_bin())
        .arg(folio_engine::WORKER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn worker");
    std::thread::sleep(Duration::from_millis(500));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("proc status");
    let _ = child.kill();
    let _ = child.wait();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmSize");
    kb * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_folio_stopped_on_is_failed_and_not_read_again_until_it_changes() {
    let sandbox = Sandbox::with_corpus();
    let poison = sandbox.docs().join("poison.txt");
    std::fs::write(&poison, "The Caldera hut sleeps twelve.\n").expect("write");
    // A crash while reading poison.txt, as the catalog records it: an attempt that never ended.
    drop(crate::support::Sandbox::open_fake(&sandbox, None).await);
    {
        let store = folio_store::Store::open(&sandbox.library_dir(), 64).await.expect("store");
        let meta = std::fs::metadata(&poison).expect("stat");
        let mtime_ns =
            meta.modified().expect("mtime").duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_nanos()
                as i64;
        let facts = folio_store::FileFacts {
            folder_id: folio_core::FolderId(1),
            path: poison.to_string_lossy().into_owned(),
            size: meta.len(),
            mtime_ns,
            hash: None,
            format: None,
        };
        store.begin_attempt(&facts).await.expect("attempt");
    }
    let library = sandbox.open_fake(None).await;
    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    let poison_key = poison.to_string_lossy().into_owned();
    assert_eq!(
        report.failed.iter().find(|n| n.path == poison_key).map(|n| &n.problem),
        Some(&folio_engine::Problem::StoppedWhileReading)
    );
    assert!(report.indexed >= folio_tests::FIXTURES.len() as u64);
    // Not read again at the next run (no crash loop)...
    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    assert_eq!(report.indexed, 0, "{report:?}");
    // ...until it changes.
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&poison, "The Caldera hut sleeps twelve, and fourteen in summer.\n").expect("write");
    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    assert_eq!(report.indexed, 1, "{report:?}");
    let doc = library.documents().expect("documents").into_iter().find(|d| d.path == poison_key).expect("poison");
    assert_eq!(doc.status, Status::Indexed);
}
