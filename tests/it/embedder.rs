//! A second embedding model: downloaded from a local server in the hub's layout (no multilingual ONNX
//! model ships in any package these machines reach, so the bundled all-MiniLM-L6-v2 files are served
//! under multilingual-e5-small's names: the path is real, the model is a stand-in), and a library
//! switched to it by the durable, resumable job, with search on the old vectors until it completes.

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use folio_engine::{IndexOptions, Library, ModelPaths, SearchOptions, SwitchEvent};

use crate::cli::folio_bin;
use crate::download::{read_request, Request};
use crate::support::{models, Sandbox};

const MODEL: &str = "multilingual-e5-small";
const REPO: &str = "intfloat/multilingual-e5-small";

/// The files the hub serves for `REPO`, by path in the repository, from the bundled model's files.
fn hub_files() -> HashMap<String, PathBuf> {
    let bundled = models().embedder_dir();
    let mut files: HashMap<String, PathBuf> =
        folio_models::TOKENIZER_FILES.iter().map(|f| (f.to_string(), bundled.join(f))).collect();
    files.insert("onnx/model.onnx".into(), bundled.join("model.onnx"));
    files
}

/// A models directory of its own, with the bundled models linked in.
fn models_dir(root: &Path) -> ModelPaths {
    let real = models();
    let paths = ModelPaths::new(root);
    for (from, to) in [(real.onnxruntime(), paths.onnxruntime()), (real.embedder_dir(), paths.embedder_dir())] {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(from, to).unwrap();
    }
    paths
}

/// A minimal hub for `REPO`: HEAD names large files by SHA-256 (`X-Linked-ETag`, as LFS files are)
/// and small ones by git blob id (`ETag`, as files kept in git are); GET honours `Range`, and the
/// first GET of the ONNX file is cut off after a third. Returns the endpoint and the GETs served.
fn serve() -> (String, Arc<Mutex<Vec<String>>>) {
    let files = hub_files();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let gets = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&gets);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(Request { method, target, range }) = read_request(&stream) else { continue };
            let (method, target) = (method.as_str(), target.as_str());
            let prefix = format!("/{REPO}/resolve/main/");
            let Some(source) = target.strip_prefix(&prefix).and_then(|f| files.get(f)) else {
                let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                continue;
            };
            let body = std::fs::read(source).expect("read");
            let large = body.len() > 1 << 20;
            let tag = if large {
                format!("x-linked-etag: \"{}\"\r\n", folio_models::sha256_file(source).unwrap())
            } else {
                format!("etag: \"{}\"\r\n", folio_models::git_blob_id(source).unwrap())
            };
            if method == "HEAD" {
                let head =
                    format!("HTTP/1.1 200 OK\r\n{tag}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                continue;
            }
            let first_of_onnx = {
                let mut l = log.lock().expect("log");
                l.push(format!("{target} {range}"));
                target.ends_with("model.onnx") && l.iter().filter(|g| g.contains("model.onnx")).count() == 1
            };
            let start: usize =
                range.strip_prefix("bytes=").and_then(|r| r.trim_end_matches('-').parse().ok()).unwrap_or(0);
            let status = if start > 0 { "206 Partial Content" } else { "200 OK" };
            let head =
                format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len() - start);
            let _ = stream.write_all(head.as_bytes());
            let end = if first_of_onnx { body.len() / 3 } else { body.len() };
            let _ = stream.write_all(&body[start..end]);
        }
    });
    (endpoint, gets)
}

fn download(endpoint: &str, models: &Path) -> (bool, String) {
    let out = Command::new(folio_bin())
        .env("HF_ENDPOINT", endpoint)
        .env("FOLIO_DOWNLOAD_READ_TIMEOUT_SECS", "2")
        .arg("--models")
        .arg(models)
        .args(["model", "download", "embedder"])
        .output()
        .expect("run folio");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_multilingual_embedder_downloads_resumed_and_verified() {
    let (endpoint, gets) = serve();
    let dir = tempfile::tempdir().unwrap();
    let paths = models_dir(dir.path());
    let (ok, stderr) = download(&endpoint, dir.path());
    assert!(ok, "{stderr}");
    let model = folio_models::EmbedderModel::by_id(MODEL).unwrap();
    assert!(paths.has_embedder(&model));
    let local = paths.embedder_dir_of(&model);
    for (remote, source) in hub_files() {
        let name = if remote.ends_with(".onnx") { "model.onnx" } else { remote.as_str() };
        assert_eq!(std::fs::read(local.join(name)).unwrap(), std::fs::read(&source).unwrap(), "{remote}");
    }
    let served = gets.lock().unwrap().clone();
    let onnx: Vec<&String> = served.iter().filter(|g| g.contains("model.onnx")).collect();
    assert_eq!(onnx.len(), 2, "the cut-off ONNX file was resumed: {served:?}");
    assert!(onnx[1].contains("bytes="), "with a range request: {served:?}");

    // Run again: everything is there, nothing is fetched.
    let before = served.len();
    let (ok, stderr) = download(&endpoint, dir.path());
    assert!(ok, "{stderr}");
    assert_eq!(gets.lock().unwrap().len(), before);

    // A missing file and no hub: a clear error, and nothing half-written kept.
    std::fs::remove_file(local.join("config.json")).unwrap();
    let (ok, stderr) = download("http://127.0.0.1:9", dir.path());
    assert!(!ok);
    assert!(stderr.contains("cannot reach http://127.0.0.1:9"), "{stderr}");
    assert!(!local.join("config.json").exists());
}

/// Hybrid search that must find something with a similarity (the vectors are used).
async fn dense_hits(library: &Library, query: &str) -> usize {
    let hits = library.search(query, &SearchOptions::default()).await.expect("search");
    hits.iter().filter(|h| h.similarity.is_some()).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_the_embedder_re_embeds_durably_while_search_goes_on() {
    let sandbox = Sandbox::with_corpus();
    let models_root = sandbox.dir.path().join("models");
    let paths = models_dir(&models_root);
    // The stand-in model's files where a download puts them.
    let model = folio_models::EmbedderModel::by_id(MODEL).unwrap();
    let local = paths.embedder_dir_of(&model);
    std::fs::create_dir_all(&local).unwrap();
    for (remote, source) in hub_files() {
        let name = if remote.ends_with(".onnx") { "model.onnx".to_string() } else { remote };
        std::fs::copy(source, local.join(name)).unwrap();
    }
    let config = || {
        let mut c = sandbox.config();
        c.models = paths.clone();
        c
    };
    // Enough passages for several steps of the switch.
    for i in 0..300 {
        let note = format!("# Field note {i}\n\nSample {i} was taken at station {} on day {}.\n", i * 7, i % 28 + 1);
        std::fs::write(sandbox.docs().join(format!("note-{i}.md")), note).unwrap();
    }
    let library = Arc::new(Library::open(config()).await.expect("open"));
    library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    let chunks = library.counts().await.unwrap().catalog_chunks;
    assert!(chunks > 64, "the corpus spans several steps of the switch ({chunks} chunks)");

    // Started, then stopped after its first step (the events dropped, as a window closing would).
    let mut events = library.switch_embedder_events(MODEL);
    loop {
        match events.recv().await.expect("an event") {
            SwitchEvent::Progress(p) if p.done > 0 => break,
            SwitchEvent::Progress(_) => continue,
            other => panic!("the switch ended early: {other:?}"),
        }
    }
    drop(events);
    while Arc::strong_count(&library) > 1 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let status = library.embedding_status().unwrap();
    assert_eq!(status.active, "all-minilm-l6-v2", "search still uses the old vectors");
    let part = status.switching.clone().expect("a switch under way");
    assert!(part.done > 0 && part.done < part.total, "{part:?}");
    assert!(dense_hits(&library, "solar panel efficiency").await > 0);
    assert!(library.check().await.unwrap().is_consistent());

    // A file indexed meanwhile gets the old model's vector, and the switch reaches it too.
    std::fs::write(sandbox.docs().join("late.md"), "# Late note\n\nThe quarry's granite was cut in 1887.\n").unwrap();
    library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");

    // The process stops; the next start goes on from the recorded step, not from the beginning.
    drop(library);
    let library = Arc::new(Library::open(config()).await.expect("reopen"));
    let resumed = library.embedding_status().unwrap().switching.expect("still under way");
    assert_eq!((resumed.to.as_str(), resumed.done), (MODEL, part.done));
    let first = Mutex::new(None);
    let status = library
        .switch_embedder(MODEL, &|p| {
            first.lock().unwrap().get_or_insert(p.done);
        })
        .await
        .expect("switch");
    assert!(first.lock().unwrap().unwrap() >= part.done, "it went on from where it stopped");
    assert_eq!(status.active, MODEL);
    assert!(status.switching.is_none());
    let counts = library.counts().await.unwrap();
    assert_eq!(counts.vector_chunks, counts.catalog_chunks);
    assert!(library.check().await.unwrap().is_consistent());
    assert!(dense_hits(&library, "granite quarry 1887").await > 0);
    assert_eq!(library.embedder_name(), MODEL);

    // Only the new model's table is left, and the library opens with the new model.
    let tables: Vec<String> = std::fs::read_dir(sandbox.library_dir().join("lancedb"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tables, vec![format!("chunks-{MODEL}.lance")]);
    drop(library);
    let library = Library::open(config()).await.expect("reopen");
    assert_eq!(library.embedder_name(), MODEL);
    assert!(dense_hits(&library, "solar panel efficiency").await > 0);

    // Back to the bundled model: the same job.
    let library = Arc::new(library);
    let status = library.switch_embedder("all-minilm-l6-v2", &|_| {}).await.expect("switch back");
    assert_eq!(status.active, "all-minilm-l6-v2");
    assert!(library.check().await.unwrap().is_consistent());
    drop(library);

    // The same from the command line: the models listed, the switch run, the status told.
    let folio = |args: &[&str]| {
        let out = Command::new(folio_bin())
            .env("LC_ALL", "C.UTF-8")
            .arg("--library")
            .arg(sandbox.library_dir())
            .arg("--models")
            .arg(&models_root)
            .args(args)
            .output()
            .expect("run folio");
        assert!(out.status.success(), "folio {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let listed: serde_json::Value = serde_json::from_str(&folio(&["model", "embedder", "--json"])).expect("JSON");
    assert_eq!(listed["embedding"]["active"], "all-minilm-l6-v2");
    let e5 = listed["models"].as_array().unwrap().iter().find(|m| m["id"] == MODEL).expect("offered").clone();
    assert_eq!((e5["multilingual"].as_bool(), e5["downloaded"].as_bool()), (Some(true), Some(true)));
    let switched: serde_json::Value =
        serde_json::from_str(&folio(&["model", "embedder", MODEL, "--json"])).expect("JSON");
    assert_eq!(switched["embedding"]["active"], MODEL);
    assert!(switched["embedding"]["switching"].is_null());
    let status: serde_json::Value = serde_json::from_str(&folio(&["status", "--json"])).expect("JSON");
    assert_eq!(status["embedding"]["active"], MODEL);
    assert!(folio(&["check"]).contains("consistent"));
}

/// Answers first: while an answer is being written, bulk embedding (indexing) waits between its small
/// batches, and a question's own embedding does not; once the answer is done, the batch goes on.
#[test]
fn bulk_embedding_waits_while_an_answer_is_written() {
    use folio_engine::Embedder;
    let embedder = Arc::new(folio_models::FastEmbedder::load(&models(), 1).expect("embedder"));
    let texts: Vec<String> = (0..20).map(|i| format!("note {i} about the orbital period of comet Halvard")).collect();
    let answering = folio_models::answering();
    let (tx, rx) = std::sync::mpsc::channel();
    let bulk = Arc::clone(&embedder);
    let batch = texts.clone();
    std::thread::spawn(move || {
        let _ = tx.send(bulk.embed(&batch));
    });
    let query = embedder.embed_query("When does comet Halvard return?").expect("a question is embedded meanwhile");
    assert_eq!(query.len(), 384);
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(1500)).is_err(),
        "indexing's embedding waits while an answer is written (20 short texts take well under a second otherwise)"
    );
    drop(answering);
    let vectors = rx.recv_timeout(folio_models::MAX_ANSWER_WAIT).expect("it goes on").expect("vectors");
    assert_eq!(vectors.len(), texts.len());
}
