//! The full-text index: Tantivy documents (one per chunk) scored with BM25.
//!
//! Folio's analyzers lower-case, fold accents and stem in English or French; a chunk's body goes to the
//! field of its language (`text` or `text_fr`, `folio_core::lang::detect`) and a query is analysed both
//! ways and searched in both, each language's function words dropped. BM25 is scored with chosen k1 and
//! b (`bm25.rs`; Tantivy fixes them). A filter arrives as a set of document ids and is applied inside
//! Tantivy (a zero-scored term-set clause), so it never changes the order. An index of an older layout
//! is emptied at open and filled again from the catalog, which holds every chunk's text.

use std::path::Path;
use std::sync::Mutex;

use folio_core::{Bm25Query, ChunkId, DocumentId};
use tantivy::collector::TopDocs;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, DirectoryLock, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::bm25::TunedBm25;
use crate::StoreError;

/// Folio's analyzers: split on non-alphanumerics, lower-case, fold accents, then English or French
/// stemming. A chunk's body is indexed in the field of its language (`text` or `text_fr`,
/// `folio_core::lang::detect`); a query is analysed both ways and searched in both.
const ANALYZER: &str = "folio_en";
const ANALYZER_FR: &str = "folio_fr";

/// Memory the index writer may buffer before flushing a segment.
const WRITER_BUDGET: usize = 64 << 20;

/// Most distinct terms a query is searched with (a pasted page would otherwise make thousands of clauses).
const MAX_QUERY_TERMS: usize = 256;

/// What the user is told when another process has the library open.
const BUSY: &str = "another Folio process has this library open for indexing; wait for it, or pause or cancel \
                    its job with `folio pause` / `folio cancel`";

/// One BM25 result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextHit {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// BM25 score.
    pub score: f32,
}

struct Fields {
    chunk_id: Field,
    document_id: Field,
    title: Field,
    text: Field,
    text_fr: Field,
}

/// A Tantivy index of chunks.
pub struct FullText {
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
}

fn analyzer() -> TextAnalyzer {
    stemming(Language::English)
}

fn stemming(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build()
}

/// The French analyzer's words before stemming, to compare with [`folio_core::FRENCH_STOPWORDS`].
fn folding() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The French analyzer's terms for `query` (the first `MAX_QUERY_TERMS` distinct ones); French function
/// words dropped when asked and when something else remains.
fn french_terms(query: &str, drop_stopwords: bool) -> Vec<String> {
    let mut words = Vec::new();
    let mut fold = folding();
    let mut stream = fold.token_stream(query);
    while stream.advance() && words.len() < MAX_QUERY_TERMS {
        words.push(stream.token().text.clone());
    }
    if drop_stopwords {
        let content: Vec<String> =
            words.iter().filter(|w| !folio_core::FRENCH_STOPWORDS.contains(&w.as_str())).cloned().collect();
        if !content.is_empty() {
            words = content;
        }
    }
    let mut stem = stemming(Language::French);
    let mut seen = std::collections::HashSet::new();
    let mut terms = Vec::new();
    for w in words {
        let mut stream = stem.token_stream(&w);
        while stream.advance() {
            let t = stream.token().text.clone();
            if seen.insert(t.clone()) {
                terms.push(t);
            }
        }
    }
    terms
}

/// A BM25 search bound to a snapshot of the index, runnable on any thread ([`FullText::prepare`]).
pub struct PreparedSearch {
    searcher: Searcher,
    query: Box<dyn Query>,
    k: usize,
}

impl PreparedSearch {
    /// Runs the search: the best chunks first.
    pub fn run(self) -> Result<Vec<TextHit>, StoreError> {
        let top = self.searcher.search(&self.query, &TopDocs::with_limit(self.k).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let column = self.searcher.segment_reader(addr.segment_ord).fast_fields().u64("chunk_id")?;
            if let Some(id) = column.first(addr.doc_id) {
                hits.push(TextHit { chunk_id: ChunkId(id as i64), score });
            }
        }
        Ok(hits)
    }
}

impl FullText {
    /// Opens the index in `dir`, creating it if absent. An index of an older layout (without the
    /// French field) is emptied and made anew: `true` says so, and the caller fills it again from the
    /// catalog, which holds every chunk's text.
    pub fn open(dir: &Path) -> Result<(FullText, bool), StoreError> {
        let (schema, fields) = Self::schema();
        std::fs::create_dir_all(dir)?;
        let mut rebuilt = false;
        // Opened once; an index that is not there yet (or cannot be opened) goes to open_or_create,
        // which creates it or reports why.
        let index = match Index::open(MmapDirectory::open(dir)?) {
            Ok(index) if index.schema() == schema => index,
            Ok(old) => {
                drop(old);
                // The writer's lock first: another process may have this library open.
                let lock = Self::lock(dir)?;
                for entry in std::fs::read_dir(dir)? {
                    let path = entry?.path();
                    if path.file_name().is_some_and(|n| n != INDEX_WRITER_LOCK.filepath.as_os_str()) {
                        std::fs::remove_file(&path)?;
                    }
                }
                drop(lock);
                rebuilt = true;
                Index::open_or_create(MmapDirectory::open(dir)?, schema)?
            }
            Err(_) => Index::open_or_create(MmapDirectory::open(dir)?, schema)?,
        };
        Ok((Self::with_index(index, fields)?, rebuilt))
    }

    /// An index held in memory (Tantivy's RAM directory), for tests that need no disk.
    pub fn in_memory() -> Result<FullText, StoreError> {
        let (schema, fields) = Self::schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn schema() -> (Schema, Fields) {
        let mut sb = Schema::builder();
        let chunk_id = sb.add_u64_field("chunk_id", INDEXED | STORED | FAST);
        let document_id = sb.add_u64_field("document_id", INDEXED | FAST);
        let opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let title = sb.add_text_field("title", opts.clone());
        let text = sb.add_text_field("text", opts);
        let text_fr = sb.add_text_field(
            "text_fr",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER_FR)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        (sb.build(), Fields { chunk_id, document_id, title, text, text_fr })
    }

    fn with_index(index: Index, fields: Fields) -> Result<FullText, StoreError> {
        index.tokenizers().register(ANALYZER, analyzer());
        index.tokenizers().register(ANALYZER_FR, stemming(Language::French));
        let writer = match index.writer(WRITER_BUDGET) {
            Err(tantivy::TantivyError::LockFailure(..)) => return Err(StoreError::Busy(BUSY.into())),
            other => other?,
        };
        // A process killed in the middle of a commit leaves files the index does not reference (a delete
        // file named by the commit's opstamp); the next commit reaches the same opstamp and would fail on
        // the name ("FileAlreadyExists") when recovery purges the interrupted documents. Collected here.
        writer.garbage_collect_files().wait()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(FullText { reader, writer: Mutex::new(writer), fields })
    }

    /// Takes the writer's lock on the index in `dir` without opening it, so that no other process can
    /// open the library while the lock is held (every open library holds its writer).
    pub(crate) fn lock(dir: &Path) -> Result<DirectoryLock, StoreError> {
        match MmapDirectory::open(dir)?.acquire_lock(&INDEX_WRITER_LOCK) {
            Ok(lock) => Ok(lock),
            Err(LockError::LockBusy) => Err(StoreError::Busy(BUSY.into())),
            Err(LockError::IoError(e)) => Err(StoreError::Io(std::io::Error::new(e.kind(), e.to_string()))),
        }
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>> {
        // Uncommitted Tantivy work is discarded on rollback or crash; a poisoned lock is safe to reuse.
        self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues a chunk for indexing (visible after [`FullText::commit`]).
    pub fn add(&self, chunk: ChunkId, document: DocumentId, title: &str, text: &str) -> Result<(), StoreError> {
        let f = &self.fields;
        let body = match folio_core::lang::detect(text) {
            folio_core::lang::Language::French => f.text_fr,
            folio_core::lang::Language::English => f.text,
        };
        self.writer().add_document(doc!(
            f.chunk_id => chunk.0 as u64,
            f.document_id => document.0 as u64,
            f.title => title,
            body => text,
        ))?;
        Ok(())
    }

    /// Queues deletion of every chunk of the given documents.
    pub fn delete_documents(&self, docs: &[DocumentId]) -> Result<(), StoreError> {
        let writer = self.writer();
        for d in docs {
            writer.delete_term(Term::from_field_u64(self.fields.document_id, d.0 as u64));
        }
        Ok(())
    }

    /// Queues deletion of chunks by id.
    pub fn delete_chunks(&self, ids: &[ChunkId]) -> Result<(), StoreError> {
        let writer = self.writer();
        for id in ids {
            writer.delete_term(Term::from_field_u64(self.fields.chunk_id, id.0 as u64));
        }
        Ok(())
    }

    /// Makes queued changes durable and visible to searches.
    pub fn commit(&self) -> Result<(), StoreError> {
        self.writer().commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The analyzer's terms for `query` (the first `MAX_QUERY_TERMS` distinct ones), in order;
    /// stopwords dropped when asked and when something else remains.
    fn terms(&self, query: &str, drop_stopwords: bool) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(query);
        let mut terms: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while stream.advance() && terms.len() < MAX_QUERY_TERMS {
            let t = stream.token().text.clone();
            if seen.insert(t.clone()) {
                terms.push(t);
            }
        }
        if drop_stopwords {
            let content: Vec<String> =
                terms.iter().filter(|t| !folio_core::STOPWORDS.contains(&t.as_str())).cloned().collect();
            if !content.is_empty() {
                return content;
            }
        }
        terms
    }

    /// The `k` best chunks for `query` by BM25 over body (in either language's field) and (boosted) file
    /// name, among the chunks of `within` when given (the filter runs inside Tantivy, before ranking),
    /// made ready to run on another thread (beside the query's embedding, say); `None` when it can find
    /// nothing. Any text is a valid query: it is analysed into terms, never parsed as query syntax.
    pub fn prepare(
        &self,
        query: &str,
        k: usize,
        within: Option<&[DocumentId]>,
        how: Bm25Query,
    ) -> Option<PreparedSearch> {
        let terms = self.terms(query, how.drop_stopwords);
        if k == 0 || terms.is_empty() {
            return None;
        }
        let mut weighted = Vec::with_capacity(terms.len() * 3);
        for t in &terms {
            weighted.push((Term::from_field_text(self.fields.text, t), 1.0));
            if how.title_boost > 0.0 {
                weighted.push((Term::from_field_text(self.fields.title, t), how.title_boost));
            }
        }
        for t in french_terms(query, how.drop_stopwords) {
            weighted.push((Term::from_field_text(self.fields.text_fr, &t), 1.0));
        }
        let mut query: Box<dyn Query> = Box::new(TunedBm25 { terms: weighted, k1: how.k1, b: how.b });
        if let Some(docs) = within {
            if docs.is_empty() {
                return None;
            }
            let terms = docs.iter().map(|d| Term::from_field_u64(self.fields.document_id, d.0 as u64));
            // Scored 0, so the filter only selects and never changes the BM25 order.
            let filter = ConstScoreQuery::new(Box::new(TermSetQuery::new(terms)), 0.0);
            query = Box::new(BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, Box::new(filter))]));
        }
        Some(PreparedSearch { searcher: self.reader.searcher(), query, k })
    }

    /// Every chunk id in the index (duplicates included), for consistency checks.
    pub fn all_chunk_ids(&self) -> Result<Vec<ChunkId>, StoreError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::with_capacity(searcher.num_docs() as usize);
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64("chunk_id")?;
            for d in seg.doc_ids_alive() {
                if let Some(v) = col.first(d) {
                    ids.push(ChunkId(v as i64));
                }
            }
        }
        Ok(ids)
    }

    /// Number of live chunks.
    pub fn count(&self) -> Result<u64, StoreError> {
        Ok(self.reader.searcher().num_docs())
    }
}
