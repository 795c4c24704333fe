//! Fusion of the BM25 and vector candidate lists into one ranking (weighted reciprocal rank fusion).

use std::collections::HashMap;

use crate::ChunkId;

/// Weights of reciprocal rank fusion: `score = Σ weight / (k + rank)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FusionParams {
    /// Rank offset; larger values flatten the contribution of top ranks.
    pub k: f64,
    /// Weight of the BM25 list.
    pub bm25_weight: f64,
    /// Weight of the vector list.
    pub dense_weight: f64,
}

/// k = 20 with equal weights, chosen with `folio eval` on both shared sets over the tuned BM25: mean
/// hybrid nDCG@10 0.569 against 0.567 for k = 60 and 0.566 for k = 100; weighting either list up or
/// down (1.5, 1.2, 0.75) did no better.
impl Default for FusionParams {
    fn default() -> Self {
        FusionParams { k: 20.0, bm25_weight: 1.0, dense_weight: 1.0 }
    }
}

/// One fused candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fused {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// Fused score, higher is better.
    pub score: f64,
    /// 1-based rank in the BM25 list, if present.
    pub bm25_rank: Option<u32>,
    /// 1-based rank in the vector list, if present.
    pub dense_rank: Option<u32>,
}

/// Fuses two ranked lists (best first; duplicates after the first occurrence are ignored).
///
/// Ties are broken by the better single-list rank, then by chunk id, so the order is deterministic.
pub fn reciprocal_rank_fusion(bm25: &[ChunkId], dense: &[ChunkId], params: FusionParams) -> Vec<Fused> {
    let mut by_id: HashMap<ChunkId, Fused> = HashMap::new();
    let lists = [(bm25, params.bm25_weight, true), (dense, params.dense_weight, false)];
    for (list, weight, is_bm25) in lists {
        for (i, &id) in list.iter().enumerate() {
            let rank = i as u32 + 1;
            let entry =
                by_id.entry(id).or_insert(Fused { chunk_id: id, score: 0.0, bm25_rank: None, dense_rank: None });
            let slot = if is_bm25 { &mut entry.bm25_rank } else { &mut entry.dense_rank };
            if slot.is_none() {
                *slot = Some(rank);
                entry.score += weight / (params.k + f64::from(rank));
            }
        }
    }
    let mut fused: Vec<Fused> = by_id.into_values().collect();
    fused.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| best_rank(a).cmp(&best_rank(b)))
            .then_with(|| a.chunk_id.cmp(&b.chunk_id))
    });
    fused
}

fn best_rank(f: &Fused) -> u32 {
    f.bm25_rank.unwrap_or(u32::MAX).min(f.dense_rank.unwrap_or(u32::MAX))
}

/// Indices of the results to keep, in order, after dropping every result whose span overlaps a
/// better-ranked result of the same document (neighbouring chunks share an overlap, so both would
/// otherwise show the same sentences twice).
pub fn collapse_overlaps(results: &[(crate::DocumentId, crate::TextSpan)]) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::with_capacity(results.len());
    for (i, (doc, span)) in results.iter().enumerate() {
        let overlaps = kept.iter().any(|&k| {
            let (d, s) = &results[k];
            d == doc && s.start < span.end && span.start < s.end
        });
        if !overlaps {
            kept.push(i);
        }
    }
    kept
}
