//! Retrieval metrics with their standard definitions (as trec_eval / BEIR compute them):
//! nDCG@k with graded (linear) gains, Recall@k and MRR@k, averaged over queries with a relevant document.

use std::collections::HashMap;

/// Relevance judgements of one query: document id -> grade (> 0 means relevant).
pub type Judgements = HashMap<String, u32>;

/// Mean metrics over a set of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// nDCG@10.
    pub ndcg_at_10: f64,
    /// Recall@10.
    pub recall_at_10: f64,
    /// Recall@100.
    pub recall_at_100: f64,
    /// MRR@10.
    pub mrr_at_10: f64,
    /// Queries averaged over.
    pub queries: usize,
}

/// nDCG@k of a ranking: DCG = Σ gain_i / log2(i + 1) over the top k, divided by the ideal DCG.
pub fn ndcg_at(ranking: &[String], judged: &Judgements, k: usize) -> f64 {
    let dcg: f64 = ranking
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| f64::from(judged.get(d).copied().unwrap_or(0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, &g)| f64::from(g) / ((i + 2) as f64).log2()).sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// Fraction of the relevant documents found in the top k.
pub fn recall_at(ranking: &[String], judged: &Judgements, k: usize) -> f64 {
    let relevant = judged.values().filter(|&&g| g > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let found = ranking.iter().take(k).filter(|d| judged.get(*d).is_some_and(|&g| g > 0)).count();
    found as f64 / relevant as f64
}

/// Reciprocal rank of the first relevant document in the top k (0 if none).
pub fn mrr_at(ranking: &[String], judged: &Judgements, k: usize) -> f64 {
    ranking.iter().take(k).position(|d| judged.get(d).is_some_and(|&g| g > 0)).map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// Means over the queries that have at least one relevant judgement; `runs` maps query id to the
/// ranked document ids (duplicates must already be removed).
pub fn evaluate(runs: &HashMap<String, Vec<String>>, qrels: &HashMap<String, Judgements>) -> Metrics {
    let mut m = Metrics::default();
    let empty = Vec::new();
    for (qid, judged) in qrels {
        if !judged.values().any(|&g| g > 0) {
            continue;
        }
        let ranking = runs.get(qid).unwrap_or(&empty);
        m.ndcg_at_10 += ndcg_at(ranking, judged, 10);
        m.recall_at_10 += recall_at(ranking, judged, 10);
        m.recall_at_100 += recall_at(ranking, judged, 100);
        m.mrr_at_10 += mrr_at(ranking, judged, 10);
        m.queries += 1;
    }
    if m.queries > 0 {
        let n = m.queries as f64;
        m.ndcg_at_10 /= n;
        m.recall_at_10 /= n;
        m.recall_at_100 /= n;
        m.mrr_at_10 /= n;
    }
    m
}

/// A relevance threshold for "the files do not contain the answer", chosen from the best-passage
/// similarities of answerable queries (their own corpus) and unanswerable ones (another set's queries).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ThresholdChoice {
    /// The similarity under which Folio declines to answer.
    pub threshold: f32,
    /// Fraction of answerable queries at or above it (answered).
    pub answerable_kept: f64,
    /// Fraction of unanswerable queries below it (declined).
    pub unanswerable_declined: f64,
}

/// The highest threshold that still lets at least `keep` of the answerable queries through (declining
/// an answerable question is the worse mistake), with the rates it gives on both sides.
pub fn choose_threshold(answerable: &[f32], unanswerable: &[f32], keep: f64) -> ThresholdChoice {
    if answerable.is_empty() {
        return ThresholdChoice::default();
    }
    let mut sorted = answerable.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let needed = ((keep.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    let threshold = sorted[needed - 1];
    let kept = answerable.iter().filter(|&&s| s >= threshold).count() as f64 / answerable.len() as f64;
    let declined = if unanswerable.is_empty() {
        0.0
    } else {
        unanswerable.iter().filter(|&&s| s < threshold).count() as f64 / unanswerable.len() as f64
    };
    ThresholdChoice { threshold, answerable_kept: kept, unanswerable_declined: declined }
}
