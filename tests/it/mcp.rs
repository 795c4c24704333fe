//! `folio mcp` driven by a real MCP client that Folio did not write: the official Python SDK (`mcp` from
//! PyPI, installed by set-up into `~/.cache/folio/mcp-venv`, pinned in `tests/mcp/requirements.txt`),
//! through `tests/mcp/client.py`, on the fixture corpus and the bundled chat model.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::cli::{folio, folio_bin};
use crate::support::{models, Sandbox};

/// The set-up's Python with the `mcp` package.
fn mcp_python() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"));
    let python = cache.join("folio/mcp-venv/bin/python");
    assert!(python.is_file(), "{} is missing: run scripts/setup.sh (it installs the MCP client)", python.display());
    python
}

#[test]
fn an_mcp_host_searches_reads_and_asks_through_folio() {
    let sandbox = Sandbox::with_corpus();
    folio(&sandbox, &["index", sandbox.docs().to_str().expect("utf-8")]);
    let new_folder = sandbox.dir.path().join("later");
    std::fs::create_dir_all(&new_folder).expect("mkdir");
    std::fs::write(new_folder.join("vashti.txt"), "The Vashti lock opened four times in May.\n").expect("write");
    let out = Command::new(mcp_python())
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py"))
        .arg(folio_bin())
        .arg(sandbox.library_dir())
        .arg(&models().root)
        .arg("How often does comet Halvard return?")
        .arg(&new_folder)
        .output()
        .expect("run the MCP client");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the MCP client failed:\n{stderr}");
    let t: Value = serde_json::from_slice(&out.stdout).expect("one JSON transcript");

    assert_eq!(t["server"], "folio");
    assert_eq!(t["protocol"], "2025-11-25");
    assert_eq!(t["tools"], serde_json::json!(["ask", "get_passage", "list_folders", "search", "status"]));

    let results = t["search"]["content"]["results"].as_array().expect("results");
    assert_eq!(t["search"]["is_error"], false);
    assert!(results[0]["path"].as_str().expect("path").ends_with("astronomy/comet-halvard.md"), "{results:?}");
    assert!(!results[0]["place"].as_str().expect("place").is_empty());
    let context = t["get_passage"]["content"]["passages"].as_array().expect("passages");
    assert!(context.iter().any(|p| p["requested"] == true));
    let folders = t["list_folders"]["content"]["folders"].as_array().expect("folders");
    assert_eq!(folders.len(), 1);
    assert!(folders[0]["files"]["indexed"].as_u64().expect("indexed") >= 20);
    let files = t["status"]["content"]["files"].as_array().expect("files");
    assert!(files.iter().any(|f| f["status"] == "failed" && f["reason"].is_string()), "failures say why");

    // Refusals: a bad argument, a folder outside the library, a writing tool without --allow-writes.
    assert_eq!(t["bad_argument"]["is_error"], true);
    assert_eq!(t["bad_argument"]["content"]["error"]["code"], "invalid_input");
    assert_eq!(t["outside"]["is_error"], true);
    assert_eq!(t["outside"]["content"]["error"]["code"], "refused");
    assert!(t["write_without_permission"].as_str().expect("refused").contains("--allow-writes"));

    // Resources: each indexed document, its text with each passage's place; an unknown one is an error.
    assert!(t["resources"].as_u64().expect("count") >= 20);
    assert!(t["resource"]["uri"].as_str().expect("uri").starts_with("folio://document/"));
    assert!(t["resource"]["text"].as_str().expect("text").contains("[passage "));
    assert_ne!(t["missing_resource"], "served");

    // ask: a cited answer from the bundled model, streamed as progress notifications.
    assert_eq!(t["ask"]["is_error"], false, "{}", t["ask"]);
    let answer = &t["ask"]["content"];
    assert_eq!(answer["grounded"], true);
    assert!(!answer["answer"].as_str().expect("answer").is_empty());
    assert!(answer["model"].as_str().expect("model").contains("SmolLM2"));
    let progress = t["ask_progress"].as_array().expect("progress");
    assert!(!progress.is_empty(), "the answer is streamed as progress");
    // A second server while the first holds the library stops at once (busy) instead of waiting.
    assert_ne!(t["second_server"], "served");

    // --allow-writes offers add_folder and reindex, and they index.
    let with_writes = t["tools_with_writes"].as_array().expect("tools");
    assert!(with_writes.iter().any(|n| n == "add_folder") && with_writes.iter().any(|n| n == "reindex"));
    assert_eq!(t["add_folder"]["is_error"], false, "{}", t["add_folder"]);
    assert_eq!(t["add_folder"]["content"]["indexed"], 1);
    assert_eq!(t["reindex"]["is_error"], false, "{}", t["reindex"]);
    assert_eq!(t["reindex"]["content"]["indexed"], 0, "nothing changed since");
    eprintln!("search over MCP took {:.1} ms", t["search_ms"].as_f64().unwrap_or(0.0));
}
