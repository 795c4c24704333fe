//! The `folio` binary end to end: index, search --json, ask --json, status --json, check.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::{models, Sandbox};

/// The `folio` binary built next to this test binary (`cargo build -p folio-cli` puts it there).
pub fn folio_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let bin = dir.join("folio");
    assert!(bin.is_file(), "{} is missing: build it with `cargo build -p folio-cli` first", bin.display());
    bin
}

pub fn folio(sandbox: &Sandbox, args: &[&str]) -> (String, String) {
    let out = Command::new(folio_bin())
        .arg("--library")
        .arg(sandbox.library_dir())
        .arg("--models")
        .arg(&models().root)
        .args(args)
        .output()
        .expect("run folio");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "folio {args:?} failed:\n{stderr}");
    (stdout, stderr)
}

#[test]
fn index_search_and_ask_from_the_command_line() {
    let sandbox = Sandbox::with_corpus();
    let docs = sandbox.docs();
    let (_, stderr) = folio(&sandbox, &["index", docs.to_str().expect("utf-8")]);
    assert!(stderr.contains("indexed 25 files"), "{stderr}");

    let (stdout, _) = folio(&sandbox, &["search", "--json", "orbital period of comet Halvard"]);
    let v: Value = serde_json::from_str(&stdout).expect("search prints one JSON document");
    let results = v["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let top = &results[0];
    assert!(top["path"].as_str().expect("path").ends_with("astronomy/comet-halvard.md"));
    assert!(PathBuf::from(top["path"].as_str().expect("path")).is_absolute());
    let lines = top["location"]["lines"].as_array().expect("location.lines");
    assert_eq!(lines.len(), 2);
    assert!(top["score"].as_f64().expect("score") > 0.0);
    assert!(top["snippet"].as_str().expect("snippet").contains("212 years"));

    let (stdout, _) = folio(&sandbox, &["ask", "--json", "--max-tokens", "64", "How often does comet Halvard return?"]);
    let v: Value = serde_json::from_str(&stdout).expect("ask prints one JSON document");
    assert!(!v["answer"].as_str().expect("answer").trim().is_empty());
    assert!(v["model"].as_str().expect("model").contains("SmolLM2"));
    assert!(v["timings"]["total_ms"].as_u64().is_some());
    for c in v["citations"].as_array().expect("citations") {
        assert!(c["marker"].as_u64().expect("marker") >= 1);
        assert!(PathBuf::from(c["path"].as_str().expect("path")).is_file());
        assert!(c["location"]["lines"].is_array());
        assert!(!c["quote"].as_str().expect("quote").is_empty());
    }

    let (stdout, _) = folio(&sandbox, &["status", "--json"]);
    let v: Value = serde_json::from_str(&stdout).expect("status JSON");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), folio_tests::FIXTURES.len() + folio_tests::BAD_FILES.len());
    assert!(files.iter().any(|f| f["status"] == "skipped" && f["reason"] == "the file is empty"));

    let (stdout, _) = folio(&sandbox, &["check"]);
    assert!(stdout.contains("consistent"), "{stdout}");
}
