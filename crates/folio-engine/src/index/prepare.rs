//! One file's fate before anything is written: unchanged (by size and time, then BLAKE3), renamed
//! (an indexed file's content at a new path), skipped or failed with a reason, or read in an
//! extraction worker and chunked, ready for the pipeline.

use std::path::Path;
use std::sync::Arc;

use folio_core::chunk::{chunk_document, ChunkParams};
use folio_core::problem::{Stop, Unreadable};
use folio_core::{Chunk, DocumentRecord, Problem, Status};
use folio_extract::{ExtractError, Format};
use folio_models::MINILM_MAX_TOKENS;
use folio_store::FileFacts;

use super::pipeline::Pending;
use super::walk::{self, Found};
use super::{FileOutcome, IndexOptions};
use crate::{EngineError, Library};

/// Token allowance for the title line embedded with each chunk.
const TITLE_TOKENS: usize = 24;

pub(super) enum Prepared {
    Ready(Pending),
    Done(FileOutcome),
}

impl Library {
    /// Decides what to do with one file: nothing (unchanged), record a skip or failure, or chunk it.
    pub(super) async fn prepare(
        &self,
        file: &Found,
        path: &str,
        options: IndexOptions,
    ) -> Result<Prepared, EngineError> {
        let known = self.store.documents().document_by_path(path)?;
        if let Some(k) = &known {
            let settled = matches!(k.status, Status::Indexed | Status::Skipped | Status::Failed);
            if settled && k.size == file.size && k.mtime_ns == file.mtime_ns {
                return Ok(Prepared::Done(FileOutcome::Unchanged));
            }
        }
        let format = Format::from_path(&file.path);
        let mut facts = FileFacts {
            folder_id: file.folder_id,
            path: path.to_string(),
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash: None,
            format: format.map(|f| f.name().to_string()),
        };
        let Some(format) = format else {
            return self.settle(&facts, Status::Skipped, Problem::Unsupported).await;
        };
        let too_large = Problem::TooLarge { limit: options.max_file_bytes };
        if file.size > options.max_file_bytes {
            return self.settle(&facts, Status::Skipped, too_large).await;
        }
        match self.store.abandoned_attempt(path)? {
            // Folio stopped (crashed, was killed) while reading this very version: not again.
            Some(stamp) if stamp == (file.size, file.mtime_ns) => {
                return self.unreadable(known.as_ref(), &facts, Problem::StoppedWhileReading, false).await;
            }
            Some(_) => self.store.end_attempt(path).await?,
            None => {}
        }
        let bytes = match walk::read_stable(file, options.max_file_bytes).await {
            Ok((b, Some((size, mtime_ns)))) => {
                // The bytes are those of the file as it is now, which may be newer than the walk saw.
                (facts.size, facts.mtime_ns) = (size, mtime_ns);
                b
            }
            Ok((b, None)) => {
                // Still being written: index what is there and have the next scan read it again.
                facts.mtime_ns = 0;
                b
            }
            Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                return self.settle(&facts, Status::Skipped, too_large).await;
            }
            Err(e) => {
                let why = Problem::CannotRead { what: Unreadable::File, error: e.to_string() };
                return self.unreadable(known.as_ref(), &facts, why, true).await;
            }
        };
        // Hashing up to 64 MB is CPU work: on the blocking pool, as the read was.
        let (bytes, hash) = tokio::task::spawn_blocking(move || {
            let hash = blake3::hash(&bytes).to_hex().to_string();
            (bytes, hash)
        })
        .await
        .map_err(|e| EngineError::Internal(e.to_string()))?;
        if let Some(k) = &known {
            if k.status == Status::Indexed && k.hash.as_deref() == Some(hash.as_str()) {
                self.store.documents().touch(k.id, file.size, file.mtime_ns)?;
                return Ok(Prepared::Done(FileOutcome::Unchanged));
            }
        }
        facts.hash = Some(hash.clone());
        if known.is_none() {
            // A new path with the content of an indexed file that no longer exists: a rename or move.
            let candidates = self.store.documents().indexed_with_hash(&hash)?;
            if let Some(old) = candidates.into_iter().find(|d| !Path::new(&d.path).exists()) {
                let title = file.path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                self.store.move_document(old.id, &facts, &title).await?;
                return Ok(Prepared::Done(FileOutcome::Moved(old.path)));
            }
        }
        let embedder = self.embedder();
        let workers = Arc::clone(&self.workers);
        let chunking = chunk_params(options);
        // The file is parsed in a worker process under limits (folio_extract::worker), so a reader that
        // crashes, loops or eats memory fails this file, not the run; chunking happens here, in linear time.
        let task = tokio::task::spawn_blocking(move || -> Result<Vec<Chunk>, ExtractError> {
            let doc = workers.extract(&bytes, format)?;
            drop(bytes);
            Ok(chunk_document(&doc.text, &doc.sections, chunking, embedder.tokens()))
        });
        self.store.begin_attempt(&facts).await?;
        let extracted = match task.await {
            Err(join) => {
                let why = Problem::Stopped { stop: Stop::Panicked { message: panic_message(join) } };
                self.store.end_attempt(&facts.path).await?;
                return self.unreadable(known.as_ref(), &facts, why, false).await;
            }
            Ok(result) => result,
        };
        self.store.end_attempt(&facts.path).await?;
        match extracted {
            Ok(chunks) if chunks.is_empty() => self.settle(&facts, Status::Skipped, Problem::NoText).await,
            Ok(chunks) => {
                let title = file.path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                Ok(Prepared::Ready(Pending { facts, title, chunks }))
            }
            Err(
                e @ (ExtractError::Empty
                | ExtractError::Binary
                | ExtractError::Unsupported
                | ExtractError::NotText { .. }
                | ExtractError::NeedsTool(_)),
            ) => self.settle(&facts, Status::Skipped, e.into()).await,
            Err(e @ (ExtractError::Encrypted | ExtractError::Corrupt(_))) => {
                self.settle(&facts, Status::Failed, e.into()).await
            }
            // A limit or a dead reader: the version indexed earlier, if any, is kept.
            Err(e @ ExtractError::Stopped(_)) => self.unreadable(known.as_ref(), &facts, e.into(), false).await,
        }
    }

    /// A file that could not be read this time: no permission, an I/O error, a reader that hung or
    /// crashed. A document indexed earlier keeps its entries, and its old stamp, so that a later scan
    /// reads the file again once it has changed; nothing already indexed is lost to a passing failure.
    /// Any other file is recorded as failed; after an I/O error (`retry`) it is stamped so that the
    /// next scan tries again even if the file itself does not change (a permission fixed, a disk back).
    async fn unreadable(
        &self,
        known: Option<&DocumentRecord>,
        facts: &FileFacts,
        why: Problem,
        retry: bool,
    ) -> Result<Prepared, EngineError> {
        if known.is_some_and(|k| k.status == Status::Indexed) {
            return Ok(Prepared::Done(FileOutcome::KeptEarlier(why)));
        }
        let facts = FileFacts { mtime_ns: if retry { 0 } else { facts.mtime_ns }, ..facts.clone() };
        self.settle(&facts, Status::Failed, why).await
    }

    async fn settle(&self, facts: &FileFacts, status: Status, reason: Problem) -> Result<Prepared, EngineError> {
        self.store.record_without_chunks(facts, status, &reason).await?;
        Ok(Prepared::Done(if status == Status::Failed {
            FileOutcome::Failed(reason)
        } else {
            FileOutcome::Skipped(reason)
        }))
    }
}

/// The message of a panicked extraction task.
fn panic_message(join: tokio::task::JoinError) -> String {
    match join.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into()),
        Err(e) => e.to_string(),
    }
}

/// Chunk sizes that leave room for [CLS], [SEP] and the title line embedded with each chunk.
pub(super) fn chunk_params(options: IndexOptions) -> ChunkParams {
    ChunkParams {
        max_tokens: options.chunking.max_tokens.min(MINILM_MAX_TOKENS - 2 - TITLE_TOKENS),
        ..options.chunking
    }
}
