//! The three stores and the protocol that keeps them consistent.
//!
//! The SQLite [`Catalog`] is the source of truth. [`FullText`] (Tantivy) and [`Vectors`] (LanceDB) hold
//! derived copies keyed by chunk id. The protocol, for every batch of documents:
//!
//! 1. the catalog marks the documents `indexing` and writes their chunks (one transaction);
//! 2. Tantivy receives and commits the chunks; the catalog marks the documents `text_ready`, and keyword
//!    search returns them from then on ([`Store::write_text`]);
//! 3. LanceDB appends the vectors (one version) and the catalog marks the documents `indexed`
//!    ([`Store::write_vectors`]).
//!
//! Removing or replacing a document first marks it `indexing`, then purges it from Tantivy and LanceDB by
//! document id, then changes the catalog. A crash at any point leaves some documents `indexing`;
//! [`Store::open`] purges those from the derived stores and queues them again, so after a restart the
//! three stores agree. [`Store::check`] verifies agreement chunk by chunk and [`Store::repair`] restores it.

mod bm25;
mod catalog;
mod chats;
mod embedding;
pub mod fault;
mod fulltext;
mod jobs;
mod lexicon;
mod place;
mod stored;
mod vectors;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use catalog::Held;
pub use catalog::{migration_names, Catalog, Documents, FileFacts, Folders};
pub use chats::{Chats, NewMessage};
pub use embedding::{library_embedder, NextChunks, BUNDLED_EMBEDDER};
use folio_core::{AnnKind, AnnParams, Bm25Query, CheckReport, Chunk, ChunkId, Counts, DocumentId, Status};
use fulltext::FullText;
pub use fulltext::{PreparedSearch, TextHit};
pub use jobs::Jobs;
pub use lexicon::Lexicon;
pub use place::{destination, move_library, remove_library, Moved};
use vectors::Vectors;

/// Everything that can go wrong in the stores.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("catalog: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Tantivy failed.
    #[error("full-text index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The full-text index directory could not be opened.
    #[error("full-text index directory: {0}")]
    TantivyDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// LanceDB failed.
    #[error("vector store: {0}")]
    Lance(#[from] lancedb::Error),
    /// Arrow data could not be built.
    #[error("vector data: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// A stored JSON value could not be read.
    #[error("catalog data: {0}")]
    Json(#[from] serde_json::Error),
    /// File system error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The stored data was written by an incompatible version or configuration.
    #[error("{0}")]
    Incompatible(String),
    /// Another process holds the library for writing.
    #[error("{0}")]
    Busy(String),
    /// The request cannot be carried out as asked (a library moved into a folder with other files,
    /// say); nothing was changed.
    #[error("{0}")]
    Refused(String),
    /// The vectors [`Store::repair`] needed could not be computed (the embedder failed).
    #[error("embedding: {0}")]
    Embed(String),
}

/// One document ready to be written: its file facts and chunks.
#[derive(Debug, Clone)]
pub struct DocumentText {
    /// File facts for the catalog.
    pub facts: FileFacts,
    /// File name, indexed as the title field.
    pub title: String,
    /// The document's chunks.
    pub chunks: Vec<Chunk>,
}

/// Documents whose text [`Store::write_text`] committed, with their chunk ids in order; their vectors
/// are still to be written.
#[derive(Debug, Clone, Default)]
pub struct TextBatch {
    /// Each document with the ids of its chunks, in order.
    pub documents: Vec<(DocumentId, Vec<ChunkId>)>,
}

impl TextBatch {
    /// Chunks in the batch.
    pub fn chunk_count(&self) -> usize {
        self.documents.iter().map(|(_, c)| c.len()).sum()
    }
}

/// Runs synchronous store work (a FULL-synced SQLite commit, Tantivy adding and committing) without
/// holding up the async runtime: on a runtime worker thread, tokio first hands that thread's other
/// tasks to another thread (`block_in_place`), so searches and the app's commands go on meanwhile.
/// Folio's runtimes are all multi-threaded (the CLI's, the app's and the tests').
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(work)
}

/// The catalog, the full-text index and the vector table of one library.
///
/// Its fields are private: the engine reads and writes through the protocol's methods and the narrow
/// handles ([`Store::chats`], [`Store::jobs`], [`Store::folders`], [`Store::documents`]), so only this
/// crate ever writes Tantivy or LanceDB.
pub struct Store {
    /// The SQLite catalog (source of truth).
    catalog: std::sync::Mutex<Catalog>,
    /// The Tantivy index.
    text: FullText,
    /// The LanceDB table searched, and the embedding model that made its vectors.
    vectors: std::sync::RwLock<(String, Vectors)>,
    /// A switch of embedding model under way: the model, and the table its vectors go to.
    next: std::sync::Mutex<Option<(String, Vectors)>>,
    /// Held while vectors are written to the next table or deleted from it, so that a document
    /// removed meanwhile loses the vectors just computed for it ([`Store::write_next_vectors`]).
    next_writes: tokio::sync::Mutex<()>,
    /// The LanceDB directory (`None` in memory).
    vectors_dir: Option<std::path::PathBuf>,
}

impl Store {
    /// Opens the stores under `dir` (creating them), then recovers from any interrupted write.
    pub async fn open(dir: &Path, dim: usize) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)?;
        // The dictionaries searches translate with are read beside the opening, not at the first question.
        std::thread::spawn(|| Lexicon::system().is_some());
        let catalog = Catalog::open(&dir.join(place::CATALOG_FILE))?;
        let (text, rebuilt) = FullText::open(&dir.join(place::TEXT_DIR))?;
        let (active, next) = catalog.embedding()?;
        let vectors_dir = dir.join(place::VECTORS_DIR);
        let vectors = Vectors::open(&vectors_dir, &vectors::table_name(&active), Some(dim)).await?;
        let next = match next {
            Some((model, done)) => match Vectors::open(&vectors_dir, &vectors::table_name(&model), None).await {
                Ok(table) => {
                    // Vectors written after the last recorded step have no record: they go, and are
                    // made again.
                    table.delete_after(done).await?;
                    Some((model, table))
                }
                Err(e) => {
                    // A switch whose table is gone (a disk that lost it) starts again when asked.
                    tracing::warn!("the vectors of the switch to {model} are gone ({e}); that switch starts over");
                    catalog.set_next_embedder(None)?;
                    None
                }
            },
            None => None,
        };
        let mut keep = vec![vectors::table_name(&active)];
        keep.extend(next.as_ref().map(|(m, _)| vectors::table_name(m)));
        Vectors::drop_tables_except(&vectors_dir, &keep).await?;
        let store = Store {
            catalog: std::sync::Mutex::new(catalog),
            text,
            vectors: std::sync::RwLock::new((active, vectors)),
            next: std::sync::Mutex::new(next),
            next_writes: tokio::sync::Mutex::new(()),
            vectors_dir: Some(vectors_dir),
        };
        if rebuilt {
            store.refill_text()?;
        }
        store.recover().await?;
        store.verify_vectors().await?;
        Ok(store)
    }

    /// A store held in memory (SQLite `:memory:`, Tantivy's RAM directory, LanceDB's `memory://`), with
    /// the same protocol: for fast tests of the engine that need no disk. Nothing in it outlives it.
    pub async fn in_memory(dim: usize) -> Result<Store, StoreError> {
        let catalog = Catalog::open_in_memory()?;
        let (active, _) = catalog.embedding()?;
        Ok(Store {
            catalog: std::sync::Mutex::new(catalog),
            text: FullText::in_memory()?,
            vectors: std::sync::RwLock::new((
                active.clone(),
                Vectors::in_memory(&vectors::table_name(&active), dim).await?,
            )),
            next: std::sync::Mutex::new(None),
            next_writes: tokio::sync::Mutex::new(()),
            vectors_dir: None,
        })
    }

    /// The vector table searched (a handle).
    fn vectors(&self) -> Vectors {
        self.vectors.read().unwrap_or_else(std::sync::PoisonError::into_inner).1.clone()
    }

    /// The table of a switch of embedding model under way, if any (a handle).
    fn next_vectors(&self) -> Option<Vectors> {
        self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().map(|(_, t)| t.clone())
    }

    /// Deletes the vectors of `docs` from the table searched and from a switch's table.
    async fn delete_vectors(&self, docs: &[DocumentId]) -> Result<(), StoreError> {
        self.vectors().delete_documents(docs).await?;
        if self.next_vectors().is_some() {
            let _writing = self.next_writes.lock().await;
            if let Some(next) = self.next_vectors() {
                next.delete_documents(docs).await?;
            }
        }
        Ok(())
    }

    fn catalog(&self) -> std::sync::MutexGuard<'_, Catalog> {
        // A panic while holding the lock cannot leave the connection half-written: every write is a
        // transaction, so a poisoned lock is safe to reuse.
        self.catalog.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs a catalog step that a Tantivy or LanceDB change is about to rely on (the first step of
    /// the consistency protocol), committed to disk before it returns: a power cut must not undo the
    /// catalog's mark while the derived store's change, which is fsynced, survives.
    fn durably<T>(&self, f: impl FnOnce(&Catalog) -> Result<T, StoreError>) -> Result<T, StoreError> {
        blocking(|| {
            let catalog = self.catalog();
            catalog.set_durable(true)?;
            let result = f(&catalog);
            catalog.set_durable(false)?;
            result
        })
    }

    /// The chats and their messages, with the catalog locked while the handle lives.
    pub fn chats(&self) -> Chats<'_> {
        Chats(Held::Locked(self.catalog()))
    }

    /// The indexing jobs, with the catalog locked while the handle lives.
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs(Held::Locked(self.catalog()))
    }

    /// The library's folders, with the catalog locked while the handle lives.
    pub fn folders(&self) -> Folders<'_> {
        Folders(Held::Locked(self.catalog()))
    }

    /// The documents and chunks, read, with the catalog locked while the handle lives.
    pub fn documents(&self) -> Documents<'_> {
        Documents(Held::Locked(self.catalog()))
    }

    /// A BM25 search over the full-text index, ready to run on a blocking thread; `None` when the query
    /// has no searchable term. `within` limits it to those documents.
    pub fn prepare_text_search(
        &self,
        query: &str,
        limit: usize,
        within: Option<&[DocumentId]>,
        bm25: Bm25Query,
    ) -> Option<PreparedSearch> {
        self.text.prepare(query, limit, within, bm25)
    }

    /// The `k` nearest chunks to `vector` (made by the embedding model `made_by`) with their cosine
    /// distances, by the ANN index (rows it does not cover searched exactly) or, with `exact`, by a
    /// full scan; `within` limits it to those documents. None when the table's vectors were made by
    /// another model (a switch of embedder completed while the question was being embedded).
    pub async fn nearest(
        &self,
        made_by: &str,
        vector: &[f32],
        k: usize,
        within: Option<&[DocumentId]>,
        exact: bool,
    ) -> Result<Vec<(ChunkId, f32)>, StoreError> {
        let table = {
            let active = self.vectors.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if active.0 != made_by {
                return Ok(Vec::new());
            }
            active.1.clone()
        };
        table.nearest_with(vector, k, within, exact).await
    }

    /// The vector table's ANN index, as a handle that a background task can own.
    pub fn vector_index(&self) -> VectorIndex {
        VectorIndex(self.vectors())
    }

    /// Fills a full-text index made anew (a newer layout) from the catalog: every chunk keyword search
    /// may return, with its document's file name as the title.
    fn refill_text(&self) -> Result<(), StoreError> {
        let ids = self.catalog().searchable_chunk_ids()?;
        tracing::info!(chunks = ids.len(), "rebuilding the full-text index in its new layout");
        blocking(|| {
            for group in ids.chunks(4096) {
                let rows = self.documents().indexed_chunks(group)?;
                for (chunk, doc, text, path) in rows {
                    self.text.add(chunk, doc, folio_core::prompt::file_name(&path), &text)?;
                }
            }
            self.text.commit()
        })
    }

    /// Recovery at start-up: answers a crash interrupted are kept as cancelled, and documents left
    /// `indexing` are purged from the derived stores and queued again.
    pub async fn recover(&self) -> Result<Vec<DocumentId>, StoreError> {
        let answers = self.catalog().recover_messages()?;
        if answers > 0 {
            tracing::info!(count = answers, "answers interrupted mid-stream kept as cancelled");
        }
        let abandoned = self.catalog().abandon_attempts()?;
        if abandoned > 0 {
            tracing::warn!(
                count = abandoned,
                "Folio stopped while reading these files; they are failed until they change"
            );
        }
        self.requeue_interrupted().await
    }

    /// The cheap check at open that the vectors of `indexed` documents are there (a power cut can lose
    /// a LanceDB write the catalog already relied on, on a system that lied about a sync): the vector
    /// table must hold at least as many rows as the catalog has chunks of indexed documents. When it
    /// holds fewer, the full comparison finds the documents whose vectors are missing, and they are
    /// purged and queued again like interrupted ones. Returns the documents queued.
    pub async fn verify_vectors(&self) -> Result<Vec<DocumentId>, StoreError> {
        let expected = self.catalog().indexed_chunk_count()?;
        if self.vectors().count().await? >= expected {
            return Ok(Vec::new());
        }
        let report = self.check().await?;
        let missing: Vec<DocumentId> = {
            let c = self.catalog();
            let mut docs: Vec<DocumentId> = Documents::of(&c)
                .indexed_chunks(&report.missing_vectors)?
                .into_iter()
                .map(|(_, doc, _, _)| doc)
                .collect();
            docs.sort();
            docs.dedup();
            docs
        };
        if missing.is_empty() {
            return Ok(missing);
        }
        tracing::warn!(count = missing.len(), "documents marked indexed had no vectors; indexing them again");
        self.durably(|c| c.mark_indexing(&missing))?;
        self.purge_derived(&missing).await?;
        self.catalog().requeue(&missing)?;
        Ok(missing)
    }

    /// Purges documents left `indexing` (a crash, or a batch that could not be finished) from the
    /// derived stores and queues them again. Touches nothing else, so it is safe while answers stream.
    pub async fn requeue_interrupted(&self) -> Result<Vec<DocumentId>, StoreError> {
        let interrupted: Vec<DocumentId> =
            self.catalog().documents_with_status(Status::Indexing)?.into_iter().map(|d| d.id).collect();
        if interrupted.is_empty() {
            return Ok(interrupted);
        }
        self.purge_derived(&interrupted).await?;
        self.catalog().requeue(&interrupted)?;
        tracing::info!(count = interrupted.len(), "recovered interrupted documents");
        Ok(interrupted)
    }

    async fn purge_derived(&self, docs: &[DocumentId]) -> Result<(), StoreError> {
        blocking(|| {
            self.text.delete_documents(docs)?;
            self.text.commit()
        })?;
        self.delete_vectors(docs).await?;
        Ok(())
    }

    /// Writes a batch of documents to the catalog and the full-text index (steps 1 and 2 of the
    /// protocol in the module docs). From then on keyword search finds them; their vectors follow with
    /// [`Store::write_vectors`]. Documents already known by path are replaced.
    pub async fn write_text(&self, batch: &[DocumentText]) -> Result<TextBatch, StoreError> {
        if batch.is_empty() {
            return Ok(TextBatch::default());
        }
        // Replaced documents: mark, purge derived copies, then overwrite in the catalog.
        let existing: Vec<DocumentId> = self.durably(|catalog| {
            let mut ids = Vec::new();
            for d in batch {
                if let Some(rec) = Documents::of(catalog).document_by_path(&d.facts.path)? {
                    ids.push(rec.id);
                }
            }
            catalog.mark_indexing(&ids)?;
            Ok(ids)
        })?;
        if !existing.is_empty() {
            self.text.delete_documents(&existing)?;
            self.delete_vectors(&existing).await?;
        }
        let docs: Vec<(FileFacts, &[Chunk])> = batch.iter().map(|d| (d.facts.clone(), d.chunks.as_slice())).collect();
        let ids = self.durably(|c| c.insert_documents(&docs))?;
        blocking(|| {
            for (d, (doc_id, chunk_ids)) in batch.iter().zip(&ids) {
                for (chunk, chunk_id) in d.chunks.iter().zip(chunk_ids) {
                    self.text.add(*chunk_id, *doc_id, &d.title, &chunk.text)?;
                }
            }
            self.text.commit()
        })?;
        let doc_ids: Vec<DocumentId> = ids.iter().map(|(d, _)| *d).collect();
        self.catalog().mark_text_ready(&doc_ids)?;
        Ok(TextBatch { documents: ids })
    }

    /// Writes the vectors of a batch whose text is written, one per chunk in the batch's order, and
    /// marks its documents indexed (step 3 of the protocol).
    pub async fn write_vectors(&self, batch: &TextBatch, vectors: &[Vec<f32>]) -> Result<(), StoreError> {
        if vectors.len() != batch.chunk_count() {
            return Err(StoreError::Incompatible(format!(
                "{} chunks but {} vectors",
                batch.chunk_count(),
                vectors.len()
            )));
        }
        let rows: Vec<(ChunkId, DocumentId, &[f32])> = batch
            .documents
            .iter()
            .flat_map(|(doc, chunks)| chunks.iter().map(move |c| (*c, *doc)))
            .zip(vectors)
            .map(|((c, d), v)| (c, d, v.as_slice()))
            .collect();
        if !rows.is_empty() {
            self.vectors().add(&rows).await?;
        }
        let doc_ids: Vec<DocumentId> = batch.documents.iter().map(|(d, _)| *d).collect();
        self.catalog().mark_indexed(&doc_ids)?;
        Ok(())
    }

    /// Moves an indexed document to a new path (a renamed or moved file with the same content): its
    /// chunks and vectors stay; only the full-text entries are rewritten for the new file name. A crash
    /// part-way leaves the document 'indexing', which recovery re-indexes at the new path.
    pub async fn move_document(&self, id: DocumentId, facts: &FileFacts, title: &str) -> Result<(), StoreError> {
        let chunks = {
            self.durably(|c| c.begin_move(id, facts))?;
            self.catalog().chunk_texts(id)?
        };
        blocking(|| {
            self.text.delete_documents(&[id])?;
            for (chunk, text) in &chunks {
                self.text.add(*chunk, id, title, text)?;
            }
            self.text.commit()
        })?;
        self.catalog().mark_indexed(&[id])?;
        Ok(())
    }

    /// Records, durably, that a file is about to be handed to an extraction worker (see
    /// `migrations/0005_read_attempts.sql`): if Folio stops before [`Store::end_attempt`], the next
    /// open marks the attempt abandoned.
    pub async fn begin_attempt(&self, facts: &FileFacts) -> Result<(), StoreError> {
        self.durably(|c| c.begin_attempt(&facts.path, facts.size, facts.mtime_ns))
    }

    /// Ends a read attempt: the file's outcome is known (or it changed since Folio stopped on it).
    pub async fn end_attempt(&self, path: &str) -> Result<(), StoreError> {
        self.catalog().end_attempt(path)
    }

    /// The stamp of the file at `path` when Folio stopped while reading it, if it did.
    pub fn abandoned_attempt(&self, path: &str) -> Result<Option<(u64, i64)>, StoreError> {
        self.catalog().abandoned_attempt(path)
    }

    /// Records a file that yields no chunks (skipped or failed), purging anything indexed for it before.
    pub async fn record_without_chunks(
        &self,
        facts: &FileFacts,
        status: Status,
        reason: &folio_core::Problem,
    ) -> Result<(), StoreError> {
        let existing = self.documents().document_by_path(&facts.path)?;
        if let Some(rec) = existing {
            if rec.status == Status::Indexed || rec.status == Status::Indexing {
                self.durably(|c| c.mark_indexing(&[rec.id]))?;
                self.purge_derived(&[rec.id]).await?;
            }
        }
        self.catalog().record_without_chunks(facts, status, reason)?;
        Ok(())
    }

    /// Removes documents from all three stores.
    pub async fn remove(&self, docs: &[DocumentId]) -> Result<(), StoreError> {
        if docs.is_empty() {
            return Ok(());
        }
        self.durably(|c| c.mark_indexing(docs))?;
        self.purge_derived(docs).await?;
        self.catalog().delete_documents(docs)?;
        Ok(())
    }

    /// Row counts of the three stores.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let (documents, catalog_chunks) = {
            let c = self.catalog();
            let docs = c.status_counts()?.iter().map(|(_, n)| n).sum();
            (docs, c.chunk_count()?)
        };
        Ok(Counts {
            documents,
            catalog_chunks,
            text_chunks: self.text.count()?,
            vector_chunks: self.vectors().count().await?,
        })
    }

    /// Compares the three stores chunk by chunk.
    pub async fn check(&self) -> Result<CheckReport, StoreError> {
        let (indexed, searchable, interrupted) = {
            let c = self.catalog();
            let indexed: HashSet<ChunkId> = Documents::of(&c).indexed_chunk_ids()?.into_iter().collect();
            let searchable: HashSet<ChunkId> = c.searchable_chunk_ids()?.into_iter().collect();
            let interrupted = c.documents_with_status(Status::Indexing)?.into_iter().map(|d| d.id).collect();
            (indexed, searchable, interrupted)
        };
        // A document whose text is committed and whose vectors are being written (an indexing run in
        // progress) must be in the full-text index and may already be in the vector table.
        let (missing_text, orphan_text, duplicate_text) =
            compare(&searchable, &searchable, &self.text.all_chunk_ids()?);
        let (missing_vectors, orphan_vectors, duplicate_vectors) =
            compare(&indexed, &searchable, &self.vectors().all_chunk_ids().await?);
        Ok(CheckReport {
            missing_text,
            missing_vectors,
            orphan_text,
            orphan_vectors,
            duplicate_text,
            duplicate_vectors,
            interrupted,
        })
    }
}

impl Store {
    /// Makes the full-text index and the vector table hold exactly the chunks of indexed documents
    /// (`folio check --repair`): interrupted documents are purged and queued, orphans and every copy of
    /// a duplicate deleted, missing entries added again. `embed` computes the vectors of chunks that
    /// lack one, given (file name, chunk text) pairs, at most [`REPAIR_BATCH`] at a time. Returns what
    /// was wrong before.
    pub async fn repair<F, Fut>(&self, mut embed: F) -> Result<CheckReport, StoreError>
    where
        F: FnMut(Vec<(String, String)>) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<Vec<f32>>, String>>,
    {
        self.requeue_interrupted().await?;
        let before = self.check().await?;

        let text_delete: Vec<ChunkId> = before.orphan_text.iter().chain(&before.duplicate_text).copied().collect();
        let text_add: Vec<ChunkId> = before.missing_text.iter().chain(&before.duplicate_text).copied().collect();
        let rows = self.documents().indexed_chunks(&text_add)?;
        blocking(|| {
            self.text.delete_chunks(&text_delete)?;
            for (id, doc, text, path) in rows {
                self.text.add(id, doc, folio_core::prompt::file_name(&path), &text)?;
            }
            self.text.commit()
        })?;

        let vec_delete: Vec<ChunkId> = before.orphan_vectors.iter().chain(&before.duplicate_vectors).copied().collect();
        self.vectors().delete_chunks(&vec_delete).await?;
        let vec_add: Vec<ChunkId> = before.missing_vectors.iter().chain(&before.duplicate_vectors).copied().collect();
        let rows = self.documents().indexed_chunks(&vec_add)?;
        for batch in rows.chunks(REPAIR_BATCH) {
            let texts = batch
                .iter()
                .map(|(_, _, text, path)| (folio_core::prompt::file_name(path).to_owned(), text.clone()))
                .collect();
            let vectors = embed(texts).await.map_err(StoreError::Embed)?;
            if vectors.len() != batch.len() {
                return Err(StoreError::Embed(format!("{} chunks but {} vectors", batch.len(), vectors.len())));
            }
            let add: Vec<_> =
                batch.iter().zip(&vectors).map(|((id, doc, _, _), v)| (*id, *doc, v.as_slice())).collect();
            self.vectors().add(&add).await?;
        }
        Ok(before)
    }
}

/// The most chunks [`Store::repair`] hands its embedder at once.
pub const REPAIR_BATCH: usize = 256;

/// The ANN index over a library's vectors, as a background task holds it (a handle on the same table
/// as its [`Store`]): built past a size the engine chooses, refreshed with new rows, the table compacted.
#[derive(Clone)]
pub struct VectorIndex(Vectors);

impl VectorIndex {
    /// The index type, if the table has one.
    pub async fn kind(&self) -> Result<Option<String>, StoreError> {
        self.0.ann().await
    }

    /// Builds (or rebuilds) an index of `kind`.
    pub async fn build(&self, kind: AnnKind) -> Result<(), StoreError> {
        self.0.build_ann(kind).await
    }

    /// Adds the rows written since the index was built to it.
    pub async fn refresh(&self) -> Result<(), StoreError> {
        self.0.refresh_ann().await
    }

    /// Rows in the table.
    pub async fn rows(&self) -> Result<u64, StoreError> {
        self.0.count().await
    }

    /// Rows the index does not cover yet (searched exactly); `None` without an index.
    pub async fn unindexed_rows(&self) -> Result<Option<u64>, StoreError> {
        self.0.unindexed_rows().await
    }

    /// Merges the table's small fragments; never while an index is being built from them.
    pub async fn compact(&self) -> Result<(), StoreError> {
        self.0.compact().await
    }

    /// Sets how the index is searched (probes, re-ranking, graph breadth).
    pub fn set_params(&self, params: AnnParams) {
        self.0.set_ann_params(params);
    }
}

/// The jobs of the library in `library_dir`, with its catalog opened alone, so that a job can be
/// paused or cancelled from another process while one holds the library for indexing; `None` when
/// there is no library there.
pub fn open_jobs(library_dir: &Path) -> Result<Option<Jobs<'static>>, StoreError> {
    let path = library_dir.join(place::CATALOG_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some(Jobs(Held::Owned(Box::new(Catalog::open(&path)?)))))
}

/// (missing, orphans, duplicates) of `have`, against the ids it must hold (`required`) and may hold
/// (`allowed`, a superset), each sorted.
fn compare(
    required: &HashSet<ChunkId>,
    allowed: &HashSet<ChunkId>,
    have: &[ChunkId],
) -> (Vec<ChunkId>, Vec<ChunkId>, Vec<ChunkId>) {
    let mut seen: HashMap<ChunkId, u32> = HashMap::new();
    for id in have {
        *seen.entry(*id).or_default() += 1;
    }
    let mut missing: Vec<ChunkId> = required.iter().filter(|id| !seen.contains_key(id)).copied().collect();
    let mut orphans: Vec<ChunkId> = seen.keys().filter(|id| !allowed.contains(id)).copied().collect();
    let mut dups: Vec<ChunkId> = seen.iter().filter(|(_, &n)| n > 1).map(|(id, _)| *id).collect();
    missing.sort();
    orphans.sort();
    dups.sort();
    (missing, orphans, dups)
}
