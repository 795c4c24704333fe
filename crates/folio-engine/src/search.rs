//! Hybrid search: BM25 from Tantivy and nearest neighbours from LanceDB, fused by weighted RRF.

use folio_core::fusion::{reciprocal_rank_fusion, FusionParams};
use folio_core::{ChunkId, SearchHit};

use crate::{EngineError, Library};

/// Which retrievers a search uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    /// BM25 and vectors, fused.
    Hybrid,
    /// BM25 only.
    Bm25,
    /// Vectors only.
    Dense,
}

/// Options for a search.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// Results to return.
    pub limit: usize,
    /// Candidates taken from each retriever before fusion.
    pub candidates: usize,
    /// Retrievers used.
    pub mode: SearchMode,
    /// Fusion weights.
    pub fusion: FusionParams,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { limit: 10, candidates: 100, mode: SearchMode::Hybrid, fusion: FusionParams::default() }
    }
}

impl Library {
    /// The best passages for `query`, best first.
    pub async fn search(&self, query: &str, options: SearchOptions) -> Result<Vec<SearchHit>, EngineError> {
        let query = query.trim();
        if query.is_empty() || options.limit == 0 {
            return Ok(Vec::new());
        }
        let depth = options.candidates.max(options.limit);
        let bm25: Vec<ChunkId> = if options.mode == SearchMode::Dense {
            Vec::new()
        } else {
            self.store.text.search(query, depth)?.into_iter().map(|h| h.chunk_id).collect()
        };
        let dense: Vec<ChunkId> = if options.mode == SearchMode::Bm25 {
            Vec::new()
        } else {
            let vector = self.embed_query(query).await?;
            self.store.vectors.nearest(&vector, depth).await?.into_iter().map(|(id, _)| id).collect()
        };
        let fused = reciprocal_rank_fusion(&bm25, &dense, options.fusion);
        let top: Vec<_> = fused.into_iter().take(options.limit).collect();
        let ids: Vec<ChunkId> = top.iter().map(|f| f.chunk_id).collect();
        let passages = self.store.with_catalog(|c| c.passages(&ids))?;
        let mut hits = Vec::with_capacity(passages.len());
        for passage in passages {
            if let Some(f) = top.iter().find(|f| f.chunk_id == passage.chunk_id) {
                hits.push(SearchHit { passage, score: f.score, bm25_rank: f.bm25_rank, dense_rank: f.dense_rank });
            }
        }
        Ok(hits)
    }
}
