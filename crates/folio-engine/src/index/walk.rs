//! The walk over a folder and the read of one file, both treating the file system as hostile.
//!
//! Only directories and regular files are followed: no symlinks, FIFOs, sockets or devices, also not
//! as ignore files. Ignore files (`.gitignore`, `.ignore`, `.folioignore`, in the folder and its
//! parents) are read by this module, not by the walker, so that each is checked to be a small regular
//! file before it is opened, without blocking. A file is opened with `O_NOFOLLOW | O_NONBLOCK` and must
//! be the very file (device and inode) the walk saw: one swapped for a FIFO or a link since is refused.
//! The library's own directory is never walked.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use folio_core::problem::Unreadable;
use folio_core::Problem;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// Name of the ignore file users can put in any folder, with `.gitignore` syntax.
pub const IGNORE_FILE: &str = ".folioignore";

/// The ignore files read in each folder, lowest precedence first.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", IGNORE_FILE];

/// Largest ignore file read; a larger one is passed over.
const MAX_IGNORE_FILE_BYTES: u64 = 1 << 20;

/// Collects the files under `root` (never `library_dir` or anything in it): no hidden files or
/// folders, nothing a `.gitignore`, `.ignore` or `.folioignore` excludes (whether or not the folder is
/// a git repository), no symlinks followed (so no loops), nothing but regular files.
///
/// Returns the files and the places it could not read (a folder without permission, a disk error, a
/// root that is gone), each with the reason: the files known there must not be taken for deleted.
pub(crate) fn walk(
    root: &Path,
    folder_id: folio_core::FolderId,
    library_dir: &Path,
) -> (Vec<Found>, Vec<(PathBuf, Problem)>) {
    let rules = Arc::new(IgnoreRules::default());
    let filter_rules = Arc::clone(&rules);
    // The library is known by its device and inode, whatever path leads to it (a symlinked parent).
    let library = std::fs::metadata(library_dir).ok().map(|m| (m.dev(), m.ino()));
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .follow_links(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            // The library itself, also under another name (a symlinked parent): never indexed.
            if is_dir && library.is_some() && entry.metadata().ok().map(|m| (m.dev(), m.ino())) == library {
                return false;
            }
            !filter_rules.ignored(entry.path(), is_dir)
        })
        .build();
    let mut found = Vec::new();
    let mut blocked = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) if e.is_partial() || e.io_error().is_none() => continue,
            Err(e) => {
                let place = error_path(&e).unwrap_or(root).to_path_buf();
                let why = Problem::CannotRead {
                    what: Unreadable::Folder,
                    error: e.io_error().map_or(e.to_string(), ToString::to_string),
                };
                blocked.push((place, why));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path().to_path_buf();
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            Err(e) => {
                blocked.push((path, Problem::CannotRead { what: Unreadable::Details, error: e.to_string() }));
                continue;
            }
        };
        let (size, mtime_ns) = stamp(&meta);
        let key = path_key(&path);
        found.push(Found { folder_id, path, key, size, mtime_ns, identity: (meta.dev(), meta.ino()) });
    }
    (found, blocked)
}

/// The catalog's key for a path: the path itself when it is UTF-8; otherwise every byte that is not
/// part of valid UTF-8 written as `\xNN`, so that two names that differ only in such bytes stay two
/// files (a lossy conversion would make them one) and the key maps back to the bytes ([`key_path`]).
pub fn path_key(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let mut key = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        key.push_str(chunk.valid());
        for b in chunk.invalid() {
            key.push_str(&format!("\\x{b:02X}"));
        }
    }
    key
}

/// The path a catalog key names (the inverse of [`path_key`]).
pub fn key_path(key: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    if !key.contains("\\x") || Path::new(key).exists() {
        return PathBuf::from(key);
    }
    let mut bytes = Vec::with_capacity(key.len());
    let raw = key.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 2..i + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], raw.get(i + 1), hex) {
            (b'\\', Some(b'x'), Some(b)) => {
                bytes.push(b);
                i += 4;
            }
            (b, _, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

/// The ignore rules of each folder met so far, read once.
#[derive(Default)]
struct IgnoreRules {
    folders: Mutex<HashMap<PathBuf, Option<Arc<Gitignore>>>>,
}

impl IgnoreRules {
    /// Whether `path` is excluded by the rules of the folders above it (the nearest folder whose rules
    /// say anything decides, as git does).
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for folder in path.ancestors().skip(1) {
            if let Some(rules) = self.of(folder) {
                match rules.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        false
    }

    fn of(&self, folder: &Path) -> Option<Arc<Gitignore>> {
        let mut folders = self.folders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        folders.entry(folder.to_path_buf()).or_insert_with(|| read_rules(folder)).clone()
    }
}

/// The combined rules of a folder's ignore files, each read only if it is a small regular file.
fn read_rules(folder: &Path) -> Option<Arc<Gitignore>> {
    let mut builder = GitignoreBuilder::new(folder);
    let mut any = false;
    for name in IGNORE_FILES {
        let Some(text) = read_small_regular(&folder.join(name), MAX_IGNORE_FILE_BYTES) else { continue };
        for line in text.lines() {
            // A broken line is passed over, as git does.
            if builder.add_line(None, line).is_ok() {
                any = true;
            }
        }
    }
    if !any {
        return None;
    }
    builder.build().ok().map(Arc::new)
}

/// The text of `path` if it is a regular file (not a link, FIFO or device) of at most `max` bytes.
fn read_small_regular(path: &Path, max: u64) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() || meta.len() > max {
        return None;
    }
    let file = open_no_follow(path).ok()?;
    let opened = file.metadata().ok()?;
    if !opened.file_type().is_file() || (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Opens `path` for reading without following a final symlink and without blocking on a FIFO.
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)
}

/// The path an error of the walk is about, if it names one.
fn error_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}

/// Size and modification time of `meta`, as the catalog records them.
pub(crate) fn stamp(meta: &std::fs::Metadata) -> (u64, i64) {
    let mtime_ns =
        meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i64);
    (meta.len(), mtime_ns)
}

/// Reads a file that may be changing (a save in progress, a download, a log): the read counts only
/// when the file's size and modification time are the same before and after it, so the bytes match
/// the stamp recorded with them. Tries a few times; `None` as the stamp means the file never held
/// still, and what was read last is returned for indexing now and again at the next scan.
///
/// The file must still be the regular file the walk found (same device and inode, no link followed);
/// anything else is an error. Runs on the blocking pool.
pub(crate) async fn read_stable(file: &Found, max_bytes: u64) -> std::io::Result<(Vec<u8>, Option<(u64, i64)>)> {
    let mut before = (file.size, file.mtime_ns);
    let mut attempt = 0;
    loop {
        let (path, identity) = (file.path.clone(), file.identity);
        let (bytes, after) = tokio::task::spawn_blocking(move || read_once(&path, identity, max_bytes))
            .await
            .map_err(std::io::Error::other)??;
        if after == before && bytes.len() as u64 == after.0 {
            return Ok((bytes, Some(after)));
        }
        attempt += 1;
        if attempt == 3 {
            return Ok((bytes, None));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
        before = after;
    }
}

/// One read of the file the walk saw at `identity`, with its stamp taken from the open file.
fn read_once(path: &Path, identity: (u64, u64), max_bytes: u64) -> std::io::Result<(Vec<u8>, (u64, i64))> {
    let file = open_no_follow(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(std::io::Error::other("it is no longer a regular file"));
    }
    if (meta.dev(), meta.ino()) != identity {
        return Err(std::io::Error::other("it was replaced by another file while Folio was reading the folder"));
    }
    // Never more than the limit: a file that grew past it since the walk (a log) is not read whole.
    let mut bytes = Vec::new();
    (&file).take(max_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(std::io::ErrorKind::FileTooLarge.into());
    }
    Ok((bytes, stamp(&file.metadata()?)))
}

/// A file found by the walk.
pub(crate) struct Found {
    pub(crate) folder_id: folio_core::FolderId,
    pub(crate) path: PathBuf,
    /// The path as the catalog stores it (lossy UTF-8 for names that are not valid UTF-8); the one
    /// form used to look files up and to tell which ones disappeared.
    pub(crate) key: String,
    pub(crate) size: u64,
    pub(crate) mtime_ns: i64,
    /// Device and inode the walk saw: the file opened later must be this one.
    pub(crate) identity: (u64, u64),
}
