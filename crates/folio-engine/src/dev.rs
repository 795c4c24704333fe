//! The engine's measuring face, behind the `dev` feature: what `folio-dev` (benchmarks, evaluation)
//! and the tests need beyond the API front ends use: the real models' types, the vector index's kinds
//! and search knobs, exact nearest neighbours, and the embedder-only baseline of indexing.

use std::path::Path;

pub use folio_core::{AnnKind, AnnParams};
pub use folio_models::{requantize, FastEmbedder, MistralGenerator, Quantisation, BUNDLED_CHAT_MODEL};

pub use crate::vector_index::ANN_KIND;

use folio_core::ChunkId;

use crate::index::embedding_text;
use crate::{EngineError, Library};

impl Library {
    /// Builds (or rebuilds) an ANN index of `kind` over the vectors.
    pub async fn build_vector_index(&self, kind: AnnKind) -> Result<(), EngineError> {
        Ok(self.store.vector_index().build(kind).await?)
    }

    /// The ANN index type, if the vectors have one.
    pub async fn vector_index(&self) -> Result<Option<String>, EngineError> {
        Ok(self.store.vector_index().kind().await?)
    }

    /// Sets how the ANN index is searched.
    pub fn set_ann_params(&self, params: AnnParams) {
        self.store.vector_index().set_params(params);
    }

    /// The `k` nearest chunks to `query`'s embedding, by the index or (with `exact`) by a full scan.
    pub async fn nearest_chunks(&self, query: &str, k: usize, exact: bool) -> Result<Vec<ChunkId>, EngineError> {
        let (vector, made_by) = self.embed_query(query).await?;
        let found = self.store.nearest(made_by, &vector, k, None, exact).await?;
        Ok(found.into_iter().map(|(id, _)| id).collect())
    }

    /// How many vectors the ANN index does not cover yet (they are searched exactly); `None` without an
    /// index.
    pub async fn unindexed_vectors(&self) -> Result<Option<u64>, EngineError> {
        Ok(self.store.vector_index().unindexed_rows().await?)
    }

    /// Embeds every indexed chunk again, exactly as indexing did, and returns how many and how long
    /// it took: the embedder-only baseline that indexing speed is measured against.
    pub async fn embedding_baseline(&self, batch_chunks: usize) -> Result<(usize, std::time::Duration), EngineError> {
        let ids = self.store.documents().indexed_chunk_ids()?;
        let chunks = self.store.documents().indexed_chunks(&ids)?;
        let texts: Vec<String> = chunks
            .iter()
            .map(|(_, _, text, path)| {
                let title = Path::new(path).file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                embedding_text(&title, text)
            })
            .collect();
        let n = texts.len();
        let embedder = self.embedder();
        let batch = batch_chunks.max(1);
        let started = std::time::Instant::now();
        tokio::task::spawn_blocking(move || -> Result<(), EngineError> {
            for group in texts.chunks(batch) {
                embedder.embed(group)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| EngineError::Internal(e.to_string()))??;
        Ok((n, started.elapsed()))
    }
}
