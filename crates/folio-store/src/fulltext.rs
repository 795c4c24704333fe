//! The full-text index: Tantivy documents (one per chunk) scored with BM25.
//!
//! Folio's analyzers lower-case, fold accents and stem in one of seven languages (English, French,
//! German, Spanish, Italian, Dutch, Portuguese; French and Italian also drop elided articles such as
//! `l'` and `qu'`); a chunk's body goes to the field of its language (`text` for English, `text_fr`,
//! `text_de`, ..., `folio_core::lang::detect`) and a query is analysed in every language and searched
//! in each language's field, that language's function words dropped, so a library of several languages
//! is searched in all of them at once. A French or English query's words are also searched translated
//! into the other of the two (`lexicon.rs`, FreeDict's dictionaries), in that language's field. Numbers split at their separators (`1 234,56` and `1,234.56`
//! both give `1`, `234`, `56`; `18/11/2024` gives `18`, `11`, `2024`), so their French and English forms
//! match. BM25 is scored with chosen k1 and
//! b (`bm25.rs`; Tantivy fixes them). A filter arrives as a set of document ids and is applied inside
//! Tantivy (a zero-scored term-set clause), so it never changes the order. An index of an older layout
//! is emptied at open and filled again from the catalog, which holds every chunk's text.

use std::path::Path;
use std::sync::Mutex;

use folio_core::lang::Language;
use folio_core::{Bm25Query, ChunkId, DocumentId};
use tantivy::collector::TopDocs;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, DirectoryLock, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::bm25::TunedBm25;
use crate::lexicon::Lexicon;
use crate::StoreError;

/// Languages other than English, each with its body field (`text_<code>`) and analyzer (`folio_<code>`).
/// English text (and text in no other of these languages) goes to `text`, analysed by `folio_en`.
const OTHER_LANGUAGES: &[Language] = Language::ALL.split_at(1).1;

/// Memory the index writer may buffer before flushing a segment.
const WRITER_BUDGET: usize = 64 << 20;

/// Most distinct terms a query is searched with (a pasted page would otherwise make thousands of clauses).
const MAX_QUERY_TERMS: usize = 256;

/// Articles and pronouns French and Italian elide before a vowel (`l'expert`, `qu'il`, `dell'anno`):
/// split at the apostrophe, they are words of their own that the analyzers drop.
const ELIDED: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "dell", "all", "dall", "nell",
    "sull", "coll", "un", "quest", "quell", "nessun", "alcun",
];

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
    /// English text (and text of no other analysed language).
    text: Field,
    /// The other languages' bodies, in the order of [`OTHER_LANGUAGES`].
    others: Vec<Field>,
    /// The code of the language whose field holds the body (`en`, `fr`, ...), to count each field's
    /// documents.
    language: Field,
}

impl Fields {
    fn body(&self, language: Language) -> Field {
        OTHER_LANGUAGES.iter().position(|&l| l == language).map_or(self.text, |i| self.others[i])
    }
}

/// A Tantivy index of chunks.
pub struct FullText {
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
}

fn analyzer_name(language: Language) -> String {
    format!("folio_{}", language.code())
}

fn stemmer_language(language: Language) -> tantivy::tokenizer::Language {
    use tantivy::tokenizer::Language as L;
    match language {
        Language::English => L::English,
        Language::French => L::French,
        Language::German => L::German,
        Language::Spanish => L::Spanish,
        Language::Italian => L::Italian,
        Language::Dutch => L::Dutch,
        Language::Portuguese => L::Portuguese,
    }
}

/// The analyzer of `language`'s text: split on non-alphanumerics, drop overlong tokens, lower-case, drop
/// elided articles (French, Italian), fold accents, stem. With `stopwords`, the language's function
/// words are dropped too (queries only: the index keeps them).
pub(crate) fn analyzer(language: Language, stopwords: bool) -> TextAnalyzer {
    words_analyzer(language, stopwords, true)
}

/// [`analyzer`], stemming only with `stem`: without, it gives a text's words as written, lower-cased
/// and folded (the dictionary's exact forms).
pub(crate) fn words_analyzer(language: Language, stopwords: bool, stem: bool) -> TextAnalyzer {
    let mut builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .dynamic();
    let elided = matches!(language, Language::French | Language::Italian);
    let words = match (stopwords, elided) {
        (true, _) => StopWordFilter::new(stemmer_language(language)),
        (false, true) => Some(StopWordFilter::remove(ELIDED.iter().map(|w| w.to_string()))),
        (false, false) => None,
    };
    if let Some(words) = words {
        builder = builder.filter_dynamic(words);
    }
    builder = builder.filter_dynamic(AsciiFoldingFilter);
    if stem {
        builder = builder.filter_dynamic(Stemmer::new(stemmer_language(language)));
    }
    builder.build()
}

/// The distinct terms `analyzer` makes of `query`, in order, the first `MAX_QUERY_TERMS`.
fn analyse(mut analyzer: TextAnalyzer, query: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(query);
    let mut terms: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while stream.advance() && terms.len() < MAX_QUERY_TERMS {
        let t = stream.token().text.clone();
        if seen.insert(t.clone()) {
            terms.push(t);
        }
    }
    terms
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
/// words (Folio's own list) dropped when asked and when something else remains.
fn french_terms(query: &str, drop_stopwords: bool) -> Vec<String> {
    let mut words = analyse(folding(), query);
    if drop_stopwords {
        let content: Vec<String> =
            words.iter().filter(|w| !folio_core::FRENCH_STOPWORDS.contains(&w.as_str())).cloned().collect();
        if !content.is_empty() {
            words = content;
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut terms = Vec::new();
    for w in words {
        for t in analyse(analyzer(Language::French, false), &w) {
            if seen.insert(t.clone()) {
                terms.push(t);
            }
        }
    }
    terms
}

/// `language`'s terms for `query`: its function words (Tantivy's lists) dropped when asked and when
/// something else remains. English and French have their own functions ([`FullText::terms`],
/// [`french_terms`]), whose lists were tuned on the shared sets.
fn language_terms(query: &str, language: Language, drop_stopwords: bool) -> Vec<String> {
    if language == Language::French {
        return french_terms(query, drop_stopwords);
    }
    if drop_stopwords {
        let content = analyse(analyzer(language, true), query);
        if !content.is_empty() {
            return content;
        }
    }
    analyse(analyzer(language, false), query)
}

/// `language`'s terms for `text` without its function words (Tantivy's lists), none when it has only those.
fn content_terms(text: &str, language: Language) -> Vec<String> {
    analyse(analyzer(language, true), text)
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
    /// fields of every language) is emptied and made anew: `true` says so, and the caller fills it again from the
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
        let body = |language: Language| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(&analyzer_name(language))
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let title = sb.add_text_field("title", body(Language::English));
        let text = sb.add_text_field("text", body(Language::English));
        let others =
            OTHER_LANGUAGES.iter().map(|&l| sb.add_text_field(&format!("text_{}", l.code()), body(l))).collect();
        let language = sb.add_text_field("language", tantivy::schema::STRING);
        (sb.build(), Fields { chunk_id, document_id, title, text, others, language })
    }

    fn with_index(index: Index, fields: Fields) -> Result<FullText, StoreError> {
        for language in Language::ALL {
            index.tokenizers().register(&analyzer_name(language), analyzer(language, false));
        }
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
        // English holds what no other field does, so its code is the field's, not the text's.
        let language = OTHER_LANGUAGES.iter().copied().find(|&l| l == folio_core::lang::detect(text));
        let body = language.map_or(f.text, |l| f.body(l));
        self.writer().add_document(doc!(
            f.chunk_id => chunk.0 as u64,
            f.document_id => document.0 as u64,
            f.title => title,
            body => text,
            f.language => language.unwrap_or(Language::English).code(),
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
        let terms = analyse(analyzer(Language::English, false), query);
        if drop_stopwords {
            let content: Vec<String> =
                terms.iter().filter(|t| !folio_core::STOPWORDS.contains(&t.as_str())).cloned().collect();
            if !content.is_empty() {
                return content;
            }
        }
        terms
    }

    /// The terms of `query`'s dictionary translation into the other of French and English, in the
    /// other language's body field: each term of a headword's n translations weighs `weight / sqrt(n)`
    /// (a word with many senses counts more in all than one with a single sense, each sense less; on
    /// notes-fr-dev, `weight` 1.0 and the fusion's cross-language factor at 1, dividing by n gave hybrid file@5
    /// 0.929 and MRR@10 0.798, by sqrt(n) 0.964 and 0.789, French questions on English files 0.500
    /// and 0.750 at @5); terms the query has there already are left out. `own` holds the query's own
    /// terms per body field, English first.
    fn translated(&self, lexicon: &Lexicon, query: &str, own: &[Vec<String>], weight: f32) -> Vec<(Term, f32)> {
        let from = folio_core::lang::detect_question(query);
        let to = if from == Language::French { Language::English } else { Language::French };
        let Some(dictionary) = lexicon.from(from) else { return Vec::new() };
        let field = self.fields.body(to);
        let position = |l: Language| OTHER_LANGUAGES.iter().position(|&o| o == l).map_or(0, |i| i + 1);
        let content = &own[position(from)];
        let there = &own[position(to)];
        let mut out = Vec::new();
        let mut seen: std::collections::HashSet<String> = there.iter().cloned().collect();
        for translations in dictionary.translate(from, query, |stem| content.iter().any(|c| c == stem)) {
            let mut terms: Vec<String> = Vec::new();
            for t in translations {
                for term in content_terms(t, to) {
                    if !seen.contains(&term) && !terms.contains(&term) {
                        terms.push(term);
                    }
                }
            }
            if terms.is_empty() {
                continue;
            }
            let each = weight / (terms.len() as f32).sqrt();
            for term in terms {
                out.push((Term::from_field_text(field, &term), each));
                seen.insert(term);
            }
        }
        out
    }

    /// The `k` best chunks for `query` by BM25 over body (each language's field with the query analysed
    /// in that language) and (boosted) file name, among the chunks of `within` when given (the filter runs inside Tantivy, before ranking),
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
        let mut own: Vec<Vec<String>> = vec![terms.clone()];
        for (&language, &field) in OTHER_LANGUAGES.iter().zip(&self.fields.others) {
            let in_language = language_terms(query, language, how.drop_stopwords);
            for t in &in_language {
                weighted.push((Term::from_field_text(field, t), 1.0));
            }
            own.push(in_language);
        }
        if how.translated > 0.0 {
            if let Some(lexicon) = Lexicon::system() {
                weighted.extend(self.translated(lexicon, query, &own, how.translated));
            }
        }
        let field_docs = std::iter::once((self.fields.text, Language::English))
            .chain(self.fields.others.iter().copied().zip(OTHER_LANGUAGES.iter().copied()))
            .map(|(field, l)| (field, Term::from_field_text(self.fields.language, l.code())))
            .collect();
        let mut query: Box<dyn Query> = Box::new(TunedBm25 { terms: weighted, k1: how.k1, b: how.b, field_docs });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elided_articles_are_no_words_and_numbers_split_alike() {
        let terms = |language, text| analyse(analyzer(language, false), text);
        assert_eq!(terms(Language::French, "L'expert qu'il attendait"), ["expert", "il", "attend"]);
        assert_eq!(terms(Language::Italian, "dell'anno all'alba"), ["anno", "alba"]);
        // English keeps its one-letter words (the index is unchanged for English text).
        assert_eq!(terms(Language::English, "l'expert"), ["l", "expert"]);
        for language in Language::ALL {
            assert_eq!(terms(language, "1 234,56"), terms(language, "1,234.56"), "{language:?}");
            assert_eq!(terms(language, "18/11/2024"), ["18", "11", "2024"], "{language:?}");
        }
    }

    #[test]
    fn a_query_is_searched_in_every_language_s_field_without_its_function_words() {
        assert_eq!(language_terms("die Kinder spielten im Garten", Language::German, true), ["kind", "spielt", "gart"]);
        assert_eq!(language_terms("die der", Language::German, true), ["die", "der"], "all function words: kept");
        assert_eq!(french_terms("Quand faut-il réparer le toit ?", true), ["faut", "repar", "toit"]);
    }
}
