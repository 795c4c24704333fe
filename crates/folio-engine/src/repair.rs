//! Reconciling Tantivy and LanceDB with the catalog, the source of truth (`folio check --repair`).

use std::sync::Arc;

use folio_core::ChunkId;
use folio_store::CheckReport;

use crate::index::embedding_text;
use crate::{EngineError, Library};

impl Library {
    /// Makes the full-text index and the vector table hold exactly the chunks of indexed documents:
    /// interrupted documents are purged and queued, orphans and duplicates deleted, missing entries
    /// re-added (missing vectors are re-embedded). Returns the report of what was wrong before.
    pub async fn repair(&self) -> Result<CheckReport, EngineError> {
        self.store.requeue_interrupted().await?;
        let before = self.store.check().await?;

        // Full text: delete orphans and every copy of duplicates, then add back what should be there.
        let mut text_delete: Vec<ChunkId> = before.orphan_text.clone();
        text_delete.extend(&before.duplicate_text);
        self.store.text.delete_chunks(&text_delete)?;
        let mut text_add: Vec<ChunkId> = before.missing_text.clone();
        text_add.extend(&before.duplicate_text);
        for (id, doc, text, path) in self.store.with_catalog(|c| c.indexed_chunks(&text_add))? {
            self.store.text.add(id, doc, title_of(&path), &text)?;
        }
        self.store.text.commit()?;

        // Vectors: the same, re-embedding what has to be added.
        let mut vec_delete: Vec<ChunkId> = before.orphan_vectors.clone();
        vec_delete.extend(&before.duplicate_vectors);
        self.store.vectors.delete_chunks(&vec_delete).await?;
        let mut vec_add: Vec<ChunkId> = before.missing_vectors.clone();
        vec_add.extend(&before.duplicate_vectors);
        let rows = self.store.with_catalog(|c| c.indexed_chunks(&vec_add))?;
        for batch in rows.chunks(256) {
            let texts: Vec<String> =
                batch.iter().map(|(_, _, text, path)| embedding_text(title_of(path), text)).collect();
            let embedder = Arc::clone(&self.embedder);
            let vectors = tokio::task::spawn_blocking(move || embedder.embed(&texts))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??;
            let add: Vec<_> =
                batch.iter().zip(&vectors).map(|((id, doc, _, _), v)| (*id, *doc, v.as_slice())).collect();
            self.store.vectors.add(&add).await?;
        }
        Ok(before)
    }
}

/// The file name of a path (the title indexed with each chunk).
fn title_of(path: &str) -> &str {
    folio_core::prompt::file_name(path)
}
