//! Hybrid search: BM25 from Tantivy and nearest neighbours from LanceDB, fused into one ranking.
//!
//! The query is embedded while BM25 runs on the blocking pool; the two lists are fused by a convex
//! combination of their scores, each list scaled by its best (`folio_core::fusion`; a French question
//! leans on BM25, see [`FRENCH_DENSE_FACTOR`], and BM25 counts less when its best passage is in another
//! language than the question, see [`CROSS_LANGUAGE_BM25_FACTOR`]); passages that overlap in a file are collapsed. Filters
//! (folders, formats, dates) become a set of documents from the catalog, applied inside both stores.

use std::sync::Arc;

use folio_core::fusion::{collapse_overlaps, fuse, FusionParams};
use folio_core::{Bm25Query, ChunkId, SearchFilter, SearchHit};

use crate::{Embedder, EngineError, Library};

/// The vectors' weight in the fusion for a French question, relative to an English one. The bundled
/// embedder (all-MiniLM-L6-v2) was trained on English and places French text poorly, while BM25 now
/// stems French. On notes-fr-dev (`scripts/bench.sh french`), French questions, MRR@10 of the
/// expected file: 0.753 at 1, 0.781 at 0.5 and at 0.25 (BM25 alone: 0.781); English questions are
/// not affected. A multilingual embedder (`folio model embedder`) is not discounted.
const FRENCH_DENSE_FACTOR: f64 = 0.5;

/// BM25's weight in the fusion, relative to the usual, when its best passage is in another language
/// than the question: the two then share names and numbers at most, and BM25's ranking is mostly noise
/// that would drag down the vectors', which cross languages. Measured on notes-fr-dev
/// (`scripts/bench.sh french`): English questions on French files, MRR@10 of the expected file 0.500 at 1
/// and 0.562 from 0.5 down to 0 (dense alone: 0.875: the question's best BM25 passage is most often
/// in an English file, where this does not apply); nothing else moved. The milder 0.5 is used.
const CROSS_LANGUAGE_BM25_FACTOR: f64 = 0.5;

/// [`CROSS_LANGUAGE_BM25_FACTOR`] for a French question whose best BM25 passage is English when BM25
/// also searches the question's words translated into English (`Bm25Query::translated`, FreeDict's
/// dictionaries installed): that passage is then often found by the translation, not noise, and the
/// vectors of the English-only embedder see little of a French question. (For an English question on a
/// French passage the vectors see enough: applying it there too changed nothing on notes-fr-dev.) On notes-fr-dev
/// (`scripts/bench.sh french`, the translation's weight at 1.0), hybrid file@5 and MRR@10: 0.929 and
/// 0.777 at 0.5 (French questions on English files 0.500 at @5), 0.964 and 0.807 at 0.75 (0.750),
/// 0.964 and 0.789 at 1 (0.750, French questions on French files' MRR 0.879 -> 0.854).
const TRANSLATED_CROSS_LANGUAGE_BM25_FACTOR: f64 = 0.75;

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
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Results to return.
    pub limit: usize,
    /// Candidates taken from each retriever before fusion.
    pub candidates: usize,
    /// Retrievers used.
    pub mode: SearchMode,
    /// Fusion weights.
    pub fusion: FusionParams,
    /// Which files to search (folders, formats, modification dates); pushed down into both stores.
    pub filter: SearchFilter,
    /// Whether to drop a result that overlaps a better result of the same document.
    pub collapse: bool,
    /// Scan every vector even when an ANN index exists (for measuring the index).
    pub exact: bool,
    /// How the query is scored by BM25.
    pub bm25: Bm25Query,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            candidates: 100,
            mode: SearchMode::Hybrid,
            fusion: FusionParams::default(),
            filter: SearchFilter::default(),
            collapse: true,
            exact: false,
            bm25: Bm25Query::default(),
        }
    }
}

/// Most passages one search returns or ranks (`-k 18446744073709551615` asks for no more than this).
pub const MAX_RESULTS: usize = 10_000;

/// Longest query searched, in bytes: a pasted page is cut here (at a character boundary).
pub const MAX_QUERY_BYTES: usize = 16 << 10;

fn clip_query(query: &str) -> &str {
    if query.len() <= MAX_QUERY_BYTES {
        return query;
    }
    let mut end = MAX_QUERY_BYTES;
    while !query.is_char_boundary(end) {
        end -= 1;
    }
    &query[..end]
}

impl Library {
    /// The best passages for `query`, best first.
    pub async fn search(&self, query: &str, options: &SearchOptions) -> Result<Vec<SearchHit>, EngineError> {
        let query = clip_query(query.trim());
        if query.is_empty() || options.limit == 0 {
            return Ok(Vec::new());
        }
        let within = self.store.documents().documents_matching(&options.filter)?;
        let within = within.as_deref();
        let limit = options.limit.min(MAX_RESULTS);
        let options = &SearchOptions { limit, candidates: options.candidates.min(MAX_RESULTS), ..options.clone() };
        let depth = options.candidates.max(options.limit);
        // The query's embedding uses every core; then BM25 runs on the blocking pool beside the vector search.
        let vector = if options.mode == SearchMode::Bm25 { None } else { Some(self.embed_query(query).await?) };
        let bm25 = if options.mode == SearchMode::Dense {
            None
        } else {
            self.store
                .prepare_text_search(query, depth, within, options.bm25)
                .map(|s| tokio::task::spawn_blocking(|| s.run()))
        };
        // Cosine distances become similarities, higher is better like BM25 scores.
        let similarities: Vec<(ChunkId, f32)> = match vector {
            Some(vector) => {
                let nearest = self.store.nearest(vector.1, &vector.0, depth, within, options.exact).await?;
                nearest.into_iter().map(|(id, distance)| (id, 1.0 - distance)).collect()
            }
            None => Vec::new(),
        };
        let bm25: Vec<(ChunkId, f32)> = match bm25 {
            Some(task) => task
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??
                .into_iter()
                .map(|h| (h.chunk_id, h.score))
                .collect(),
            None => Vec::new(),
        };
        // Each side's weight follows what it can see in this question's language.
        let mut fusion = options.fusion;
        let asked_in = folio_core::lang::detect_question(query);
        if asked_in == folio_core::lang::Language::French && !self.embedder().model().multilingual {
            fusion.dense_weight *= FRENCH_DENSE_FACTOR;
        }
        if let (Some(best), false) = (bm25.first(), similarities.is_empty()) {
            let passages = self.store.documents().passages(&[best.0])?;
            let found_in = passages.first().map(|p| folio_core::lang::detect(&p.text));
            if found_in.is_some_and(|l| l != asked_in) {
                use folio_core::lang::Language::{English, French};
                let translated = options.bm25.translated > 0.0
                    && (asked_in, found_in) == (French, Some(English))
                    && folio_store::Lexicon::system().is_some();
                fusion.bm25_weight *=
                    if translated { TRANSLATED_CROSS_LANGUAGE_BM25_FACTOR } else { CROSS_LANGUAGE_BM25_FACTOR };
            }
        }
        let fused = fuse(&bm25, &similarities, fusion);
        // Overlapping neighbours are dropped after the passages are read, so read a few more.
        let wanted = if options.collapse { options.limit * 2 } else { options.limit };
        let top: Vec<_> = fused.into_iter().take(wanted).collect();
        let ids: Vec<ChunkId> = top.iter().map(|f| f.chunk_id).collect();
        let passages = self.store.documents().passages(&ids)?;
        let mut hits = Vec::with_capacity(passages.len());
        for passage in passages {
            if let Some(f) = top.iter().find(|f| f.chunk_id == passage.chunk_id) {
                let similarity = similarities.iter().find(|d| d.0 == passage.chunk_id).map(|d| d.1);
                hits.push(SearchHit {
                    passage,
                    score: f.score,
                    bm25_rank: f.bm25_rank,
                    dense_rank: f.dense_rank,
                    similarity,
                });
            }
        }
        if options.collapse {
            let spans: Vec<_> = hits.iter().map(|h| (h.passage.document_id, h.passage.span)).collect();
            let keep = collapse_overlaps(&spans);
            hits = hits.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, h)| h).collect();
        }
        hits.truncate(options.limit);
        Ok(hits)
    }
}

impl Library {
    /// Embeds a search query, with the id of the model that made the vector.
    pub(crate) async fn embed_query(&self, query: &str) -> Result<(Vec<f32>, &'static str), EngineError> {
        let embedder: Arc<dyn Embedder> = self.embedder();
        let made_by = embedder.model().id;
        let text = query.to_string();
        let vector = tokio::task::spawn_blocking(move || embedder.embed_query(&text))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))??;
        Ok((vector, made_by))
    }
}
