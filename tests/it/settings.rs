//! The settings file (#17): durable, a corrupt one kept aside, a move cut short settled by where the
//! library is, and the CLI using the library the app's settings name (and refusing a missing one rather
//! than starting an empty library in its place).

use std::process::Command;

use folio_engine::settings::{library_location, Settings, SettingsError};

use crate::cli::folio_bin;
use crate::support::{models, Sandbox};

#[test]
fn settings_round_trip_and_a_corrupt_file_is_kept_aside() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("sub/settings.json");
    assert_eq!(Settings::load(&path).expect("no file: defaults"), Settings::default());
    let s = Settings {
        chat_model: Some("/m/llama.gguf".into()),
        index_threads: Some(3),
        library_dir: Some("/data/folio".into()),
        library_moving_to: None,
        ui_language: Some(folio_engine::settings::UiLanguage::Fr),
    };
    s.save(&path).expect("save");
    assert_eq!(Settings::load(&path).expect("load"), s);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    assert_eq!(saved["ui_language"], "fr");
    std::fs::write(&path, b"{not json").expect("write");
    let (defaults, err) = Settings::load(&path).expect_err("corrupt");
    assert_eq!(defaults, Settings::default());
    assert!(matches!(err, SettingsError::Corrupt { .. }), "{err}");
    assert_eq!(std::fs::read(path.with_extension("json.corrupt")).expect("kept"), b"{not json", "kept, not lost");
    assert!(!path.exists(), "the next save writes a fresh file beside the kept one");
}

#[test]
fn a_move_cut_short_is_settled_by_where_the_library_is() {
    let dir = tempfile::tempdir().expect("tmp");
    let (from, to) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&from).expect("mkdir");
    std::fs::write(from.join("catalog.sqlite3"), b"").expect("write");
    let moving =
        Settings { library_dir: Some(from.clone()), library_moving_to: Some(to.clone()), ..Settings::default() };
    assert_eq!(moving.library_dir(), Some(from.clone()), "the move had not happened: the old place");
    std::fs::rename(&from, &to).expect("rename");
    assert_eq!(moving.library_dir(), Some(to.clone()), "the move happened: the new place");
    assert_eq!(library_location(Some(from.as_path()), &moving), (from, false), "--library wins");
}

#[test]
fn the_cli_uses_the_library_the_app_settings_name_and_refuses_a_missing_one() {
    let sandbox = Sandbox::with_corpus();
    let chosen = sandbox.dir.path().join("chosen-library");
    let config = sandbox.dir.path().join("config/settings.json");
    Settings { library_dir: Some(chosen.clone()), ..Settings::default() }.save(&config).expect("save");
    let folio = |args: &[&str]| {
        Command::new(folio_bin())
            .env("FOLIO_CONFIG", &config)
            .env_remove("FOLIO_LIBRARY")
            .arg("--models")
            .arg(&models().root)
            .args(args)
            .output()
            .expect("run folio")
    };
    // The named library does not exist yet: refused, and nothing is created there.
    let out = folio(&["status"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no Folio library"), "{out:?}");
    assert!(!chosen.exists(), "no empty library is started in its place");
    // Made there (as the app's move does), it is the one the CLI uses.
    let made = Command::new(folio_bin())
        .arg("--library")
        .arg(&chosen)
        .arg("--models")
        .arg(&models().root)
        .args(["index", sandbox.docs().to_str().expect("utf-8")])
        .output()
        .expect("index");
    assert!(made.status.success(), "{made:?}");
    let out = folio(&["status", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["files"].as_array().expect("files").len() >= folio_tests::FIXTURES.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_gguf_model_is_taken_as_the_chat_model() {
    use folio_models::{check_gguf, MIN_MODEL_BYTES};
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    let dir = sandbox.dir.path();
    let file = |name: &str, bytes: &[u8], len: u64| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .expect("open")
            .set_len(len.max(bytes.len() as u64))
            .expect("len");
        p
    };
    let header = |version: u32, tensors: u64| {
        let mut h = b"GGUF".to_vec();
        h.extend(version.to_le_bytes());
        h.extend(tensors.to_le_bytes());
        h.extend(0u64.to_le_bytes());
        h
    };
    // The real bundled model passes, and so do well-formed headers of either version.
    assert!(check_gguf(&models().bundled_chat_model()).is_ok());
    for good in [file("v3.gguf", &header(3, 291), MIN_MODEL_BYTES), file("v2.gguf", &header(2, 1), MIN_MODEL_BYTES)] {
        library.set_chat_model(Some(good.clone())).expect("a GGUF model is taken");
        assert_eq!(library.chat_model_path(), good);
    }
    let refused = [
        (file("launcher.gguf", b"#!/bin/sh\nrm -rf ~\n", MIN_MODEL_BYTES), "GGUF"),
        (file("tiny.gguf", &header(3, 291), 1000), "too small"),
        (file("future.gguf", &header(7, 291), MIN_MODEL_BYTES), "version 7"),
        (file("empty.gguf", &header(3, 0), MIN_MODEL_BYTES), "no tensors"),
        (dir.to_path_buf(), "regular file"),
        (dir.join("missing.gguf"), "missing.gguf"),
    ];
    for (path, why) in &refused {
        let e = library.set_chat_model(Some(path.clone())).expect_err("refused").to_string();
        assert!(e.contains(why), "{}: {e}", path.display());
    }
    assert_eq!(library.chat_model_path(), dir.join("v2.gguf"), "a refused file changes nothing");
}
