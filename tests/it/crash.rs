//! Crash consistency for real: `folio index` is killed with SIGKILL at 20 moments while it writes,
//! files change between runs, and afterwards the three stores agree and every file is indexed once.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::cli::{folio, folio_bin};
use crate::support::{models, Sandbox};

/// Writes `n` small files whose text depends on `round`, so that each round changes them.
fn write_files(dir: &Path, n: usize, round: usize) {
    for i in 0..n {
        let sub = dir.join(format!("set{}", i % 7));
        std::fs::create_dir_all(&sub).expect("mkdir");
        let text = format!(
            "Note {i}, revision {round}.\nThe station {i} logged {v} millimetres of rain in week {round}.\n\
             Observers recorded wind from the {d} at {w} knots.\nA second paragraph repeats the reading for \
             station {i}: {v} millimetres.\n",
            v = (i * 37 + round * 11) % 200,
            d = ["north", "south", "east", "west"][(i + round) % 4],
            w = (i * 13 + round) % 40,
        );
        std::fs::write(sub.join(format!("note-{i:03}.txt")), text).expect("write");
    }
}

#[test]
fn sigkill_during_indexing_never_leaves_the_stores_disagreeing() {
    let sandbox = Sandbox::with_corpus();
    let docs = sandbox.docs().join("crash");
    let files = 120;
    write_files(&docs, files, 0);
    // A small linear congruential generator: kill moments vary but the test is reproducible.
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    let mut interrupted = 0;
    for round in 1..=20 {
        if round % 2 == 0 {
            write_files(&docs, files, round); // every other run has real work to interrupt
        }
        let mut child = Command::new(folio_bin())
            .arg("--library")
            .arg(sandbox.library_dir())
            .arg("--models")
            .arg(&models().root)
            .args(["index", "--batch-chunks", "8"])
            .arg(&docs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn folio");
        std::thread::sleep(Duration::from_millis(300 + next() % 2500));
        if child.try_wait().expect("wait").is_none() {
            interrupted += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
    }
    assert!(interrupted >= 10, "only {interrupted} of 20 kills landed while folio was running");
    // The killed runs are durable jobs: listed as interrupted, and finished by `folio resume`.
    let job_states = || -> Vec<String> {
        let (stdout, _) = folio(&sandbox, &["jobs", "--json"]);
        let jobs: Value = serde_json::from_str(&stdout).expect("jobs JSON");
        jobs["jobs"].as_array().expect("jobs").iter().map(|j| j["state"].as_str().unwrap_or("").to_string()).collect()
    };
    let states = job_states();
    // A kill can land before a run has opened the library and recorded its job, so there are at most 20.
    assert!(!states.is_empty() && states.len() <= 20, "one job per run that got going: {states:?}");
    assert!(states.iter().any(|s| s == "running"), "killed jobs stay unfinished: {states:?}");
    folio(&sandbox, &["resume"]);
    let states = job_states();
    assert!(states.iter().all(|s| s == "done"), "resume finishes every interrupted job: {states:?}");
    // A clean run finds nothing left to do; the stores must agree and each file be indexed exactly once.
    folio(&sandbox, &["index", docs.to_str().expect("utf-8")]);
    let (stdout, _) = folio(&sandbox, &["check", "--json"]);
    let check: Value = serde_json::from_str(&stdout).expect("check JSON");
    assert_eq!(check["consistent"], true, "{check}");
    let counts = &check["counts"];
    assert_eq!(counts["catalog_chunks"], counts["text_chunks"]);
    assert_eq!(counts["catalog_chunks"], counts["vector_chunks"]);
    let (stdout, _) = folio(&sandbox, &["status", "--json"]);
    let status: Value = serde_json::from_str(&stdout).expect("status JSON");
    let crash_files: Vec<&Value> = status["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.contains("/crash/")))
        .collect();
    assert_eq!(crash_files.len(), files, "each file is known exactly once");
    assert!(crash_files.iter().all(|f| f["status"] == "indexed"), "every file ends indexed");
    let (stdout, _) = folio(&sandbox, &["search", "--json", "-k", "3", "station 42 rain"]);
    let hits: Value = serde_json::from_str(&stdout).expect("search JSON");
    assert!(hits["results"][0]["path"].as_str().expect("path").ends_with("note-042.txt"));
}
