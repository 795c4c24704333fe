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
mod fulltext;
mod jobs;
mod place;
mod vectors;

use std::collections::{HashMap, HashSet};
use std::path::Path;

pub use catalog::{migration_names, Catalog, DocumentRecord, FileFacts, Status};
pub use chats::NewMessage;
use folio_core::{Chunk, ChunkId, DocumentId};
pub use fulltext::{Bm25Query, FullText, PreparedSearch, TextHit};
pub use jobs::{JobRecord, JobState};
pub use place::{destination, move_library, remove_library, Destination, Moved};
pub use vectors::{AnnKind, AnnParams, Vectors};

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

/// Row counts of the three stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Documents in the catalog (any status).
    pub documents: u64,
    /// Chunks in the catalog.
    pub catalog_chunks: u64,
    /// Documents in the full-text index.
    pub text_chunks: u64,
    /// Rows in the vector table.
    pub vector_chunks: u64,
}

/// Where the three stores disagree, chunk by chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Chunks of indexed documents absent from the full-text index.
    pub missing_text: Vec<ChunkId>,
    /// Chunks of indexed documents absent from the vector table.
    pub missing_vectors: Vec<ChunkId>,
    /// Full-text entries with no indexed chunk in the catalog.
    pub orphan_text: Vec<ChunkId>,
    /// Vectors with no indexed chunk in the catalog.
    pub orphan_vectors: Vec<ChunkId>,
    /// Chunk ids present more than once in the full-text index.
    pub duplicate_text: Vec<ChunkId>,
    /// Chunk ids present more than once in the vector table.
    pub duplicate_vectors: Vec<ChunkId>,
    /// Documents left mid-write.
    pub interrupted: Vec<DocumentId>,
}

impl CheckReport {
    /// True when the three stores agree.
    pub fn is_consistent(&self) -> bool {
        self.missing_text.is_empty()
            && self.missing_vectors.is_empty()
            && self.orphan_text.is_empty()
            && self.orphan_vectors.is_empty()
            && self.duplicate_text.is_empty()
            && self.duplicate_vectors.is_empty()
            && self.interrupted.is_empty()
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
pub struct Store {
    /// The SQLite catalog (source of truth).
    pub catalog: std::sync::Mutex<Catalog>,
    /// The Tantivy index.
    pub text: FullText,
    /// The LanceDB table.
    pub vectors: Vectors,
}

impl Store {
    /// Opens the stores under `dir` (creating them), then recovers from any interrupted write.
    pub async fn open(dir: &Path, dim: usize) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)?;
        let catalog = Catalog::open(&dir.join(place::CATALOG_FILE))?;
        let (text, rebuilt) = FullText::open(&dir.join(place::TEXT_DIR))?;
        let vectors = Vectors::open(&dir.join(place::VECTORS_DIR), dim).await?;
        let store = Store { catalog: std::sync::Mutex::new(catalog), text, vectors };
        if rebuilt {
            store.refill_text()?;
        }
        store.recover().await?;
        store.verify_vectors().await?;
        Ok(store)
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

    /// Runs `f` with the catalog locked.
    pub fn with_catalog<T>(&self, f: impl FnOnce(&Catalog) -> Result<T, StoreError>) -> Result<T, StoreError> {
        f(&self.catalog())
    }

    /// Fills a full-text index made anew (a newer layout) from the catalog: every chunk keyword search
    /// may return, with its document's file name as the title.
    fn refill_text(&self) -> Result<(), StoreError> {
        let ids = self.catalog().searchable_chunk_ids()?;
        tracing::info!(chunks = ids.len(), "rebuilding the full-text index in its new layout");
        blocking(|| {
            for group in ids.chunks(4096) {
                let rows = self.catalog().indexed_chunks(group)?;
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
        if self.vectors.count().await? >= expected {
            return Ok(Vec::new());
        }
        let report = self.check().await?;
        let missing: Vec<DocumentId> = {
            let c = self.catalog();
            let mut docs: Vec<DocumentId> =
                c.indexed_chunks(&report.missing_vectors)?.into_iter().map(|(_, doc, _, _)| doc).collect();
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
        self.vectors.delete_documents(docs).await?;
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
                if let Some(rec) = catalog.document_by_path(&d.facts.path)? {
                    ids.push(rec.id);
                }
            }
            catalog.mark_indexing(&ids)?;
            Ok(ids)
        })?;
        if !existing.is_empty() {
            self.text.delete_documents(&existing)?;
            self.vectors.delete_documents(&existing).await?;
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
            self.vectors.add(&rows).await?;
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
        reason: &str,
    ) -> Result<(), StoreError> {
        let existing = self.catalog().document_by_path(&facts.path)?;
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
            vector_chunks: self.vectors.count().await?,
        })
    }

    /// Compares the three stores chunk by chunk.
    pub async fn check(&self) -> Result<CheckReport, StoreError> {
        let (indexed, searchable, interrupted) = {
            let c = self.catalog();
            let indexed: HashSet<ChunkId> = c.indexed_chunk_ids()?.into_iter().collect();
            let searchable: HashSet<ChunkId> = c.searchable_chunk_ids()?.into_iter().collect();
            let interrupted = c.documents_with_status(Status::Indexing)?.into_iter().map(|d| d.id).collect();
            (indexed, searchable, interrupted)
        };
        // A document whose text is committed and whose vectors are being written (an indexing run in
        // progress) must be in the full-text index and may already be in the vector table.
        let (missing_text, orphan_text, duplicate_text) =
            compare(&searchable, &searchable, &self.text.all_chunk_ids()?);
        let (missing_vectors, orphan_vectors, duplicate_vectors) =
            compare(&indexed, &searchable, &self.vectors.all_chunk_ids().await?);
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
