//! Switching a library's embedding model, by the store's protocol.
//!
//! The catalog's `embedding` row names the model whose vectors are searched (`active`) and, during a
//! switch, the model being moved to (`next`) with `next_done`: every indexed chunk up to that id has
//! its vector in the next model's own table. A switch is a loop of
//! [`Store::next_chunks_to_embed`] (chunks after `next_done`, in id order, stopping before a document
//! still being written) and [`Store::write_next_vectors`] (the vectors appended and synced, then
//! `next_done` moved on), ended by [`Store::finish_embedder_switch`], which checks the next table
//! against the catalog and makes it the one searched in one catalog step.
//!
//! Meanwhile the library works as before on the active model's table: indexing writes there (new
//! chunks get larger ids, so the switch reaches them too), and documents removed or replaced lose their
//! vectors in both tables. A crash at any moment loses at most the step in flight: at open, rows of the
//! next table after `next_done` are deleted (they have no record) and the switch goes on from there.

use std::collections::HashSet;
use std::path::Path;

use folio_core::{ChunkId, DocumentId, EmbedderSwitch, EmbeddingStatus, Status};

use crate::catalog::Catalog;
use crate::vectors::{table_name, Vectors};
use crate::{place, Store, StoreError};

/// The id of the bundled embedding model (all-MiniLM-L6-v2), which made every library's vectors before
/// models could be switched.
pub const BUNDLED_EMBEDDER: &str = "all-minilm-l6-v2";

/// The embedding model whose vectors the library in `library_dir` searches, read from its catalog
/// alone; `None` when there is no library there yet.
pub fn library_embedder(library_dir: &Path) -> Result<Option<String>, StoreError> {
    let path = library_dir.join(place::CATALOG_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some(Catalog::open(&path)?.embedding()?.0))
}

/// What a switch of embedding model embeds next.
#[derive(Debug)]
pub struct NextChunks {
    /// (chunk, document, file name, text), in id order.
    pub chunks: Vec<(ChunkId, DocumentId, String, String)>,
    /// The id the switch has reached once these are written (it also passes chunks of documents
    /// removed meanwhile).
    pub upto: ChunkId,
    /// A document still being written stands in the way: try again once it is indexed.
    pub waiting: bool,
}

impl Store {
    /// The embedding model searched, and a switch under way with its progress.
    pub fn embedding_status(&self) -> Result<EmbeddingStatus, StoreError> {
        let c = self.catalog();
        let (active, next) = c.embedding()?;
        let switching = match next {
            Some((to, done)) => Some(EmbedderSwitch {
                to,
                done: c.indexed_chunk_count_upto(Some(done))?,
                total: c.indexed_chunk_count_upto(None)?,
            }),
            None => None,
        };
        Ok(EmbeddingStatus { active, switching })
    }

    /// Starts (or goes on with) a switch to the embedding model `model`, whose vectors have `dim`
    /// dimensions. A switch to another model under way is abandoned (its table dropped); a switch to
    /// the active model cancels any switch.
    pub async fn begin_embedder_switch(&self, model: &str, dim: usize) -> Result<(), StoreError> {
        let (active, next) = self.catalog().embedding()?;
        if next.as_ref().is_some_and(|(m, _)| m == model) && self.next_vectors().is_some() {
            return Ok(());
        }
        let _writing = self.next_writes.lock().await;
        *self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        if model == active {
            self.durably(|c| c.set_next_embedder(None))?;
            self.drop_unused_tables().await?;
            return Ok(());
        }
        // The table is made anew (one left by an earlier, abandoned switch to the same model holds
        // nothing the catalog vouches for), then the catalog names the switch, from chunk 0: a crash
        // between leaves a table no switch names, which the next open drops.
        self.durably(|c| c.set_next_embedder(None))?;
        let table = match &self.vectors_dir {
            Some(dir) => {
                Vectors::drop_tables_except(dir, &[table_name(&active)]).await?;
                Vectors::open(dir, &table_name(model), Some(dim)).await?
            }
            None => Vectors::in_memory(&table_name(model), dim).await?,
        };
        self.durably(|c| c.set_next_embedder(Some(model)))?;
        *self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((model.to_string(), table));
        Ok(())
    }

    /// Up to `limit` chunks the switch under way has not embedded yet, in id order, stopping before
    /// the first chunk of a document still being written (`waiting`). Nothing when no switch is under way.
    pub fn next_chunks_to_embed(&self, limit: usize) -> Result<NextChunks, StoreError> {
        let c = self.catalog();
        let Some((_, done)) = c.embedding()?.1 else {
            return Ok(NextChunks { chunks: Vec::new(), upto: ChunkId(0), waiting: false });
        };
        let mut next = NextChunks { chunks: Vec::new(), upto: done, waiting: false };
        for (chunk, doc, status, text, path) in c.chunks_after(done, limit)? {
            if status != Status::Indexed {
                next.waiting = true;
                break;
            }
            next.chunks.push((chunk, doc, folio_core::prompt::file_name(&path).to_owned(), text));
            next.upto = chunk;
        }
        Ok(next)
    }

    /// Writes the next model's vectors of `chunks` (as [`Store::next_chunks_to_embed`] gave them, one
    /// vector each), then records that the switch reached `upto`. Chunks whose document was removed or
    /// replaced meanwhile are left out.
    pub async fn write_next_vectors(
        &self,
        chunks: &[(ChunkId, DocumentId)],
        vectors: &[Vec<f32>],
        upto: ChunkId,
    ) -> Result<(), StoreError> {
        if chunks.len() != vectors.len() {
            return Err(StoreError::Incompatible(format!("{} chunks but {} vectors", chunks.len(), vectors.len())));
        }
        let _writing = self.next_writes.lock().await;
        let Some(table) = self.next_vectors() else {
            return Err(StoreError::Incompatible("no switch of embedding model is under way".into()));
        };
        let ids: Vec<ChunkId> = chunks.iter().map(|(c, _)| *c).collect();
        let live: HashSet<ChunkId> = self.documents().indexed_chunks(&ids)?.into_iter().map(|(c, ..)| c).collect();
        let rows: Vec<(ChunkId, DocumentId, &[f32])> = chunks
            .iter()
            .zip(vectors)
            .filter(|((c, _), _)| live.contains(c))
            .map(|((c, d), v)| (*c, *d, v.as_slice()))
            .collect();
        table.add(&rows).await?;
        self.catalog().set_next_done(upto)?;
        Ok(())
    }

    /// Ends the switch under way once every indexed chunk has its vector in the next table: the table
    /// is checked against the catalog (vectors of chunks gone are deleted; chunks without a vector are
    /// returned, and nothing changes), then the catalog makes it the table searched and the old one is
    /// dropped. Returns the chunks still missing a vector (empty when the switch is done).
    pub async fn finish_embedder_switch(&self) -> Result<Vec<ChunkId>, StoreError> {
        let _writing = self.next_writes.lock().await;
        let Some((model, table)) = self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone() else {
            return Ok(Vec::new());
        };
        let indexed: HashSet<ChunkId> = self.documents().indexed_chunk_ids()?.into_iter().collect();
        let have = table.all_chunk_ids().await?;
        let (missing, orphans, duplicates) = crate::compare(&indexed, &indexed, &have);
        if !orphans.is_empty() || !duplicates.is_empty() {
            let gone: Vec<ChunkId> = orphans.iter().chain(&duplicates).copied().collect();
            table.delete_chunks(&gone).await?;
        }
        if !duplicates.is_empty() {
            // Every copy went: they are embedded again, as missing ones.
            return Ok(duplicates.into_iter().chain(missing).collect());
        }
        if !missing.is_empty() {
            return Ok(missing);
        }
        // One catalog step makes the switch; the old table is only dropped after it (a crash between
        // leaves a table that the next open drops).
        self.durably(|c| c.promote_next_embedder())?;
        *self.vectors.write().unwrap_or_else(std::sync::PoisonError::into_inner) = (model, table);
        *self.next.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        self.drop_unused_tables().await?;
        Ok(Vec::new())
    }

    /// Texts of indexed chunks, as (chunk, document, file name, text), for vectors a switch lacks.
    pub fn chunks_to_embed(&self, ids: &[ChunkId]) -> Result<Vec<(ChunkId, DocumentId, String, String)>, StoreError> {
        Ok(self
            .documents()
            .indexed_chunks(ids)?
            .into_iter()
            .map(|(c, d, text, path)| (c, d, folio_core::prompt::file_name(&path).to_owned(), text))
            .collect())
    }

    /// Writes vectors of the next model for chunks a switch lacks, without moving its progress.
    pub async fn add_next_vectors(
        &self,
        chunks: &[(ChunkId, DocumentId)],
        vectors: &[Vec<f32>],
    ) -> Result<(), StoreError> {
        let done = self.catalog().embedding()?.1.map_or(ChunkId(0), |(_, d)| d);
        self.write_next_vectors(chunks, vectors, done).await
    }

    /// Drops the tables neither searched nor being filled.
    async fn drop_unused_tables(&self) -> Result<(), StoreError> {
        let Some(dir) = &self.vectors_dir else { return Ok(()) };
        let (active, next) = self.catalog().embedding()?;
        let mut keep = vec![table_name(&active)];
        keep.extend(next.map(|(m, _)| table_name(&m)));
        Vectors::drop_tables_except(dir, &keep).await
    }
}
