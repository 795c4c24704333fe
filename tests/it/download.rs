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
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&ranges);
    let path = format!("/{REPO}/resolve/main/{FILE}");
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
