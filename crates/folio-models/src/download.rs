//! Model downloads from the Hugging Face hub, started only by the user: the hub's URL layout
//! (`{endpoint}/{repo}/resolve/{revision}/{file}`, endpoint from `HF_ENDPOINT`), progress, resume
//! after an interruption (HTTP range requests on a `.part` file), and a SHA-256 check against the
//! hub's LFS checksum (`X-Linked-ETag`), a digest the caller knows, or, for a small file kept in git,
//! its git blob id (the `ETag`).

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use sha2::{Digest, Sha256};

use crate::ModelError;

/// What to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubFile {
    /// Repository, e.g. `bartowski/Meta-Llama-3.1-8B-Instruct-GGUF`.
    pub repo: String,
    /// Revision (branch, tag or commit).
    pub revision: String,
    /// File in the repository.
    pub file: String,
    /// The expected SHA-256 (hex), if known beforehand; otherwise the hub's LFS checksum is used.
    pub sha256: Option<String>,
}

impl HubFile {
    /// The hub endpoint: `$HF_ENDPOINT`, else `https://huggingface.co`.
    pub fn endpoint() -> String {
        std::env::var("HF_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "https://huggingface.co".into())
            .trim_end_matches('/')
            .to_string()
    }

    /// The file's URL under `endpoint`.
    pub fn url(&self, endpoint: &str) -> String {
        format!("{endpoint}/{}/resolve/{}/{}", self.repo, self.revision, self.file)
    }
}

/// Download progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    /// Bytes on disk so far (including those from an earlier, interrupted attempt).
    pub done: u64,
    /// Total size, when the server says.
    pub total: Option<u64>,
    /// Bytes that were already on disk when this attempt started.
    pub resumed_from: u64,
}

/// Downloads `file` to `dest`, resuming a `.part` left by an earlier attempt, and verifies its SHA-256.
/// `dest` appears only once complete and verified.
pub async fn download(
    file: &HubFile,
    dest: &Path,
    progress: &(dyn Fn(DownloadProgress) + Send + Sync),
) -> Result<PathBuf, ModelError> {
    let endpoint = HubFile::endpoint();
    let url = file.url(&endpoint);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ModelError::Download(format!("{}: {e}", parent.display())))?;
    }
    let part = dest.with_extension(format!("{}.part", dest.extension().and_then(|e| e.to_str()).unwrap_or("")));
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(read_timeout())
        .build()
        .map_err(|e| ModelError::Download(e.to_string()))?;
    let unreachable = |e: reqwest::Error| {
        ModelError::Download(format!(
            "cannot reach {endpoint} ({e}); Folio needs a network connection to download models, \
             or point it at a GGUF file you already have with --model"
        ))
    };

    // The hub names the LFS object's SHA-256 in X-Linked-ETag on the redirecting response, so that
    // one request is made without following redirects.
    let no_redirect = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ModelError::Download(e.to_string()))?;
    let head = no_redirect.head(&url).send().await.map_err(unreachable)?;
    if !head.status().is_success() && !head.status().is_redirection() {
        return Err(ModelError::Download(format!("{url}: the server answered {}", head.status())));
    }
    let etag = |name: &str, len: usize| {
        head.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_matches('"').trim_start_matches("W/").trim_matches('"').to_ascii_lowercase())
            .filter(|v| v.len() == len && v.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let hub_sha = etag("x-linked-etag", 64).or_else(|| etag("etag", 64));
    let expected = file.sha256.clone().map(|s| s.to_ascii_lowercase()).or(hub_sha);
    // A small file kept in git rather than LFS is named by its git blob id (SHA-1) in its ETag.
    let blob_id = if expected.is_none() { etag("etag", 40) } else { None };

    // Each attempt asks for what the part file lacks; a dropped or stalled connection (no byte for
    // READ_TIMEOUT) is retried from where it stopped, a few times, before giving up.
    let mut attempt = 0;
    loop {
        attempt += 1;
        match fetch_rest(&client, &url, &part, progress).await {
            Ok(()) => break,
            Err(Fetch::Fatal(e)) => return Err(e),
            Err(Fetch::Retry(why)) if attempt < ATTEMPTS => {
                tracing::warn!("download interrupted ({why}); resuming (attempt {} of {ATTEMPTS})", attempt + 1);
                tokio::time::sleep(Duration::from_millis(500 * attempt as u64)).await;
            }
            Err(Fetch::Retry(why)) => {
                return Err(ModelError::Download(format!("{why}; run it again to resume from there")));
            }
        }
    }

    let part_for_hash = part.clone();
    let actual = tokio::task::spawn_blocking(move || sha256_file(&part_for_hash))
        .await
        .map_err(|e| ModelError::Download(e.to_string()))??;
    if let Some(expected) = expected {
        if actual != expected {
            let _ = std::fs::remove_file(&part);
            return Err(ModelError::Download(format!(
                "{}: checksum mismatch (expected sha256 {expected}, got {actual}); the damaged download was \
                 removed, run it again",
                file.file
            )));
        }
    } else if let Some(blob_id) = blob_id {
        let part_for_hash = part.clone();
        let actual = tokio::task::spawn_blocking(move || git_blob_id(&part_for_hash))
            .await
            .map_err(|e| ModelError::Download(e.to_string()))??;
        if actual != blob_id {
            let _ = std::fs::remove_file(&part);
            return Err(ModelError::Download(format!(
                "{}: checksum mismatch (expected git blob {blob_id}, got {actual}); the damaged download was \
                 removed, run it again",
                file.file
            )));
        }
    } else {
        // Folio keeps no file it cannot verify.
        let _ = std::fs::remove_file(&part);
        return Err(ModelError::Download(format!(
            "{}: the server published no SHA-256 for this file, so it cannot be verified; give the \
             expected one with --sha256",
            file.file
        )));
    }
    std::fs::rename(&part, dest).map_err(|e| ModelError::Download(format!("{}: {e}", dest.display())))?;
    Ok(dest.to_path_buf())
}

/// Attempts at a download before it gives up (each resumes where the last stopped).
const ATTEMPTS: u32 = 5;

/// Longest wait for the next bytes before a connection counts as stalled: `FOLIO_DOWNLOAD_READ_TIMEOUT_SECS`,
/// else 30 s.
fn read_timeout() -> Duration {
    let secs = std::env::var("FOLIO_DOWNLOAD_READ_TIMEOUT_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    Duration::from_secs(secs)
}

/// How one attempt failed.
enum Fetch {
    /// Worth another attempt (a dropped or stalled connection).
    Retry(String),
    /// Not (the server refused, the disk failed).
    Fatal(ModelError),
}

/// Appends to `part` what it lacks of the file at `url` (a range request when it has some).
async fn fetch_rest(
    client: &reqwest::Client,
    url: &str,
    part: &Path,
    progress: &(dyn Fn(DownloadProgress) + Send + Sync),
) -> Result<(), Fetch> {
    let disk = |e: std::io::Error| Fetch::Fatal(ModelError::Download(format!("{}: {e}", part.display())));
    let mut have = std::fs::metadata(part).map_or(0, |m| m.len());
    let mut request = client.get(url);
    if have > 0 {
        request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let response = request.send().await.map_err(|e| Fetch::Retry(format!("cannot reach {url} ({e})")))?;
    let status = response.status();
    if status == reqwest::StatusCode::RANGE_NOT_SATISFIABLE {
        // The part file is already whole (or longer than the file): verify it as it is.
        return Ok(());
    }
    if !status.is_success() {
        return Err(Fetch::Fatal(ModelError::Download(format!("{url}: the server answered {status}"))));
    }
    if status == reqwest::StatusCode::OK && have > 0 {
        have = 0; // the server ignored the range: start over
    }
    let total = match status {
        reqwest::StatusCode::PARTIAL_CONTENT => response.content_length().map(|n| n + have),
        _ => response.content_length(),
    };
    let mut out = std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(part).map_err(disk)?;
    out.set_len(have).and_then(|()| out.seek(std::io::SeekFrom::Start(have)).map(|_| ())).map_err(disk)?;
    let resumed_from = have;
    progress(DownloadProgress { done: have, total, resumed_from });
    let mut stream = response.bytes_stream();
    let mut done = have;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Fetch::Retry(format!("the download stopped after {done} bytes ({e})")))?;
        out.write_all(&chunk).map_err(disk)?;
        done += chunk.len() as u64;
        progress(DownloadProgress { done, total, resumed_from });
    }
    out.sync_all().map_err(disk)?;
    match total {
        Some(t) if t != done => Err(Fetch::Retry(format!("the download stopped after {done} of {t} bytes"))),
        _ => Ok(()),
    }
}

/// The git blob id of a file (SHA-1 of `blob {len}\0` and the bytes), hex: how the hub names a file
/// kept in git rather than LFS.
pub fn git_blob_id(path: &Path) -> Result<String, ModelError> {
    use sha1::Digest as _;
    let fail = |e: std::io::Error| ModelError::Download(format!("{}: {e}", path.display()));
    let mut f = std::fs::File::open(path).map_err(fail)?;
    let len = f.metadata().map_err(fail)?.len();
    let mut hasher = sha1::Sha1::new();
    hasher.update(format!("blob {len}\0").as_bytes());
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(fail)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let mut f = std::fs::File::open(path).map_err(|e| ModelError::Download(format!("{}: {e}", path.display())))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| ModelError::Download(format!("{}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
