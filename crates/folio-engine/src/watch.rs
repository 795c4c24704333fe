//! Watched folders: file-system events, debounced, trigger the same incremental indexing as a manual
//! rescan, so edits reach answers within seconds.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use tokio::sync::mpsc;

use crate::index::{IndexOptions, IndexReport};
use crate::{absolute, EngineError, Failure, Library};

/// How long the file system must be quiet before a batch of changes is indexed.
pub const DEBOUNCE: Duration = Duration::from_millis(750);

/// Batches of changed paths waiting to be indexed, at most; and changed paths in one batch, at most.
/// Past either, the paths are dropped and every watched folder is rescanned instead (a rescan finds
/// every change), so a storm of events costs bounded memory and loses nothing.
const RAW_BATCHES: usize = 64;
const RAW_PATHS: usize = 10_000;

/// What a watch reports.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// Changes were indexed.
    Synced(IndexReport),
    /// Indexing the changes failed; the watch goes on.
    Failed(Failure),
    /// A folder cannot be watched (gone, unreadable, the system's limit of watches reached); the
    /// other folders are still watched. The folder is tried again when the library's folders change.
    Unwatched {
        /// The folder.
        folder: PathBuf,
        /// Why, as the system said it.
        reason: String,
    },
}

/// A running watch. Dropping it stops watching.
pub struct Watch {
    /// Reports, one per batch of changes.
    pub events: mpsc::Receiver<WatchEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Library {
    /// Watches `folders` (already added or not): every debounced batch of changes is indexed like a
    /// rescan (new and changed files indexed, deleted ones purged, renames kept). A folder removed
    /// from the library meanwhile is no longer indexed.
    pub fn watch(self: &Arc<Self>, folders: &[PathBuf], options: IndexOptions) -> Result<Watch, EngineError> {
        // A folder that is not there now is still named (and reported as not watched).
        let roots: Vec<PathBuf> = folders.iter().map(|f| absolute(f).unwrap_or_else(|_| f.clone())).collect();
        self.start_watch(roots, false, options)
    }

    /// Watches the library's folders, as [`Library::watch`] does, and follows them: a folder added
    /// later is watched from then on, and one removed is no longer watched.
    pub fn watch_library(self: &Arc<Self>, options: IndexOptions) -> Result<Watch, EngineError> {
        let roots = self.folders_on_disk()?;
        self.start_watch(roots, true, options)
    }

    /// The library's folders (and files added on their own) that exist now.
    fn folders_on_disk(&self) -> Result<Vec<PathBuf>, EngineError> {
        Ok(self.folders()?.into_iter().map(|f| PathBuf::from(f.path)).filter(|p| p.exists()).collect())
    }

    fn start_watch(
        self: &Arc<Self>,
        roots: Vec<PathBuf>,
        follow: bool,
        options: IndexOptions,
    ) -> Result<Watch, EngineError> {
        let own = absolute(&self.config.dir).unwrap_or_else(|_| self.config.dir.clone());
        let (raw_tx, mut raw_rx) = mpsc::channel::<Vec<PathBuf>>(RAW_BATCHES);
        let overflowed = Arc::new(AtomicBool::new(false));
        let overflow = Arc::clone(&overflowed);
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            if let Ok(events) = result {
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    // The library's own files change while indexing; they must not trigger more indexing.
                    .filter(|p| !p.starts_with(&own))
                    .collect();
                if paths.len() > RAW_PATHS {
                    overflow.store(true, Ordering::SeqCst);
                    let _ = raw_tx.try_send(Vec::new());
                } else if !paths.is_empty() {
                    if let Err(mpsc::error::TrySendError::Full(_)) = raw_tx.try_send(paths) {
                        overflow.store(true, Ordering::SeqCst);
                    }
                }
            }
        })
        .map_err(|e| EngineError::Storage(format!("cannot watch for changes: {e}")))?;
        let (tx, rx) = mpsc::channel(16);
        // A folder that cannot be watched is reported; the others are watched all the same.
        let mut unwatched = Vec::new();
        let all = roots.clone();
        let roots: Vec<PathBuf> = roots
            .into_iter()
            .filter(|root| match watch_root(&mut debouncer, root, &all) {
                Ok(()) => true,
                Err(e) => {
                    unwatched.push(WatchEvent::Unwatched { folder: root.clone(), reason: e.to_string() });
                    false
                }
            })
            .collect();
        for event in unwatched {
            // The receiver is not read yet: the channel holds these (extra ones are told by the
            // next attempt, when the folders change).
            let _ = tx.try_send(event);
        }
        let library = Arc::clone(self);
        let mut folders_changed = self.folders_changed.subscribe();
        let at_start: HashSet<String> = self.folders()?.into_iter().map(|f| f.path).collect();
        let mut was_in_library: HashSet<PathBuf> =
            roots.iter().filter(|r| at_start.contains(r.to_string_lossy().as_ref())).cloned().collect();
        let task = tokio::spawn(async move {
            let mut roots = roots;
            loop {
                let first = tokio::select! {
                    Some(first) = raw_rx.recv() => first,
                    Ok(()) = folders_changed.changed(), if follow => {
                        roots = follow_folders(&library, &mut debouncer, roots, &tx).await;
                        continue;
                    }
                    else => return,
                };
                let mut changed = first;
                while let Ok(more) = raw_rx.try_recv() {
                    changed.extend(more);
                }
                if overflowed.swap(false, Ordering::SeqCst) {
                    // Paths were dropped: rescan every watched folder.
                    changed = roots.clone();
                }
                // A folder removed from the library must not come back with its next change; one not
                // added yet is added by indexing it.
                let current: HashSet<String> =
                    library.folders().unwrap_or_default().into_iter().map(|f| f.path).collect();
                let mut touched = Vec::new();
                for root in roots.iter().filter(|r| changed.iter().any(|p| p.starts_with(r))) {
                    if current.contains(root.to_string_lossy().as_ref()) {
                        was_in_library.insert(root.clone());
                        touched.push(root.clone());
                    } else if !was_in_library.contains(root) {
                        touched.push(root.clone());
                    }
                }
                if touched.is_empty() {
                    continue;
                }
                let event = match library.index(&touched, options, &|_| {}).await {
                    Ok(report) => WatchEvent::Synced(report),
                    Err(e) => WatchEvent::Failed(Failure::from(&e)),
                };
                if tx.send(event).await.is_err() {
                    return;
                }
            }
        });
        Ok(Watch { events: rx, task })
    }
}

/// Watches `root`: a folder with everything in it; a file added on its own through its parent folder
/// (editors replace a file by renaming another over it, which a watch of the file itself would miss),
/// unless a folder in `watched` holds it already.
fn watch_root(
    debouncer: &mut Debouncer<RecommendedWatcher, RecommendedCache>,
    root: &std::path::Path,
    watched: &[PathBuf],
) -> Result<(), notify_debouncer_full::notify::Error> {
    match file_parent(root) {
        Some(_) if watched.iter().any(|w| w != root && root.starts_with(w) && w.is_dir()) => Ok(()),
        Some(parent) => debouncer.watch(parent, RecursiveMode::NonRecursive),
        None => debouncer.watch(root, RecursiveMode::Recursive),
    }
}

/// Stops watching `root`, leaving the parent of a file watched while `wanted` still needs it.
fn unwatch_root(
    debouncer: &mut Debouncer<RecommendedWatcher, RecommendedCache>,
    root: &std::path::Path,
    wanted: &[PathBuf],
) {
    let watched_as = file_parent(root).unwrap_or(root);
    if !wanted.iter().any(|w| w.as_path() == watched_as || file_parent(w) == Some(watched_as)) {
        let _ = debouncer.unwatch(watched_as);
    }
}

/// The parent of `root` when `root` is a file added on its own (a root that is not there is watched
/// as a folder, which fails and is reported).
fn file_parent(root: &std::path::Path) -> Option<&std::path::Path> {
    if root.is_file() {
        root.parent()
    } else {
        None
    }
}

/// Brings a following watch up to date with the library's folders; returns the folders now watched.
async fn follow_folders(
    library: &Library,
    debouncer: &mut Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: Vec<PathBuf>,
    tx: &mpsc::Sender<WatchEvent>,
) -> Vec<PathBuf> {
    let wanted = match library.folders_on_disk() {
        Ok(wanted) => wanted,
        Err(e) => {
            let _ = tx.send(WatchEvent::Failed(Failure::from(&e))).await;
            return watched;
        }
    };
    for gone in watched.iter().filter(|w| !wanted.contains(w)) {
        unwatch_root(debouncer, gone, &wanted);
    }
    let mut now = Vec::new();
    for root in wanted {
        if watched.contains(&root) {
            now.push(root);
        } else if let Err(e) = watch_root(debouncer, &root, &now) {
            let _ = tx.send(WatchEvent::Unwatched { folder: root, reason: e.to_string() }).await;
        } else {
            now.push(root);
        }
    }
    now
}
