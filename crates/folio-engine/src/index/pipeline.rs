//! Indexing's pipeline and the [`Run`] that drives it: files gathered into batches, a batch's text
//! written at once, its chunks embedded on the blocking pool while the next files are read, its vectors
//! written when the next batch is ready; and the gate between files where a job pauses or stops.

use folio_core::{Chunk, JobState};
use folio_models::ModelError;
use folio_store::{DocumentText, FileFacts, TextBatch};

use super::{embedding_text, IndexOptions, IndexReport, Progress};
use crate::{EngineError, Library};

/// A file extracted and chunked, waiting to be written.
pub(super) struct Pending {
    pub(super) facts: FileFacts,
    pub(super) title: String,
    pub(super) chunks: Vec<Chunk>,
}

/// Indexing's pipeline. Files are gathered into batches; a full batch's text is written at once (so
/// keyword search finds it), then its chunks are embedded on the blocking pool while the next files
/// are read, extracted and chunked; its vectors are written when the next batch is ready or the run
/// ends. So extraction and the catalog and Tantivy writes overlap with embedding, which is most of
/// the work.
#[derive(Default)]
pub(super) struct Pipeline {
    pending: Vec<Pending>,
    pending_chunks: usize,
    embedding: Option<Embedding>,
}

/// A batch whose text is written and whose chunks are being embedded.
struct Embedding {
    batch: TextBatch,
    task: tokio::task::JoinHandle<Result<Vec<Vec<f32>>, ModelError>>,
}

/// One indexing run: the library, the options, the progress callback, the pipeline, the report and
/// the progress so far, which the run's steps share.
pub(super) struct Run<'a> {
    pub(super) library: &'a Library,
    pub(super) options: IndexOptions,
    progress: &'a (dyn Fn(&Progress) + Send + Sync),
    pipeline: Pipeline,
    pub(super) report: IndexReport,
    pub(super) state: Progress,
}

impl<'a> Run<'a> {
    pub(super) fn new(
        library: &'a Library,
        options: IndexOptions,
        progress: &'a (dyn Fn(&Progress) + Send + Sync),
        report: IndexReport,
        state: Progress,
    ) -> Run<'a> {
        Run { library, options, progress, pipeline: Pipeline::default(), report, state }
    }

    /// Tells the caller where the run stands.
    pub(super) fn report_progress(&self) {
        (self.progress)(&self.state)
    }

    /// Waits while the job is paused; `false` when it was cancelled. Pending work is written first,
    /// so that everything looked at so far is durable while the job waits or stops.
    pub(super) async fn gate(&mut self) -> Result<bool, EngineError> {
        let (done, total) = (self.state.files_done, self.state.files_total);
        let mut current = self.library.store.jobs().job_progress(self.state.job, done, total)?;
        if matches!(current, JobState::Paused | JobState::Cancelled) {
            self.drain().await?;
        }
        while current == JobState::Paused {
            self.state.paused = true;
            self.report_progress();
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            current = self.library.store.jobs().job(self.state.job)?.map_or(JobState::Cancelled, |j| j.state);
        }
        if self.state.paused {
            self.state.paused = false;
            self.report_progress();
        }
        Ok(current != JobState::Cancelled)
    }

    /// Adds a prepared file to the pipeline, writing the batch once it is full.
    pub(super) async fn push(&mut self, file: Pending) -> Result<(), EngineError> {
        self.pipeline.pending_chunks += file.chunks.len();
        self.pipeline.pending.push(file);
        if self.pipeline.pending_chunks >= self.options.batch_chunks {
            self.submit().await?;
        }
        Ok(())
    }

    /// Writes the pending files' text, finishes the batch embedded before them, and starts embedding
    /// theirs.
    async fn submit(&mut self) -> Result<(), EngineError> {
        if self.pipeline.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pipeline.pending);
        self.pipeline.pending_chunks = 0;
        let texts: Vec<String> =
            pending.iter().flat_map(|p| p.chunks.iter().map(|c| embedding_text(&p.title, &c.text))).collect();
        let docs: Vec<DocumentText> =
            pending.into_iter().map(|p| DocumentText { facts: p.facts, title: p.title, chunks: p.chunks }).collect();
        let batch = self.library.store.write_text(&docs).await?;
        self.finish_embedding().await?;
        let embedder = self.library.embedder();
        let task = tokio::task::spawn_blocking(move || embedder.embed(&texts));
        self.pipeline.embedding = Some(Embedding { batch, task });
        Ok(())
    }

    /// Waits for the batch being embedded and writes its vectors.
    async fn finish_embedding(&mut self) -> Result<(), EngineError> {
        let Some(Embedding { batch, task }) = self.pipeline.embedding.take() else {
            return Ok(());
        };
        let embedded = match task.await {
            Ok(result) => result.map_err(EngineError::from),
            Err(e) => Err(EngineError::Internal(e.to_string())),
        };
        let vectors = match embedded {
            Ok(vectors) => vectors,
            Err(e) => {
                // The batch's text is searchable but will get no vectors: take it out again and queue
                // its files for the next run.
                self.library.store.requeue_interrupted().await?;
                return Err(e);
            }
        };
        self.library.store.write_vectors(&batch, &vectors).await?;
        let chunks = batch.chunk_count() as u64;
        self.report.indexed += batch.documents.len() as u64;
        self.report.chunks += chunks;
        self.state.chunks_written += chunks;
        Ok(())
    }

    /// Writes everything still in the pipeline.
    pub(super) async fn drain(&mut self) -> Result<(), EngineError> {
        self.submit().await?;
        self.finish_embedding().await
    }
}
