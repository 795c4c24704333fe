//! The SQLite catalog: folders, documents with their status, and chunks. The source of truth.

use std::path::Path;

use folio_core::{
    Chunk, ChunkId, DocumentId, DocumentRecord, Folder, FolderId, Passage, Problem, SearchFilter, Status, TextSpan,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::StoreError;

/// Forward-only migrations, embedded at build time; version = position + 1.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_catalog", include_str!("../../../migrations/0001_catalog.sql")),
    ("0002_chats", include_str!("../../../migrations/0002_chats.sql")),
    ("0003_jobs", include_str!("../../../migrations/0003_jobs.sql")),
    ("0004_text_first", include_str!("../../../migrations/0004_text_first.sql")),
    ("0005_read_attempts", include_str!("../../../migrations/0005_read_attempts.sql")),
    ("0006_ids_never_reused", include_str!("../../../migrations/0006_ids_never_reused.sql")),
    ("0007_embedding", include_str!("../../../migrations/0007_embedding.sql")),
];

/// Names of the embedded migrations, for the test that checks they match `migrations/`.
pub fn migration_names() -> Vec<&'static str> {
    MIGRATIONS.iter().map(|(name, _)| *name).collect()
}

/// The file facts recorded alongside a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Folder (collection) id.
    pub folder_id: FolderId,
    /// Absolute path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// BLAKE3 hex digest of the content, if read.
    pub hash: Option<String>,
    /// Format name, if known.
    pub format: Option<String>,
}

/// The SQLite catalog. Opened alone it tells its schema version (the migration tests); everything
/// else goes through [`crate::Store`] and its handles.
pub struct Catalog {
    pub(crate) conn: Connection,
}

/// The catalog as a handle holds it: locked inside a [`crate::Store`], borrowed by the store's own
/// code, or opened alone (jobs controlled from another process, [`crate::open_jobs`]).
pub(crate) enum Held<'a> {
    Locked(std::sync::MutexGuard<'a, Catalog>),
    Borrowed(&'a Catalog),
    Owned(Box<Catalog>),
}

impl std::ops::Deref for Held<'_> {
    type Target = Catalog;

    fn deref(&self) -> &Catalog {
        match self {
            Held::Locked(guard) => guard,
            Held::Borrowed(catalog) => catalog,
            Held::Owned(catalog) => catalog,
        }
    }
}

/// The library's folders ([`crate::Store::folders`]); the catalog is locked while the handle lives.
pub struct Folders<'a>(pub(crate) Held<'a>);

/// Documents and their chunks as the catalog knows them ([`crate::Store::documents`]): read, and an
/// unchanged file's stamp refreshed; every other change goes through the store's protocol.
pub struct Documents<'a>(pub(crate) Held<'a>);

impl<'a> Documents<'a> {
    pub(crate) fn of(catalog: &'a Catalog) -> Documents<'a> {
        Documents(Held::Borrowed(catalog))
    }
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Catalog {
    /// Opens (creating if needed) the catalog at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Catalog, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// With `true`, every commit is on disk (with the commits before it) before it returns; with `false`
    /// (the default) a commit survives a crash of the process but may be undone by a power cut.
    pub(crate) fn set_durable(&self, durable: bool) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "synchronous", if durable { "FULL" } else { "NORMAL" })?;
        Ok(())
    }

    /// An in-memory catalog, for tests.
    pub(crate) fn open_in_memory() -> Result<Catalog, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Catalog, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL: a commit survives the process crashing, not the machine. The steps that Tantivy and
        // LanceDB changes rely on are committed with FULL (`Catalog::set_durable`).
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if current as usize > MIGRATIONS.len() {
            return Err(StoreError::Incompatible(format!(
                "the catalog is at schema version {current}, newer than this Folio understands ({})",
                MIGRATIONS.len()
            )));
        }
        // Foreign keys are off while migrations run (a migration may rebuild a table, and dropping the
        // old one must not cascade), and checked before each migration commits.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if broken > 0 {
                return Err(StoreError::Incompatible(format!(
                    "migration {name} would leave {broken} rows pointing at nothing; the catalog was not changed"
                )));
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Catalog { conn })
    }

    /// Schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Documents in a given status.
    pub(crate) fn documents_with_status(&self, status: Status) -> Result<Vec<DocumentRecord>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{DOC_SELECT} WHERE status = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([status.as_str()], doc_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a file that yields no chunks (skipped or failed) with the reason; drops any old chunks.
    ///
    /// Callers must already have purged the document from the derived stores.
    pub(crate) fn record_without_chunks(
        &self,
        facts: &FileFacts,
        status: Status,
        reason: &Problem,
    ) -> Result<DocumentId, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let id = upsert_document(&tx, facts, status, Some(&stored_reason(reason)))?;
        tx.execute("DELETE FROM chunks WHERE document_id = ?1", [id.0])?;
        tx.commit()?;
        Ok(id)
    }

    /// Records that the file at `path`, with this stamp, is about to be read.
    pub(crate) fn begin_attempt(&self, path: &str, size: u64, mtime_ns: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO read_attempts (path, size, mtime_ns, abandoned) VALUES (?1, ?2, ?3, 0)
             ON CONFLICT(path) DO UPDATE SET size = ?2, mtime_ns = ?3, abandoned = 0",
            params![path, size as i64, mtime_ns],
        )?;
        Ok(())
    }

    /// Forgets the read attempt of `path` (its outcome is recorded, or the file changed since).
    pub(crate) fn end_attempt(&self, path: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM read_attempts WHERE path = ?1", [path])?;
        Ok(())
    }

    /// Marks every read attempt still recorded as abandoned (at open: their process is gone); returns
    /// how many there were.
    pub(crate) fn abandon_attempts(&self) -> Result<usize, StoreError> {
        Ok(self.conn.execute("UPDATE read_attempts SET abandoned = 1 WHERE abandoned = 0", [])?)
    }

    /// The stamp (size, modification time) of the file at `path` when Folio stopped while reading it.
    pub(crate) fn abandoned_attempt(&self, path: &str) -> Result<Option<(u64, i64)>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT size, mtime_ns FROM read_attempts WHERE path = ?1 AND abandoned = 1", [path], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)?))
            })
            .optional()?)
    }

    /// Marks documents as 'indexing' before the derived stores are touched for them.
    pub(crate) fn mark_indexing(&self, ids: &[DocumentId]) -> Result<(), StoreError> {
        self.update_each(
            ids,
            "UPDATE documents SET status = 'indexing', text_ready = 0, reason = NULL, updated_at = ?2 WHERE id = ?1",
        )
    }

    /// Runs `sql` once per id in one transaction, with the id as `?1` and the time as `?2`.
    fn update_each(&self, ids: &[DocumentId], sql: &str) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare(sql)?;
            let at = now();
            for id in ids {
                stmt.execute(params![id.0, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes documents in state 'indexing' with their new chunks (old chunks removed); returns the
    /// document ids and, per document, the ids given to its chunks in order.
    pub(crate) fn insert_documents(
        &self,
        docs: &[(FileFacts, &[Chunk])],
    ) -> Result<Vec<(DocumentId, Vec<ChunkId>)>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let mut out = Vec::with_capacity(docs.len());
        {
            let mut insert = tx.prepare(
                "INSERT INTO chunks(document_id, ordinal, text, location, span_start, span_end, tokens)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (facts, chunks) in docs {
                let id = upsert_document(&tx, facts, Status::Indexing, None)?;
                tx.execute("DELETE FROM chunks WHERE document_id = ?1", [id.0])?;
                let mut ids = Vec::with_capacity(chunks.len());
                for c in chunks.iter() {
                    let location = crate::stored::location_json(&c.location)?;
                    insert.execute(params![
                        id.0,
                        c.ordinal,
                        c.text,
                        location,
                        c.span.start as i64,
                        c.span.end as i64,
                        c.tokens
                    ])?;
                    ids.push(ChunkId(tx.last_insert_rowid()));
                }
                out.push((id, ids));
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Marks 'indexing' documents whose chunks the full-text index has committed: keyword search may
    /// return them while their vectors are written.
    pub(crate) fn mark_text_ready(&self, ids: &[DocumentId]) -> Result<(), StoreError> {
        self.update_each(
            ids,
            "UPDATE documents SET text_ready = 1, updated_at = ?2 WHERE id = ?1 AND status = 'indexing'",
        )
    }

    /// Ids of every chunk whose document search may return: indexed, or committed to the full-text
    /// index and waiting for its vectors. Ascending.
    pub(crate) fn searchable_chunk_ids(&self) -> Result<Vec<ChunkId>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE {SEARCHABLE} ORDER BY c.id"
        ))?;
        let rows = stmt.query_map([], |r| Ok(ChunkId(r.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets documents to 'indexed' once all three stores hold their chunks.
    pub(crate) fn mark_indexed(&self, ids: &[DocumentId]) -> Result<(), StoreError> {
        self.update_each(
            ids,
            "UPDATE documents SET status = 'indexed', text_ready = 0, reason = NULL, updated_at = ?2 WHERE id = ?1",
        )
    }

    /// Removes documents (and, by cascade, their chunks) from the catalog.
    pub(crate) fn delete_documents(&self, ids: &[DocumentId]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        for id in ids {
            tx.execute("DELETE FROM documents WHERE id = ?1", [id.0])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Drops the chunks of interrupted documents and queues them again.
    pub(crate) fn requeue(&self, ids: &[DocumentId]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        for id in ids {
            tx.execute("DELETE FROM chunks WHERE document_id = ?1", [id.0])?;
            tx.execute(
                "UPDATE documents SET status = 'queued', hash = NULL, updated_at = ?2 WHERE id = ?1",
                params![id.0, now()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives a document a new path and file facts, keeping its chunks, and marks it 'indexing' until
    /// the full-text index has its new title (one transaction).
    pub(crate) fn begin_move(&self, id: DocumentId, facts: &FileFacts) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE documents SET folder_id = ?2, path = ?3, size = ?4, mtime_ns = ?5, format = ?6,
               status = 'indexing', text_ready = 0, reason = NULL, updated_at = ?7 WHERE id = ?1",
            params![id.0, facts.folder_id.0, facts.path, facts.size as i64, facts.mtime_ns, facts.format, now()],
        )?;
        Ok(())
    }

    /// A document's chunks as (id, text), in order.
    pub(crate) fn chunk_texts(&self, id: DocumentId) -> Result<Vec<(ChunkId, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, text FROM chunks WHERE document_id = ?1 ORDER BY ordinal")?;
        let rows = stmt.query_map([id.0], |r| Ok((ChunkId(r.get(0)?), r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of chunks of indexed documents.
    pub(crate) fn indexed_chunk_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'indexed'",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// The embedding model of the vectors, and the one a switch is moving to with its progress.
    pub(crate) fn embedding(&self) -> Result<(String, Option<(String, ChunkId)>), StoreError> {
        let (active, next, done): (String, Option<String>, i64) =
            self.conn.query_row("SELECT active, next, next_done FROM embedding WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        Ok((active, next.map(|n| (n, ChunkId(done)))))
    }

    /// Starts a switch to `next` (none: no switch), from the first chunk.
    pub(crate) fn set_next_embedder(&self, next: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute("UPDATE embedding SET next = ?1, next_done = 0 WHERE id = 1", [next])?;
        Ok(())
    }

    /// Records that every indexed chunk up to `done` has its vector in the next embedder's table.
    pub(crate) fn set_next_done(&self, done: ChunkId) -> Result<(), StoreError> {
        self.conn.execute("UPDATE embedding SET next_done = ?1 WHERE id = 1 AND next IS NOT NULL", [done.0])?;
        Ok(())
    }

    /// Ends a switch: the next embedder's vectors become the ones searched.
    pub(crate) fn promote_next_embedder(&self) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE embedding SET active = next, next = NULL, next_done = 0 WHERE id = 1 AND next IS NOT NULL",
            [],
        )?;
        Ok(())
    }

    /// Chunks after `after` in id order (at most `limit`), with their document, its status, text and
    /// path: what a switch of embedder embeds next.
    pub(crate) fn chunks_after(
        &self,
        after: ChunkId,
        limit: usize,
    ) -> Result<Vec<(ChunkId, DocumentId, Status, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.document_id, d.status, c.text, d.path FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE c.id > ?1 ORDER BY c.id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after.0, limit as i64], |r| {
            let status: String = r.get(2)?;
            Ok((ChunkId(r.get(0)?), DocumentId(r.get(1)?), status, r.get(3)?, r.get(4)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (c, d, status, text, path) = row?;
            out.push((c, d, Status::parse(&status), text, path));
        }
        Ok(out)
    }

    /// Chunks of indexed documents up to `upto` (all of them with `None`).
    pub(crate) fn indexed_chunk_count_upto(&self, upto: Option<ChunkId>) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE d.status = 'indexed' AND c.id <= ?1",
            [upto.map_or(i64::MAX, |c| c.0)],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Number of chunks in the catalog.
    pub(crate) fn chunk_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM chunks", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Number of documents per status.
    pub(crate) fn status_counts(&self) -> Result<Vec<(Status, u64)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT status, COUNT(*) FROM documents GROUP BY status ORDER BY status")?;
        let rows = stmt.query_map([], |r| Ok((Status::parse(&r.get::<_, String>(0)?), r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Folders<'_> {
    /// The id of the folder at `path`, adding it if new, and whether it was added.
    pub fn add_folder(&self, path: &str) -> Result<(FolderId, bool), StoreError> {
        let added = self.0.conn.execute(
            "INSERT INTO folders(path, added_at) VALUES (?1, ?2) ON CONFLICT(path) DO NOTHING",
            params![path, now()],
        )? == 1;
        Ok((
            self.0.conn.query_row("SELECT id FROM folders WHERE path = ?1", [path], |r| Ok(FolderId(r.get(0)?)))?,
            added,
        ))
    }

    /// All folders, by path.
    pub fn folders(&self) -> Result<Vec<Folder>, StoreError> {
        let mut stmt = self.0.conn.prepare("SELECT id, path FROM folders ORDER BY path")?;
        let rows = stmt.query_map([], |r| Ok(Folder { id: FolderId(r.get(0)?), path: r.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes a folder row (its documents must already be removed).
    pub fn delete_folder(&self, id: FolderId) -> Result<bool, StoreError> {
        Ok(self.0.conn.execute("DELETE FROM folders WHERE id = ?1", [id.0])? == 1)
    }
}

impl Documents<'_> {
    /// The record for `path`, if known.
    pub fn document_by_path(&self, path: &str) -> Result<Option<DocumentRecord>, StoreError> {
        Ok(self.0.conn.query_row(&format!("{DOC_SELECT} WHERE path = ?1"), [path], doc_from_row).optional()?)
    }

    /// The record with id `id`, if any.
    pub fn document(&self, id: DocumentId) -> Result<Option<DocumentRecord>, StoreError> {
        Ok(self.0.conn.query_row(&format!("{DOC_SELECT} WHERE id = ?1"), [id.0], doc_from_row).optional()?)
    }

    /// Every document of a folder.
    pub fn documents_in_folder(&self, folder_id: FolderId) -> Result<Vec<DocumentRecord>, StoreError> {
        let mut stmt = self.0.conn.prepare(&format!("{DOC_SELECT} WHERE folder_id = ?1 ORDER BY path"))?;
        let rows = stmt.query_map([folder_id.0], doc_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every document, ordered by path.
    pub fn documents(&self) -> Result<Vec<DocumentRecord>, StoreError> {
        let mut stmt = self.0.conn.prepare(&format!("{DOC_SELECT} ORDER BY path"))?;
        let rows = stmt.query_map([], doc_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Updates size and mtime of a document whose content is unchanged.
    pub fn touch(&self, id: DocumentId, size: u64, mtime_ns: i64) -> Result<(), StoreError> {
        self.0.conn.execute(
            "UPDATE documents SET size = ?2, mtime_ns = ?3, updated_at = ?4 WHERE id = ?1",
            params![id.0, size as i64, mtime_ns, now()],
        )?;
        Ok(())
    }

    /// Every passage of document `id`, in document order.
    pub fn document_passages(&self, id: DocumentId) -> Result<Vec<Passage>, StoreError> {
        let ids: Vec<ChunkId> = self.0.chunk_texts(id)?.into_iter().map(|(c, _)| c).collect();
        self.passages(&ids)
    }

    /// Passages for chunk ids, in the order given; ids not in the catalog are left out.
    pub fn passages(&self, ids: &[ChunkId]) -> Result<Vec<Passage>, StoreError> {
        let mut stmt = self.0.conn.prepare_cached(&format!(
            "SELECT c.id, c.document_id, d.path, c.location, c.span_start, c.span_end, c.text
             FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE c.id = ?1 AND {SEARCHABLE}",
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = stmt
                .query_row([id.0], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })
                .optional()?;
            if let Some((cid, did, path, loc, s, e, text)) = row {
                out.push(Passage {
                    chunk_id: ChunkId(cid),
                    document_id: DocumentId(did),
                    path,
                    location: crate::stored::location_from_json(&loc)?,
                    span: TextSpan { start: s as u64, end: e as u64 },
                    text,
                });
            }
        }
        Ok(out)
    }

    /// Ids of every chunk of an indexed document, ascending.
    pub fn indexed_chunk_ids(&self) -> Result<Vec<ChunkId>, StoreError> {
        let mut stmt = self.0.conn.prepare(
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE d.status = 'indexed' ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| Ok(ChunkId(r.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The chunks of indexed documents as (chunk id, document id, text), ascending by id, for repair.
    pub fn indexed_chunks(&self, ids: &[ChunkId]) -> Result<Vec<(ChunkId, DocumentId, String, String)>, StoreError> {
        let mut stmt = self.0.conn.prepare_cached(
            "SELECT c.id, c.document_id, c.text, d.path FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE c.id = ?1 AND d.status = 'indexed'",
        )?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(row) = stmt
                .query_row([id.0], |r| Ok((ChunkId(r.get(0)?), DocumentId(r.get(1)?), r.get(2)?, r.get(3)?)))
                .optional()?
            {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Ids of the chunks of `chunk`'s document within `radius` ordinals of it, in order.
    pub fn chunk_neighbourhood(&self, chunk: ChunkId, radius: u32) -> Result<Vec<ChunkId>, StoreError> {
        let mut stmt = self.0.conn.prepare(
            "SELECT n.id FROM chunks c JOIN chunks n ON n.document_id = c.document_id
             WHERE c.id = ?1 AND n.ordinal BETWEEN c.ordinal - ?2 AND c.ordinal + ?2 ORDER BY n.ordinal",
        )?;
        let rows = stmt.query_map(params![chunk.0, radius], |r| Ok(ChunkId(r.get(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Indexed documents with this content hash.
    pub fn indexed_with_hash(&self, hash: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let mut stmt =
            self.0.conn.prepare(&format!("{DOC_SELECT} WHERE hash = ?1 AND status = 'indexed' ORDER BY id"))?;
        let rows = stmt.query_map([hash], doc_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Indexed documents that pass `filter`, or `None` when the filter lets everything through.
    pub fn documents_matching(&self, filter: &SearchFilter) -> Result<Option<Vec<DocumentId>>, StoreError> {
        if filter.is_empty() {
            return Ok(None);
        }
        let mut sql = format!("SELECT id FROM documents d WHERE {SEARCHABLE}");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if !filter.folders.is_empty() {
            let mut any = Vec::new();
            for folder in &filter.folders {
                // A folder matches the files under it; a file added on its own matches itself.
                let folder = folder.trim_end_matches('/');
                let prefix = format!("{folder}/");
                args.push(rusqlite::types::Value::Text(folder.to_string()));
                args.push(rusqlite::types::Value::Integer(prefix.len() as i64));
                args.push(rusqlite::types::Value::Text(prefix));
                let n = args.len();
                any.push(format!("path = ?{} OR substr(path, 1, ?{}) = ?{n}", n - 2, n - 1));
            }
            sql.push_str(&format!(" AND ({})", any.join(" OR ")));
        }
        if !filter.formats.is_empty() {
            let mut any = Vec::new();
            for f in &filter.formats {
                args.push(rusqlite::types::Value::Text(f.to_ascii_lowercase()));
                any.push(format!("?{}", args.len()));
            }
            sql.push_str(&format!(" AND format IN ({})", any.join(", ")));
        }
        if let Some(after) = filter.modified_after {
            args.push(rusqlite::types::Value::Integer(after.saturating_mul(1_000_000_000)));
            sql.push_str(&format!(" AND mtime_ns >= ?{}", args.len()));
        }
        if let Some(before) = filter.modified_before {
            args.push(rusqlite::types::Value::Integer(before.saturating_mul(1_000_000_000)));
            sql.push_str(&format!(" AND mtime_ns < ?{}", args.len()));
        }
        sql.push_str(" ORDER BY id");
        let mut stmt = self.0.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| Ok(DocumentId(r.get(0)?)))?;
        Ok(Some(rows.collect::<Result<_, _>>()?))
    }
}

/// Documents (as `d`) whose chunks search may return: indexed, or with their text committed to the
/// full-text index while their vectors are written (keyword-first visibility).
const SEARCHABLE: &str = "(d.status = 'indexed' OR (d.status = 'indexing' AND d.text_ready = 1))";

const DOC_SELECT: &str = "SELECT id, folder_id, path, size, mtime_ns, hash, status, reason FROM documents";

fn doc_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentRecord> {
    Ok(DocumentRecord {
        id: DocumentId(r.get(0)?),
        folder_id: FolderId(r.get(1)?),
        path: r.get(2)?,
        size: r.get::<_, i64>(3)? as u64,
        mtime_ns: r.get(4)?,
        hash: r.get(5)?,
        status: Status::parse(&r.get::<_, String>(6)?),
        reason: r.get::<_, Option<String>>(7)?.map(|s| read_reason(&s)),
    })
}

/// A reason as the `reason` column keeps it: the problem as JSON, with its stable `code`.
fn stored_reason(problem: &Problem) -> String {
    serde_json::to_string(problem).unwrap_or_else(|_| problem.to_string())
}

/// A `reason` column's value: JSON, or an English sentence written before reasons were data.
fn read_reason(stored: &str) -> Problem {
    serde_json::from_str(stored).unwrap_or_else(|_| Problem::from_sentence(stored))
}

fn upsert_document(
    conn: &Connection,
    f: &FileFacts,
    status: Status,
    reason: Option<&str>,
) -> Result<DocumentId, StoreError> {
    conn.execute(
        "INSERT INTO documents(folder_id, path, size, mtime_ns, hash, format, status, reason, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, size = excluded.size,
           mtime_ns = excluded.mtime_ns, hash = excluded.hash, format = excluded.format,
           status = excluded.status, text_ready = 0, reason = excluded.reason, updated_at = excluded.updated_at",
        params![f.folder_id.0, f.path, f.size as i64, f.mtime_ns, f.hash, f.format, status.as_str(), reason, now()],
    )?;
    Ok(DocumentId(conn.query_row("SELECT id FROM documents WHERE path = ?1", [&f.path], |r| r.get(0))?))
}
