//! Libraries written by earlier builds open, migrate and answer (tests/fixtures/compat/).

use std::process::Command;

use crate::cli::folio_bin;
use crate::support::models;

#[test]
fn a_library_written_by_an_earlier_build_opens_migrates_and_answers() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compat/library-cf25821.tgz");
    let untar = Command::new("tar").arg("xzf").arg(&fixture).arg("-C").arg(tmp.path()).status().expect("tar");
    assert!(untar.success());
    let lib = tmp.path().join("lib");
    let folio = |args: &[&str]| {
        let out = Command::new(folio_bin())
            .arg("--library")
            .arg(&lib)
            .arg("--models")
            .arg(&models().root)
            .args(args)
            .output()
            .expect("folio");
        assert!(out.status.success(), "folio {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Opening rebuilds the full-text index in its new layout from the catalog; the stores agree.
    let check = folio(&["check"]);
    assert!(check.contains("consistent") && !check.contains("INCONSISTENT"), "{check}");
    assert!(check.contains("chunks: catalog"), "{check}");
    // Keyword search finds what the old build indexed, and so does the hybrid search.
    for mode in ["bm25", "hybrid"] {
        let hits = folio(&["search", "--mode", mode, "--json", "engineer of the Korvath Point lighthouse"]);
        let first = serde_json::from_str::<serde_json::Value>(&hits).expect("json")["results"][0]["path"].clone();
        assert!(first.as_str().is_some_and(|p| p.ends_with("korvath-point.md")), "{mode}: {hits}");
    }
    // Opened again, nothing is rebuilt or lost.
    let again = folio(&["check"]);
    assert_eq!(check.lines().next(), again.lines().next(), "the same counts at the second open");
}
