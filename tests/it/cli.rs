//! The `folio` binary end to end: index, search --json, ask --json, status --json, check.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

use crate::support::{models, Sandbox};

/// The `folio` binary built next to this test binary (`cargo build -p folio-cli` puts it there).
pub fn folio_bin() -> PathBuf {
    built("folio")
}

/// The developer binary (benchmarks, evaluation).
pub fn folio_dev_bin() -> PathBuf {
    built("folio-dev")
}

fn built(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let bin = dir.join(name);
    assert!(bin.is_file(), "{} is missing: build it with `cargo build --workspace --bins` first", bin.display());
    bin
}

/// `folio` on the sandbox's library with the real models, as it ended.
fn run_folio(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    run_folio_in(sandbox, args, "C.UTF-8")
}

/// `folio` as [`run_folio`], with the system's locale set to `locale`.
fn run_folio_in(sandbox: &Sandbox, args: &[&str], locale: &str) -> std::process::Output {
    Command::new(folio_bin())
        .env("LC_ALL", locale)
        .arg("--library")
        .arg(sandbox.library_dir())
        .arg("--models")
        .arg(&models().root)
        .args(args)
        .output()
        .expect("run folio")
}

pub fn folio(sandbox: &Sandbox, args: &[&str]) -> (String, String) {
    let out = run_folio(sandbox, args);
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
    let empty = files.iter().find(|f| f["reason"] == "the file is empty").expect("the empty file, with its reason");
    assert_eq!((&empty["status"], &empty["problem"]), (&json!("skipped"), &json!({"code": "empty"})));

    let (stdout, _) = folio(&sandbox, &["check"]);
    assert!(stdout.contains("consistent"), "{stdout}");

    // Human output: `status` in the system's language, `search` in the query's.
    let out = run_folio(&sandbox, &["status"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" files (") && stdout.contains("embedding model: all-minilm-l6-v2"), "{stdout}");
    assert!(stdout.contains("(the file is empty)") && stdout.contains("(unsupported file type)"), "{stdout}");
    // Why files were not indexed, in the system's language: a file added now, then all in `status`.
    let added = docs.join("misc/added-empty.md");
    std::fs::write(&added, "").expect("write");
    let out = run_folio_in(&sandbox, &["index", docs.to_str().expect("utf-8")], "fr_FR.UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("0 fichiers indexés") && stderr.contains(" inchangés, "), "{stderr}");
    assert!(stderr.contains(&format!("  {}\u{a0}: le fichier est vide\n", added.display())), "{stderr}");
    let out = run_folio_in(&sandbox, &["status"], "fr_FR.UTF-8");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" fichiers (") && stdout.contains(" indexé"), "{stdout}");
    assert!(
        stdout.contains("(le fichier est vide)") && stdout.contains("(type de fichier non pris en charge)"),
        "{stdout}"
    );
    assert!(stdout.contains("modèle de recherche\u{a0}: all-minilm-l6-v2"), "{stdout}");
    let out = run_folio_in(&sandbox, &["jobs"], "fr_FR.UTF-8");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" terminée ") && stdout.contains(" fichiers "), "{stdout}");
    let out = run_folio_in(&sandbox, &["jobs"], "C.UTF-8");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(" done ") && stdout.contains(" files "), "{stdout}");
    let (stdout, _) = folio(&sandbox, &["search", "Quelle est la période orbitale de la comète Halvard ?"]);
    assert!(stdout.contains("(lignes "), "places in the query's language: {stdout}");
    let (stdout, _) = folio(&sandbox, &["search", "What is the orbital period of comet Halvard?"]);
    assert!(stdout.contains("(lines "), "{stdout}");

    // The JSON of an answer also says whether it is grounded, in which chat, and what was searched.
    let (stdout, _) = folio(&sandbox, &["ask", "--json", "--max-tokens", "16", "What is the capital of Mongolia?"]);
    let v: Value = serde_json::from_str(&stdout).expect("ask JSON");
    assert_eq!(v["grounded"], false, "{v}");
    assert!(v["citations"].as_array().expect("citations").is_empty());
    assert!(!v["closest"].as_array().expect("closest").is_empty());
    // Asked in French, declined in French: the message, the places of the closest passages and the note.
    let (stdout, stderr) = folio(&sandbox, &["ask", "Quelle est la hauteur de la tour Eiffel ?"]);
    assert!(stdout.starts_with(folio_core::prompt::NOT_FOUND_FR), "{stdout}");
    assert!(stdout.contains("lignes "), "places in French: {stdout}");
    assert!(stderr.contains("le modèle n’a pas été interrogé"), "{stderr}");
    let (stdout, _) = folio(&sandbox, &["chats", "--json"]);
    let v: Value = serde_json::from_str(&stdout).expect("chats JSON");
    assert_eq!(v["chats"].as_array().expect("chats").len(), 3, "{v}");
}

/// `folio index <docs>` held to permission bits: root reads anything, but without the two
/// DAC-override capabilities it is held to them like everyone else (it still owns the library and
/// model files, so those stay readable). Returns stderr.
fn index_without_overrides(sandbox: &Sandbox) -> String {
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set", "-dac_override,-dac_read_search"]).arg(folio_bin());
        c
    } else {
        Command::new(folio_bin())
    };
    let out = cmd
        .arg("--library")
        .arg(sandbox.library_dir())
        .arg("--models")
        .arg(&models().root)
        .arg("index")
        .arg(sandbox.docs())
        .output()
        .expect("run folio");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn an_unreadable_file_fails_with_its_reason_and_the_rest_is_indexed() {
    let sandbox = Sandbox::with_corpus();
    let secret = sandbox.docs().join("company/salaries.txt");
    std::fs::write(&secret, "Confidential numbers.\n").expect("write");
    chmod(&secret, 0o000);
    index_without_overrides(&sandbox);
    let (stdout, _) = folio(&sandbox, &["status", "--json"]);
    let v: Value = serde_json::from_str(&stdout).expect("status JSON");
    let files = v["files"].as_array().expect("files");
    let row = files.iter().find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("salaries.txt"))).expect("listed");
    assert_eq!(row["status"], "failed");
    assert!(row["reason"].as_str().expect("reason").contains("ermission denied"), "{row}");
    assert_eq!(files.iter().filter(|f| f["status"] == "indexed").count(), folio_tests::FIXTURES.len());
}

#[test]
fn files_that_become_unreadable_keep_what_was_indexed() {
    let sandbox = Sandbox::with_corpus();
    let docs = sandbox.docs();
    folio(&sandbox, &["index", docs.to_str().expect("utf-8")]);
    let indexed = |sandbox: &Sandbox| -> Vec<String> {
        let (stdout, _) = folio(sandbox, &["status", "--json"]);
        let v: Value = serde_json::from_str(&stdout).expect("status JSON");
        let files = v["files"].as_array().expect("files");
        files
            .iter()
            .filter(|f| f["status"] == "indexed")
            .map(|f| f["path"].as_str().expect("path").to_string())
            .collect()
    };
    let before = indexed(&sandbox);
    assert_eq!(before.len(), folio_tests::FIXTURES.len());

    // An indexed file loses its read permission after being edited, and a folder its listing permission.
    let policy = docs.join("company/travel-policy.md");
    std::fs::write(&policy, "# Travel policy\n\nThe nightly hotel limit is now 200 euros in Europe.\n").expect("edit");
    chmod(&policy, 0o000);
    let folder = docs.join("recipes");
    chmod(&folder, 0o000);
    let stderr = index_without_overrides(&sandbox);
    chmod(&policy, 0o644);
    chmod(&folder, 0o755);

    // Both failures are reported, and nothing was taken for deleted or purged.
    assert!(stderr.contains("travel-policy.md") && stderr.contains("the version indexed earlier is kept"), "{stderr}");
    assert!(stderr.contains("recipes") && stderr.contains("ermission denied"), "{stderr}");
    assert_eq!(indexed(&sandbox), before);
    let (stdout, _) = folio(&sandbox, &["search", "--json", "how long to bake saffron bread"]);
    assert!(stdout.contains("saffron-bread.txt"), "{stdout}");
    let (stdout, _) = folio(&sandbox, &["search", "--json", "hotel nightly limit in Europe"]);
    assert!(stdout.contains("180 euros"), "the old version stays searchable: {stdout}");

    // Readable again, the edited file is read at the next scan.
    let (_, stderr) = folio(&sandbox, &["index", docs.to_str().expect("utf-8")]);
    assert!(!stderr.contains("cannot read"), "{stderr}");
    let (stdout, _) = folio(&sandbox, &["search", "--json", "hotel nightly limit in Europe"]);
    assert!(stdout.contains("200 euros") && !stdout.contains("180 euros"), "{stdout}");
    let (stdout, _) = folio(&sandbox, &["check"]);
    assert!(stdout.contains("consistent"), "{stdout}");
}

#[test]
fn engine_errors_have_stable_codes_and_exit_statuses() {
    use folio_engine::EngineError;
    // The codes the app's ErrorDto carries and the statuses the CLI exits with, one to one.
    let all = [
        EngineError::InvalidInput(String::new()),
        EngineError::NotFound(String::new()),
        EngineError::Refused(String::new()),
        EngineError::Busy(String::new()),
        EngineError::Incompatible(String::new()),
        EngineError::Storage(String::new()),
        EngineError::Model(String::new()),
        EngineError::Io { path: "/x".into(), source: std::io::Error::other("x") },
        EngineError::Internal(String::new()),
    ];
    let codes: Vec<&str> = all.iter().map(EngineError::code).collect();
    assert_eq!(codes, EngineError::CODES);
    let statuses: Vec<i32> = all.iter().map(EngineError::exit_code).collect();
    assert_eq!(statuses, (2..=10).collect::<Vec<_>>());

    // The CLI exits with them.
    let sandbox = Sandbox::with_corpus();
    folio(&sandbox, &["status"]);
    let status = |args: &[&str]| run_folio(&sandbox, args).status.code();
    assert_eq!(status(&["resume", "987654"]), Some(3), "a job that does not exist is not found");
    assert_eq!(status(&["ask", "   "]), Some(2), "an empty question is invalid input");
    // The kind of error in the system's language, the engine's message after it.
    let stderr =
        |args: &[&str], locale| String::from_utf8_lossy(&run_folio_in(&sandbox, args, locale).stderr).into_owned();
    assert!(stderr(&["resume", "987654"], "C.UTF-8").starts_with("Error: "), "in English");
    let french = stderr(&["resume", "987654"], "fr_FR.UTF-8");
    assert!(french.starts_with("Erreur\u{a0}: introuvable\u{a0}: "), "{french}");
}
