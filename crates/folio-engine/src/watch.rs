//! Watched folders: file-system events, debounced, trigger the same incremental indexing as a manual
//! rescan, so edits reach answers within seconds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use tokio::sync::mpsc;

use crate::index::{IndexOptions, IndexReport};
use crate::{absolute, EngineError, Library};

/// How long the file system must be quiet before a batch of changes is indexed.
pub const DEBOUNCE: Duration = Duration::from_millis(750);

/// What a watch reports.
#[derive(Debug, Clone)]
pub enum WatchEvent {
    /// Changes were indexed.
    Synced(IndexReport),
    /// Indexing the changes failed; the watch goes on.
    Failed(String),
}

/// A running watch. Dropping it stops watching.
pub struct Watch {
    /// Reports, one per batch of changes.
    pub events: mpsc::Receiver<WatchEvent>,
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Library {
    /// Watches `folders` (already added or not): every debounced batch of changes is indexed like a
    /// rescan (new and changed files indexed, deleted ones purged, renames kept).
    pub fn watch(self: &Arc<Self>, folders: &[PathBuf], options: IndexOptions) -> Result<Watch, EngineError> {
        let roots: Vec<PathBuf> = folders.iter().map(|f| absolute(f)).collect::<Result<_, _>>()?;
        let own = absolute(&self.config.dir).unwrap_or_else(|_| self.config.dir.clone());
        let (raw_tx, mut raw_rx) = mpsc::unbounded_channel::<Vec<PathBuf>>();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            if let Ok(events) = result {
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    // The library's own files change while indexing; they must not trigger more indexing.
                    .filter(|p| !p.starts_with(&own))
                    .collect();
                if !paths.is_empty() {
                    let _ = raw_tx.send(paths);
                }
            }
        })
        .map_err(|e| EngineError::Invalid(format!("cannot watch for changes: {e}")))?;
        for root in &roots {
            debouncer
                .watch(root, RecursiveMode::Recursive)
                .map_err(|e| EngineError::Invalid(format!("cannot watch {}: {e}", root.display())))?;
        }
        let (tx, rx) = mpsc::channel(16);
        let library = Arc::clone(self);
        let task = tokio::spawn(async move {
            while let Some(first) = raw_rx.recv().await {
                let mut changed = first;
                while let Ok(more) = raw_rx.try_recv() {
                    changed.extend(more);
                }
                let touched: Vec<PathBuf> =
                    roots.iter().filter(|r| changed.iter().any(|p| p.starts_with(r))).cloned().collect();
                if touched.is_empty() {
                    continue;
                }
                let event = match library.index(&touched, options, &|_| {}).await {
                    Ok(report) => WatchEvent::Synced(report),
                    Err(e) => WatchEvent::Failed(e.to_string()),
                };
                if tx.send(event).await.is_err() {
                    return;
                }
            }
        });
        Ok(Watch { events: rx, _debouncer: debouncer, task })
    }
}
