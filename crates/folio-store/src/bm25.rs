//! BM25 with chosen `k1` and `b` over several boosted fields. Tantivy 0.27 fixes `k1 = 1.2` and
//! `b = 0.75`; this query scores term-at-a-time into a per-segment array instead, which also makes
//! the sum over fields exact. Document frequencies come from the whole index, like Tantivy's own BM25;
//! a field's average length is over the documents that have it (a field of one language is in a few
//! documents only: averaged over all of them, its length would look enormous and its matches punished).

use tantivy::postings::Postings;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// A bag of (term, boost) clauses scored with BM25(`k1`, `b`); a document matches if any term does.
#[derive(Debug, Clone)]
pub struct TunedBm25 {
    /// Terms with their field boosts.
    pub terms: Vec<(Term, Score)>,
    /// Term-frequency saturation.
    pub k1: Score,
    /// Length normalisation.
    pub b: Score,
    /// For a field only some documents have, a term every one of them (and no other) holds, to count
    /// them; a field not listed is in every document.
    pub field_docs: Vec<(tantivy::schema::Field, Term)>,
}

struct TermWeight {
    term: Term,
    /// idf × boost.
    weight: Score,
    /// Average length of the term's field.
    avg_len: Score,
}

struct TunedWeight {
    terms: Vec<TermWeight>,
    k1: Score,
    b: Score,
}

impl Query for TunedBm25 {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let stats: &dyn Bm25StatisticsProvider = match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => statistics_provider,
            EnableScoring::Disabled { .. } => {
                return Err(tantivy::TantivyError::InvalidArgument("BM25 needs scoring enabled".into()))
            }
        };
        let docs = stats.total_num_docs()?.max(1) as Score;
        let mut terms = Vec::with_capacity(self.terms.len());
        for (term, boost) in &self.terms {
            let df = stats.doc_freq(term)? as Score;
            let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
            let with_field = match self.field_docs.iter().find(|(f, _)| *f == term.field()) {
                Some((_, counter)) => (stats.doc_freq(counter)? as Score).max(1.0),
                None => docs,
            };
            let avg_len = (stats.total_num_tokens(term.field())? as Score / with_field).max(1.0);
            terms.push(TermWeight { term: term.clone(), weight: idf * boost, avg_len });
        }
        Ok(Box::new(TunedWeight { terms, k1: self.k1, b: self.b }))
    }
}

impl TunedWeight {
    /// Every matching document of the segment with its score, by document id.
    fn scores(&self, reader: &SegmentReader) -> tantivy::Result<(Vec<DocId>, Vec<Score>)> {
        let mut acc = vec![0.0 as Score; reader.max_doc() as usize];
        let mut touched: Vec<DocId> = Vec::new();
        for t in &self.terms {
            let inverted = reader.inverted_index(t.term.field())?;
            let Some(mut postings) = inverted.read_postings(&t.term, IndexRecordOption::WithFreqs)? else {
                continue;
            };
            let norms = reader.get_fieldnorms_reader(t.term.field())?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                let tf = postings.term_freq() as Score;
                let len = norms.fieldnorm(doc) as Score;
                let norm = self.k1 * (1.0 - self.b + self.b * len / t.avg_len);
                let slot = &mut acc[doc as usize];
                if *slot == 0.0 {
                    touched.push(doc);
                }
                *slot += t.weight * tf * (self.k1 + 1.0) / (tf + norm);
                doc = postings.advance();
            }
        }
        touched.sort_unstable();
        touched.dedup();
        let scores = touched.iter().map(|&d| acc[d as usize]).collect();
        Ok((touched, scores))
    }
}

impl Weight for TunedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let (docs, scores) = self.scores(reader)?;
        Ok(Box::new(ListScorer { docs, scores, boost, at: 0 }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let (docs, scores) = self.scores(reader)?;
        match docs.binary_search(&doc) {
            Ok(i) => Ok(Explanation::new("BM25 (tuned k1, b)", scores[i])),
            Err(_) => Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match"))),
        }
    }
}

/// Documents and scores computed up front, iterated in id order.
struct ListScorer {
    docs: Vec<DocId>,
    scores: Vec<Score>,
    boost: Score,
    at: usize,
}

impl DocSet for ListScorer {
    fn advance(&mut self) -> DocId {
        self.at += 1;
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() >= target {
            return self.doc();
        }
        self.at += self.docs[self.at..].partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

impl Scorer for ListScorer {
    fn score(&mut self) -> Score {
        self.scores.get(self.at).map_or(0.0, |s| s * self.boost)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, Term};

    use super::*;

    /// With Tantivy's own k1 and b, the tuned query ranks and scores exactly as Tantivy's BM25; other
    /// parameters change the scores.
    #[test]
    fn default_parameters_reproduce_tantivy_bm25() -> tantivy::Result<()> {
        let mut sb = Schema::builder();
        let body = sb.add_text_field("body", TEXT);
        let index = Index::create_in_ram(sb.build());
        let mut writer = index.writer(15_000_000)?;
        for text in [
            "the comet returns every two hundred years",
            "a comet a comet a comet",
            "rain fell on the station for a week and the comet was hidden",
            "nothing relevant here at all",
            "returns of the comet were recorded by astronomers in many years of observation",
        ] {
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let terms: Vec<Term> = ["comet", "returns"].iter().map(|t| Term::from_field_text(body, t)).collect();
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| {
                (Occur::Should, Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)) as Box<dyn Query>)
            })
            .collect();
        let top = TopDocs::with_limit(10).order_by_score();
        let expected = searcher.search(&BooleanQuery::new(clauses), &top)?;
        let tuned = TunedBm25 {
            terms: terms.iter().map(|t| (t.clone(), 1.0)).collect(),
            k1: 1.2,
            b: 0.75,
            field_docs: Vec::new(),
        };
        let got = searcher.search(&tuned, &top)?;
        assert_eq!(got.len(), expected.len());
        for ((gs, ga), (es, ea)) in got.iter().zip(&expected) {
            assert_eq!(ga, ea);
            assert!((gs - es).abs() < 1e-4, "{gs} vs {es}");
        }
        let flat = TunedBm25 { b: 0.0, ..tuned };
        let other = searcher.search(&flat, &top)?;
        assert!(other.iter().zip(&got).any(|((a, _), (b, _))| (a - b).abs() > 1e-3), "b changes the scores");
        Ok(())
    }
}
