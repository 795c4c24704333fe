//! The vector index: exact search while the library is small, an ANN index past [`ANN_MIN_ROWS`],
//! built and kept fresh by one background task after each job (search goes on meanwhile; rows the index
//! lacks are searched exactly).

use std::sync::Arc;

use folio_core::AnnKind;
use folio_store::VectorIndex;

use crate::{EngineError, Library};

/// Vectors at which the library switches from exact search to an ANN index. Measured with
/// `folio bench search` (whole hybrid search, 200 queries, this 2-core machine): at 10k chunks exact
/// search took p50 41 / p95 48 ms and IVF-HNSW-SQ 20 / 26 ms at recall@10 0.986, built in 7 s.
pub const ANN_MIN_ROWS: u64 = 10_000;

/// The ANN index built past [`ANN_MIN_ROWS`]. At 100k chunks IVF-HNSW-SQ kept recall@10 at 0.999 of
/// exact search with re-ranking and 0.97 without (at a fifth of the cost); IVF-PQ reached only 0.784
/// recall with 20 probes and a refine factor of 5, under the 0.95 asked for.
pub const ANN_KIND: AnnKind = AnnKind::IvfHnswSq;

/// The vector index: exact search while small, an ANN index past a threshold, kept fresh.
impl Library {
    /// After a job that changed vectors: compact the table (unless the index is being built), then build
    /// the ANN index once the library is large enough, or add the new rows to it, in the background.
    /// Search goes on meanwhile: rows the index does not cover are searched exactly.
    pub(crate) async fn after_vectors_changed(&self) -> Result<(), EngineError> {
        // Compaction rewrites the files an index build reads: never both at once.
        if let Ok(_maintenance) = self.maintenance.try_lock() {
            self.store.vector_index().compact().await?;
        }
        let mut work = lock(&self.index_work);
        if work.busy() {
            // The task has not decided to stop yet (it decides under this lock): it looks again.
            work.again = true;
            return Ok(());
        }
        let vectors = self.store.vector_index();
        let maintenance = Arc::clone(&self.maintenance);
        let shared = Arc::clone(&self.index_work);
        work.again = false;
        work.task = Some(tokio::spawn(async move {
            loop {
                {
                    let _maintenance = maintenance.lock().await;
                    if let Err(e) = maintain_vector_index(&vectors).await {
                        tracing::warn!("the vector index could not be updated ({e}); new rows are searched exactly");
                    }
                }
                let mut work = lock(&shared);
                if !std::mem::take(&mut work.again) {
                    // Letting go of its own handle is the decision: the next job starts a new task.
                    work.task = None;
                    return;
                }
            }
        }));
        Ok(())
    }

    /// Waits until the background work on the vector index is done (the CLI does before it exits).
    pub async fn wait_for_vector_index(&self) {
        while self.vector_index_busy() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Whether the vector index is being built or refreshed in the background.
    pub fn vector_index_busy(&self) -> bool {
        lock(&self.index_work).busy()
    }

    /// Stops the background work on the vector index (its half-built files are never committed).
    pub(crate) async fn stop_vector_index(&self) {
        let task = lock(&self.index_work).task.take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }
}

/// The background work on the vector index. Both fields change only under the lock, where the task
/// also decides to stop (by dropping its own handle), so a change that arrives as it finishes is never
/// missed.
#[derive(Default)]
pub(crate) struct IndexWork {
    /// The task, until it decides to stop.
    task: Option<tokio::task::JoinHandle<()>>,
    /// Vectors changed while it ran: it looks again before stopping.
    again: bool,
}

impl IndexWork {
    /// A task runs and has not decided to stop (a task that panicked counts as stopped).
    fn busy(&self) -> bool {
        self.task.as_ref().is_some_and(|t| !t.is_finished())
    }
}

fn lock(work: &std::sync::Mutex<IndexWork>) -> std::sync::MutexGuard<'_, IndexWork> {
    work.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Builds the ANN index once the table is large enough, else adds new rows to the index it has.
async fn maintain_vector_index(index: &VectorIndex) -> Result<(), folio_store::StoreError> {
    if index.kind().await?.is_some() {
        index.refresh().await
    } else if index.rows().await? >= ANN_MIN_ROWS {
        tracing::info!("building the vector index");
        index.build(ANN_KIND).await
    } else {
        Ok(())
    }
}
