//! Embedding models: those Folio offers, downloading one (started by the user), and switching a
//! library to it: every chunk is embedded again by a durable, resumable job while search goes on with
//! the old vectors, which are replaced in one step once the new ones are complete (the store's
//! protocol: `folio_store`'s `embedding` module).
//!
//! The switch runs beside indexing: files indexed meanwhile are embedded with the old model as
//! usual and reached by the switch after them; only its last step waits for a running index job to
//! end. Stopped at any point (the process killed, the events dropped), it goes on from its last
//! recorded batch when started again (`folio model embedder`, or the app at its next start).

use std::path::PathBuf;
use std::sync::Arc;

use folio_core::{ChunkId, DocumentId, EmbedderSwitch, EmbeddingStatus};
use folio_models::{EmbedderDownload, EmbedderModel, EMBEDDERS};
use tokio::sync::mpsc;

use crate::ask::Failure;
use crate::library::load_embedder;
use crate::{index, EngineError, Library, ModelPaths};

/// Chunks embedded and written per step of a switch: one step is lost at most when it is stopped.
const SWITCH_BATCH: usize = 64;

/// An embedding model Folio offers, and whether its files are in the models directory.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedderInfo {
    /// The model (id, name, languages, download size, ...).
    pub model: EmbedderModel,
    /// Its files are in the models directory (the bundled one's from set-up).
    pub downloaded: bool,
}

/// What a switch of embedding model reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SwitchEvent {
    /// Chunks embedded so far.
    Progress(EmbedderSwitch),
    /// The switch is complete (or there was nothing to switch): search uses the model now active.
    Finished(EmbeddingStatus),
    /// It stopped; what was done is kept, and starting it again goes on from there.
    Failed(Failure),
}

/// The embedding models Folio offers, with whether each is in `models`.
pub fn embedders(models: &ModelPaths) -> Vec<EmbedderInfo> {
    EMBEDDERS.iter().map(|m| EmbedderInfo { model: *m, downloaded: models.has_embedder(m) }).collect()
}

/// The model with this id, or an error that lists those there are.
fn model(id: &str) -> Result<EmbedderModel, EngineError> {
    EmbedderModel::by_id(id).ok_or_else(|| {
        let known: Vec<&str> = EMBEDDERS.iter().map(|m| m.id).collect();
        EngineError::InvalidInput(format!("no embedding model {id}; Folio offers {}", known.join(", ")))
    })
}

/// Downloads the embedding model `id` into `models` (resumed and verified, see
/// `folio_models::download_embedder`); only ever started by the user.
pub async fn download_embedder(
    models: &ModelPaths,
    id: &str,
    progress: &(dyn Fn(EmbedderDownload) + Send + Sync),
) -> Result<PathBuf, EngineError> {
    let model = model(id)?;
    Ok(folio_models::download_embedder(&model, models, progress).await?)
}

impl Library {
    /// The embedding model searched, and a switch under way with its progress.
    pub fn embedding_status(&self) -> Result<EmbeddingStatus, EngineError> {
        Ok(self.store.embedding_status()?)
    }

    /// Switches the library to the embedding model `id` as a stream of events (see the module's
    /// docs); [`Library::switch_embedder`] is the same awaited with a progress callback. Dropping the
    /// receiver stops it after the step in flight.
    pub fn switch_embedder_events(self: &Arc<Self>, id: &str) -> mpsc::Receiver<SwitchEvent> {
        let (tx, rx) = mpsc::channel(64);
        let library = Arc::clone(self);
        let id = id.to_string();
        tokio::spawn(async move {
            let progress_tx = tx.clone();
            let progress = move |p: &EmbedderSwitch| {
                let _ = progress_tx.try_send(SwitchEvent::Progress(p.clone()));
            };
            let cancelled = || tx.is_closed();
            let end = match library.switch(&id, &progress, &cancelled).await {
                Ok(status) => SwitchEvent::Finished(status),
                Err(e) => SwitchEvent::Failed(Failure::from(&e)),
            };
            let _ = tx.send(end).await;
        });
        rx
    }

    /// Switches the library to the embedding model `id`, or goes on with a switch to it that was
    /// stopped; returns the status once the new vectors are the ones searched.
    pub async fn switch_embedder(
        &self,
        id: &str,
        progress: &(dyn Fn(&EmbedderSwitch) + Send + Sync),
    ) -> Result<EmbeddingStatus, EngineError> {
        self.switch(id, progress, &|| false).await
    }

    /// Goes on with the switch the library was making when it was stopped, if any.
    pub async fn resume_embedder_switch(
        &self,
        progress: &(dyn Fn(&EmbedderSwitch) + Send + Sync),
    ) -> Result<Option<EmbeddingStatus>, EngineError> {
        match self.store.embedding_status()?.switching {
            Some(switch) => Ok(Some(self.switch(&switch.to, progress, &|| false).await?)),
            None => Ok(None),
        }
    }

    async fn switch(
        &self,
        id: &str,
        progress: &(dyn Fn(&EmbedderSwitch) + Send + Sync),
        cancelled: &(dyn Fn() -> bool + Send + Sync),
    ) -> Result<EmbeddingStatus, EngineError> {
        let model = model(id)?;
        let _one_switch = self
            .switching
            .try_lock()
            .map_err(|_| EngineError::Refused("the library is already switching its embedding model".into()))?;
        if self.store.embedding_status()?.active == model.id {
            // Switching to the model in use cancels any other switch.
            self.store.begin_embedder_switch(model.id, self.embedder().dim()).await?;
            return self.embedding_status();
        }
        if !self.config.models.has_embedder(&model) {
            return Err(EngineError::Model(format!(
                "{} is not downloaded; run `folio model download embedder --name {}` (or download it in Settings)",
                model.name, model.id
            )));
        }
        let next = load_embedder(&self.config, model).await?;
        self.store.begin_embedder_switch(model.id, next.dim()).await?;
        let report = || -> Result<(), EngineError> {
            if let Some(s) = self.store.embedding_status()?.switching {
                progress(&s);
            }
            Ok(())
        };
        report()?;

        // Everything indexed so far, beside any indexing.
        loop {
            if cancelled() {
                return Err(EngineError::Refused(
                    "the switch of embedding model was stopped; start it again to go on".into(),
                ));
            }
            let batch = self.store.next_chunks_to_embed(SWITCH_BATCH)?;
            if batch.chunks.is_empty() && !batch.waiting {
                break;
            }
            if batch.chunks.is_empty() {
                // A document being written: it goes on once the index job writes its vectors, or
                // recovers it when no job is running.
                match self.indexing.try_lock() {
                    Ok(_no_job) => {
                        self.store.requeue_interrupted().await?;
                    }
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
                }
                continue;
            }
            self.embed_step(&next, &batch.chunks, Some(batch.upto)).await?;
            report()?;
        }

        // The last step: no index job may write with the old model after the switch.
        let _no_indexing = self.indexing.lock().await;
        self.stop_vector_index().await;
        let maintenance = Arc::clone(&self.maintenance);
        let _maintenance = maintenance.lock().await;
        let mut attempts = 0;
        loop {
            let batch = self.store.next_chunks_to_embed(SWITCH_BATCH)?;
            if batch.waiting && batch.chunks.is_empty() {
                self.store.requeue_interrupted().await?;
                continue;
            }
            if !batch.chunks.is_empty() {
                self.embed_step(&next, &batch.chunks, Some(batch.upto)).await?;
                continue;
            }
            let missing = self.store.finish_embedder_switch().await?;
            if missing.is_empty() {
                break;
            }
            attempts += 1;
            if attempts > 3 {
                return Err(EngineError::Storage(format!(
                    "{} chunks could not be given vectors by {}",
                    missing.len(),
                    model.name
                )));
            }
            let chunks = self.store.chunks_to_embed(&missing)?;
            self.embed_step(&next, &chunks, None).await?;
        }
        *self.embedder.write().unwrap_or_else(std::sync::PoisonError::into_inner) = next;
        drop(_maintenance);
        self.after_vectors_changed().await?;
        tracing::info!(model = model.id, "the library now searches vectors of {}", model.name);
        self.embedding_status()
    }

    /// Embeds `chunks` with the next model and writes them; with `upto`, records the switch's progress.
    async fn embed_step(
        &self,
        next: &Arc<dyn crate::Embedder>,
        chunks: &[(ChunkId, DocumentId, String, String)],
        upto: Option<ChunkId>,
    ) -> Result<(), EngineError> {
        let texts: Vec<String> = chunks.iter().map(|(_, _, title, text)| index::embedding_text(title, text)).collect();
        let embedder = Arc::clone(next);
        let vectors = tokio::task::spawn_blocking(move || embedder.embed(&texts))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))??;
        let ids: Vec<(ChunkId, DocumentId)> = chunks.iter().map(|(c, d, _, _)| (*c, *d)).collect();
        match upto {
            Some(upto) => self.store.write_next_vectors(&ids, &vectors, upto).await?,
            None => self.store.add_next_vectors(&ids, &vectors).await?,
        }
        Ok(())
    }
}
