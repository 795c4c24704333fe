//! Documents given as text rather than read from files (evaluation corpora, pasted notes): the same
//! chunking, embedding and protocol as files.

use folio_core::chunk::chunk_document;
use folio_core::{Problem, Status};
use folio_store::FileFacts;

use super::pipeline::{Pending, Run};
use super::prepare::chunk_params;
use super::{FileNote, IndexOptions, IndexReport, Progress};
use crate::{EngineError, Library};

/// A document given as text rather than read from a file (evaluation corpora, pasted notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextDocument {
    /// A unique key, stored where a file's path would be.
    pub key: String,
    /// The document's title, indexed like a file name.
    pub title: String,
    /// The document's text.
    pub text: String,
}

impl Library {
    /// Indexes documents given as text into the collection `collection`, with the same chunking,
    /// embedding and protocol as files; documents whose text is unchanged are skipped.
    pub async fn add_texts(
        &self,
        collection: &str,
        docs: Vec<TextDocument>,
        options: IndexOptions,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<IndexReport, EngineError> {
        let _one_at_a_time = self.indexing.lock().await;
        let (folder_id, _) = self.store.folders().add_folder(collection)?;
        let state = Progress { files_total: docs.len() as u64, ..Progress::default() };
        let mut run = Run::new(self, options, progress, IndexReport::default(), state);
        let chunking = chunk_params(options);
        let embedder = self.embedder();
        for doc in docs {
            let hash = blake3::hash(format!("{}\n{}", doc.title, doc.text).as_bytes()).to_hex().to_string();
            let known = self.store.documents().document_by_path(&doc.key)?;
            run.state.files_done += 1;
            run.state.bytes_read += doc.text.len() as u64;
            if known.is_some_and(|k| k.status == Status::Indexed && k.hash.as_deref() == Some(hash.as_str())) {
                run.report.unchanged += 1;
                continue;
            }
            let facts = FileFacts {
                folder_id,
                path: doc.key.clone(),
                size: doc.text.len() as u64,
                mtime_ns: 0,
                hash: Some(hash),
                format: Some("text".into()),
            };
            let sections = folio_core::chunk::whole_text(&doc.text);
            let chunks = chunk_document(&doc.text, &sections, chunking, embedder.tokens());
            if chunks.is_empty() {
                self.store.record_without_chunks(&facts, Status::Skipped, &Problem::NoText).await?;
                run.report.skipped.push(FileNote { path: doc.key, problem: Problem::NoText, earlier_kept: false });
                continue;
            }
            let before = run.state.chunks_written;
            run.push(Pending { facts, title: doc.title, chunks }).await?;
            if run.state.chunks_written != before {
                run.report_progress();
            }
        }
        run.drain().await?;
        if run.report.chunks > 0 {
            self.after_vectors_changed().await?;
        }
        run.report_progress();
        Ok(run.report)
    }
}
