//! `folio-dev eval` on the shared Cranfield set (a reduced query subset, so CI stays quick): the metrics are
//! reported for all three modes in the documented JSON shape, and hybrid beats both of its halves.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::cli::folio_dev_bin;
use crate::support::models;

#[test]
fn eval_reports_all_three_modes_and_hybrid_wins_on_cranfield() {
    let set = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/cranfield");
    assert!(
        set.join("corpus.jsonl").is_file(),
        "{} is missing: CI runs with ../shared beside the clone",
        set.display()
    );
    let out = Command::new(folio_dev_bin())
        .arg("--models")
        .arg(&models().root)
        .args(["eval", "--queries", "60", "--json"])
        .arg(&set)
        .output()
        .expect("run folio-dev eval");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["documents"], 1400);
    assert_eq!(report["queries"], 60);
    let ndcg = |mode: &str| {
        for key in ["ndcg@10", "recall@10", "recall@100", "mrr@10"] {
            let v = report[mode][key].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&v), "{mode} {key} = {v}");
        }
        report[mode]["ndcg@10"].as_f64().unwrap_or(0.0)
    };
    let (bm25, dense, hybrid) = (ndcg("bm25"), ndcg("dense"), ndcg("hybrid"));
    assert!(bm25 > 0.25 && dense > 0.25, "bm25 {bm25}, dense {dense}");
    assert!(hybrid > bm25 && hybrid > dense, "hybrid {hybrid} must beat bm25 {bm25} and dense {dense}");
}
