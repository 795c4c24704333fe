//! Model download against a local server in the hub's URL layout (`HF_ENDPOINT`), serving the bundled
//! SmolLM2 GGUF: an interrupted download resumes with a range request, the checksum is verified, a bad
//! checksum and an unreachable hub give clear errors. Also: the models an installed package ships are
//! linked into the user's models directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::cli::folio_bin;
use crate::support::models;

const REPO: &str = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF";
const FILE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";

/// A minimal hub: HEAD names the checksum, GET honours `Range`, and the first full GET is cut off
/// after a third of the file, as a dropped connection would.
struct Hub {
    endpoint: String,
    /// The `Range` header of every GET, in order ("" when absent).
    ranges: Arc<Mutex<Vec<String>>>,
}

fn serve(body: Vec<u8>, advertised_sha: String) -> Hub {
    serve_with(body, advertised_sha, false)
}

/// With `stall`, the first GET sends a third of the file and then holds the connection open, silent.
fn serve_with(body: Vec<u8>, advertised_sha: String, stall: bool) -> Hub {
    serve_at(REPO, FILE, body, advertised_sha, stall)
}

/// The hub with `body` as `repo`'s `file`.
fn serve_at(repo: &str, file: &str, body: Vec<u8>, advertised_sha: String, stall: bool) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&ranges);
    let path = format!("/{repo}/resolve/main/{file}");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(Request { method, target, range }) = read_request(&stream) else { continue };
            let (method, target) = (method.as_str(), target.as_str());
            if target != path {
                let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                continue;
            }
            let etag = format!("x-linked-etag: \"{advertised_sha}\"\r\n");
            if method == "HEAD" {
                let head =
                    format!("HTTP/1.1 200 OK\r\n{etag}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                continue;
            }
            let first_get = {
                let mut l = log.lock().expect("log");
                l.push(range.clone());
                l.len() == 1
            };
            let start: usize =
                range.strip_prefix("bytes=").and_then(|r| r.trim_end_matches('-').parse().ok()).unwrap_or(0);
            if start > 0 {
                let head = format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\nConnection: close\r\n\r\n",
                    body.len() - start,
                    body.len() - 1,
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body[start..]);
            } else {
                let head =
                    format!("HTTP/1.1 200 OK\r\n{etag}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                let end = if first_get { body.len() / 3 } else { body.len() };
                let _ = stream.write_all(&body[..end]);
                if first_get && stall {
                    // Held open (and silent) elsewhere, so that the next request is served meanwhile.
                    let _ = stream.flush();
                    let held = stream;
                    std::thread::spawn(move || {
                        std::thread::sleep(std::time::Duration::from_secs(20));
                        drop(held);
                    });
                }
            }
        }
    });
    Hub { endpoint, ranges }
}

/// What a test hub needs of an HTTP request: its method, its target and its `Range` header ("" when absent).
pub struct Request {
    pub method: String,
    pub target: String,
    pub range: String,
}

/// Reads a request's line and headers from `stream`; `None` when it cannot be read.
pub fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut range = String::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("range:") {
            range = v.trim().to_string();
        }
    }
    Some(Request { method, target, range })
}

fn download(endpoint: &str, dest: &Path) -> (bool, String) {
    let out = Command::new(folio_bin())
        .env("HF_ENDPOINT", endpoint)
        .env("FOLIO_DOWNLOAD_READ_TIMEOUT_SECS", "2")
        .args(["model", "download", "--repo", REPO, "--file", FILE, "--to"])
        .arg(dest)
        .output()
        .expect("run folio");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn sha256(path: &Path) -> String {
    folio_models::sha256_file(path).expect("hash")
}

#[test]
fn an_interrupted_download_resumes_and_is_verified() {
    let source = models().bundled_chat_model();
    let mut body = Vec::new();
    std::fs::File::open(&source).expect("model").read_to_end(&mut body).expect("read");
    let hub = serve(body, sha256(&source));
    let dir = tempfile::tempdir().expect("tmp");
    let dest = dir.path().join("smol").join(FILE);

    // The connection drops after a third of the file: the download resumes from there by itself.
    let (ok, stderr) = download(&hub.endpoint, &dest);
    assert!(ok, "{stderr}");
    let ranges = hub.ranges.lock().expect("log").clone();
    assert_eq!(ranges.len(), 2);
    assert_eq!(ranges[0], "");
    let resumed_at: u64 = ranges[1].trim_start_matches("bytes=").trim_end_matches('-').parse().expect("range");
    assert!(resumed_at > 0, "the second attempt asks only for the rest: {ranges:?}");
    assert_eq!(sha256(&dest), sha256(&source), "the file is whole and verified");
}

#[test]
fn a_stalled_download_times_out_and_resumes() {
    let source = models().bundled_chat_model();
    let body = std::fs::read(&source).expect("read");
    let hub = serve_with(body, sha256(&source), true);
    let dir = tempfile::tempdir().expect("tmp");
    let dest = dir.path().join(FILE);
    let started = std::time::Instant::now();
    let (ok, stderr) = download(&hub.endpoint, &dest);
    assert!(ok, "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "the stall was noticed by the read timeout");
    let ranges = hub.ranges.lock().expect("log").clone();
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert_eq!(sha256(&dest), sha256(&source));
}

#[test]
fn a_checksum_mismatch_and_an_unreachable_hub_are_clear_errors() {
    let source = models().bundled_chat_model();
    let body = std::fs::read(&source).expect("read");
    let hub = serve(body, "0".repeat(64));
    let dir = tempfile::tempdir().expect("tmp");
    let dest = dir.path().join(FILE);
    let _ = download(&hub.endpoint, &dest); // cut off
    let (ok, stderr) = download(&hub.endpoint, &dest);
    assert!(!ok);
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(!dest.exists());

    let (ok, stderr) = download("http://127.0.0.1:9", &dest);
    assert!(!ok);
    assert!(stderr.contains("cannot reach http://127.0.0.1:9"), "{stderr}");
}

/// `folio model chat --json`, parsed.
fn chat_models(models: &Path) -> serde_json::Value {
    let out =
        Command::new(folio_bin()).arg("--models").arg(models).args(["model", "chat", "--json"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Llama 3.2 1B Instruct is fetched by its name (the bundled GGUF stands in for it, served under its
/// repository and file names), lands in a folder of its own, becomes the default chat model, and is
/// listed with its size and, once the bundled model's speed was measured, a speed estimate.
#[test]
fn a_llama_model_is_downloaded_by_name_and_listed_with_a_speed_estimate() {
    let one_b = folio_engine::LLAMA_32_1B;
    let source = models().bundled_chat_model();
    let body = std::fs::read(&source).expect("read");
    let hub = serve_at(one_b.repo, one_b.file, body, sha256(&source), false);
    let dir = tempfile::tempdir().expect("tmp");
    let models = folio_engine::ModelPaths::new(dir.path());

    let before = chat_models(dir.path());
    let rows = before["models"].as_array().expect("models");
    let ids: Vec<_> = rows.iter().map(|m| m["id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["bundled", "llama-3.1-8b-instruct", "llama-3.2-3b-instruct", "llama-3.2-1b-instruct"]);
    assert!(rows.iter().all(|m| m["downloaded"] == false && m["tokens_per_s"].is_null()), "{before}");
    assert_eq!(before["default"].as_str(), Some(models.bundled_chat_model().to_str().unwrap()));
    assert!(rows[3]["download_bytes"].as_u64().unwrap() > 500_000_000);

    let run = |args: &[&str]| {
        Command::new(folio_bin())
            .env("HF_ENDPOINT", &hub.endpoint)
            .env("FOLIO_DOWNLOAD_READ_TIMEOUT_SECS", "2")
            .env("LC_ALL", "C.UTF-8")
            .arg("--models")
            .arg(dir.path())
            .args(args)
            .output()
            .expect("run folio")
    };
    let out = run(&["model", "download", "--name", "nope"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no chat model named nope") && stderr.contains("llama-3.2-1b-instruct"), "{stderr}");

    // The first GET is cut off at a third: the download resumes and is verified.
    let out = run(&["model", "download", "--name", one_b.id]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Folio now answers with Llama 3.2 1B Instruct by default"), "{stderr}");
    let path = models.chat_model_path(&one_b);
    assert_eq!(path, dir.path().join("chat/llama-3.2-1b-instruct/Llama-3.2-1B-Instruct-Q4_K_M.gguf"));
    assert_eq!(sha256(&path), sha256(&source));
    assert_eq!(hub.ranges.lock().expect("log").len(), 2, "resumed once");

    let measured = folio_engine::MeasuredSpeed {
        model: "SmolLM2-135M-Instruct.Q8_0.gguf".into(),
        decode_tokens_per_s: 40.0,
        first_token_ms: 7000.0,
        passage_tokens: 600,
        measured_on: "2026-12-07".into(),
    };
    folio_engine::settings::save_measured_speed(&models, &measured).expect("save");
    let after = chat_models(dir.path());
    let rows = after["models"].as_array().expect("models");
    assert_eq!(after["default"].as_str(), Some(path.to_str().unwrap()));
    assert_eq!(after["in_use"], after["default"]);
    assert_eq!(rows[3]["downloaded"], true);
    assert_eq!(rows[0]["tokens_per_s"].as_f64(), Some(40.0));
    assert_eq!(rows[0]["tokens_per_s_estimated"], false);
    let estimate = rows[3]["tokens_per_s"].as_f64().expect("estimate");
    assert!((estimate - 40.0 * 135.0 / 1240.0).abs() < 1e-6, "{estimate}");
    assert_eq!(rows[3]["tokens_per_s_estimated"], true);
    assert!(rows[1]["tokens_per_s"].as_f64().unwrap() < rows[2]["tokens_per_s"].as_f64().unwrap());
    assert!(rows[2]["tokens_per_s"].as_f64().unwrap() < estimate);

    let out = run(&["model", "chat"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("* llama-3.2-1b-instruct"), "{text}");
    assert!(text.contains("about 4.4 tokens/s (estimate)"), "{text}");
    assert!(text.contains("40.0 tokens/s measured here"), "{text}");
    assert!(text.contains("not downloaded, 4.9 GB"), "{text}");
    let out = Command::new(folio_bin())
        .env("LC_ALL", "fr_FR.UTF-8")
        .arg("--models")
        .arg(dir.path())
        .args(["model", "chat"])
        .output()
        .expect("run folio");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("environ 4,4\u{a0}jetons/s (estimation)"), "in the system's language: {text}");
    assert!(text.contains("non téléchargé, 4,9\u{a0}Go"), "{text}");
}

/// An installed package's models (read-only, under /usr/lib) become usable from the user's models directory.
#[test]
fn bundled_models_are_linked_without_replacing_local_ones() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = folio_engine::ModelPaths::new(dir.path().join("usr-lib/models"));
    let local = folio_engine::ModelPaths::new(dir.path().join("home/models"));
    std::fs::create_dir_all(bundled.embedder_dir()).unwrap();
    std::fs::create_dir_all(bundled.onnxruntime().parent().unwrap()).unwrap();
    std::fs::write(bundled.embedder_dir().join("model.onnx"), b"onnx").unwrap();
    std::fs::write(bundled.embedder_dir().join("tokenizer.json"), b"{}").unwrap();
    std::fs::write(bundled.onnxruntime(), b"so").unwrap();
    // A file set-up already placed stays.
    std::fs::create_dir_all(local.embedder_dir()).unwrap();
    std::fs::write(local.embedder_dir().join("tokenizer.json"), b"local").unwrap();

    assert_eq!(local.adopt(&bundled).unwrap(), 2);
    assert_eq!(std::fs::read(local.embedder_dir().join("model.onnx")).unwrap(), b"onnx");
    assert_eq!(std::fs::read(local.onnxruntime()).unwrap(), b"so");
    assert_eq!(std::fs::read(local.embedder_dir().join("tokenizer.json")).unwrap(), b"local");
    assert_eq!(local.adopt(&bundled).unwrap(), 0, "a second start links nothing");
}
