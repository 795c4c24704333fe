//! Damage as a crash, a power cut or a disk that lied about a sync leaves it, for the tests of
//! recovery and repair: the one way around the consistency protocol. Nothing in Folio calls these
//! (the tidy test checks that only `tests/` does).

use folio_core::{ChunkId, DocumentId};

use crate::{blocking, Store, StoreError};

/// Marks documents `indexing`, as a crash in the middle of rewriting them leaves them.
pub fn mark_indexing(store: &Store, docs: &[DocumentId]) -> Result<(), StoreError> {
    store.catalog().mark_indexing(docs)
}

/// Loses the vectors of `ids`.
pub async fn lose_vectors(store: &Store, ids: &[ChunkId]) -> Result<(), StoreError> {
    store.vectors().delete_chunks(ids).await
}

/// Loses the full-text entries of `ids`.
pub fn lose_text(store: &Store, ids: &[ChunkId]) -> Result<(), StoreError> {
    blocking(|| {
        store.text.delete_chunks(ids)?;
        store.text.commit()
    })
}

/// Adds a full-text entry the catalog does not know (or a second copy of one it does).
pub fn stray_text(store: &Store, chunk: ChunkId, doc: DocumentId, title: &str, text: &str) -> Result<(), StoreError> {
    blocking(|| {
        store.text.add(chunk, doc, title, text)?;
        store.text.commit()
    })
}

/// Adds vectors the catalog does not know (or second copies of ones it does).
pub async fn stray_vectors(store: &Store, rows: &[(ChunkId, DocumentId, &[f32])]) -> Result<(), StoreError> {
    store.vectors().add(rows).await
}

/// Every chunk id in the vector table, duplicates included.
pub async fn vector_ids(store: &Store) -> Result<Vec<ChunkId>, StoreError> {
    store.vectors().all_chunk_ids().await
}

/// Writes vectors to the table of a switch of embedding model without recording the step, as a crash
/// between the two leaves them.
pub async fn next_vectors_unrecorded(store: &Store, rows: &[(ChunkId, DocumentId, &[f32])]) -> Result<(), StoreError> {
    let next = store.next_vectors().ok_or_else(|| StoreError::Incompatible("no switch under way".into()))?;
    next.add(rows).await
}

/// Every chunk id in the table of a switch of embedding model (none without a switch).
pub async fn next_vector_ids(store: &Store) -> Result<Vec<ChunkId>, StoreError> {
    match store.next_vectors() {
        Some(next) => next.all_chunk_ids().await,
        None => Ok(Vec::new()),
    }
}
