//! Indexing: walk folders, skip what is unchanged, extract, chunk, embed and write in batches.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use folio_core::chunk::{chunk_document, ChunkParams};
use folio_core::{Chunk, DocumentId, JobId};
use folio_core::{DocumentRecord, JobRecord, JobState, Status};
use folio_extract::{ExtractError, Format};
use folio_models::{Embedder, ModelError, MINILM_MAX_TOKENS};
use folio_store::{DocumentText, FileFacts, TextBatch};

use crate::{absolute, jobs, walk, EngineError, Library};

/// Options for an indexing run.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// Chunk sizes.
    pub chunking: ChunkParams,
    /// Chunks embedded and written per batch.
    pub batch_chunks: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions { max_file_bytes: 64 << 20, chunking: ChunkParams::default(), batch_chunks: 256 }
    }
}

/// Progress of an indexing run, reported after every file and batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Files looked at so far.
    pub files_done: u64,
    /// Files found in the folders.
    pub files_total: u64,
    /// Chunks embedded and written so far.
    pub chunks_written: u64,
    /// Bytes of files read so far.
    pub bytes_read: u64,
    /// The file being processed.
    pub current: Option<String>,
    /// Bytes of all files found.
    pub bytes_total: u64,
    /// Time since the job started, in milliseconds.
    pub elapsed_ms: u64,
    /// The job's id in the catalog (0 for text added without a job).
    pub job: JobId,
    /// Whether the job is paused.
    pub paused: bool,
}

impl Progress {
    /// Bytes looked at per second so far.
    pub fn bytes_per_sec(&self) -> f64 {
        if self.elapsed_ms == 0 {
            0.0
        } else {
            self.bytes_read as f64 * 1000.0 / self.elapsed_ms as f64
        }
    }

    /// Seconds left at the rate so far, once there is a rate to go by.
    pub fn eta_secs(&self) -> Option<u64> {
        let rate = self.bytes_per_sec();
        (rate > 0.0 && self.bytes_read > 0)
            .then(|| (self.bytes_total.saturating_sub(self.bytes_read) as f64 / rate) as u64)
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Indexed now, with this many chunks.
    Indexed(usize),
    /// Unchanged since the last run.
    Unchanged,
    /// The same content as an indexed file that is gone: a rename or move, kept without re-embedding.
    Moved(String),
    /// Deliberately not indexed.
    Skipped(String),
    /// Could not be indexed.
    Failed(String),
}

/// A file (or a folder the walk could not read) that was not indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileNote {
    /// Its path (as the catalog keys it).
    pub path: String,
    /// Why, for people.
    pub reason: String,
}

/// A file found at a new path with the content of one indexed before: its chunks and vectors stay.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Renamed {
    /// Where it was.
    pub from: String,
    /// Where it is now.
    pub to: String,
}

/// The result of an indexing run.
#[derive(Debug, Clone, Default)]
pub struct IndexReport {
    /// Files indexed (new or changed).
    pub indexed: u64,
    /// Files unchanged since the last run.
    pub unchanged: u64,
    /// Files skipped, with reasons.
    pub skipped: Vec<FileNote>,
    /// Files that failed, and folders the walk could not read, with reasons.
    pub failed: Vec<FileNote>,
    /// Files removed because they no longer exist.
    pub removed: u64,
    /// Files renamed or moved; their chunks and vectors were kept.
    pub moved: Vec<Renamed>,
    /// The job's id in the catalog.
    pub job: JobId,
    /// Whether the job was cancelled before it looked at every file (files done so far stay indexed).
    pub cancelled: bool,
    /// Chunks written.
    pub chunks: u64,
}

/// A file found by the walk.
pub(crate) struct Found {
    pub(crate) folder_id: folio_core::FolderId,
    pub(crate) path: PathBuf,
    /// The path as the catalog stores it (lossy UTF-8 for names that are not valid UTF-8); the one
    /// form used to look files up and to tell which ones disappeared.
    pub(crate) key: String,
    pub(crate) size: u64,
    pub(crate) mtime_ns: i64,
    /// Device and inode the walk saw: the file opened later must be this one.
    pub(crate) identity: (u64, u64),
}

/// A file extracted and chunked, waiting to be written.
struct Pending {
    facts: FileFacts,
    title: String,
    chunks: Vec<Chunk>,
}

/// Indexing's pipeline. Files are gathered into batches; a full batch's text is written at once (so
/// keyword search finds it), then its chunks are embedded on the blocking pool while the next files
/// are read, extracted and chunked; its vectors are written when the next batch is ready or the run
/// ends. So extraction and the catalog and Tantivy writes overlap with embedding, which is most of
/// the work.
#[derive(Default)]
struct Pipeline {
    pending: Vec<Pending>,
    pending_chunks: usize,
    embedding: Option<Embedding>,
}

/// A batch whose text is written and whose chunks are being embedded.
struct Embedding {
    batch: TextBatch,
    task: tokio::task::JoinHandle<Result<Vec<Vec<f32>>, ModelError>>,
}

impl Library {
    /// Indexes `folders` (adding them to the library) as a durable job, reporting progress through
    /// `progress`. A file that cannot be read or parsed is recorded with its reason and the run goes
    /// on. The job can be paused, resumed and cancelled (also from another process) through its row.
    pub async fn index(
        &self,
        folders: &[PathBuf],
        options: IndexOptions,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<IndexReport, EngineError> {
        let roots: Vec<PathBuf> = folders.iter().map(|f| absolute(f)).collect::<Result<_, _>>()?;
        let names: Vec<String> = roots.iter().map(|r| r.to_string_lossy().into_owned()).collect();
        let job = self.store.jobs().create_job(&names)?;
        self.run_job(job, &roots, options, progress).await
    }

    /// Finishes jobs that a crash or kill interrupted, and jobs still queued, oldest first.
    pub async fn run_unfinished_jobs(
        &self,
        options: IndexOptions,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<Vec<IndexReport>, EngineError> {
        let mut jobs = self.unfinished_jobs()?;
        jobs.sort_by_key(|j| j.id);
        let mut reports = Vec::new();
        for job in jobs {
            let roots: Vec<PathBuf> = job.folders.iter().map(PathBuf::from).filter(|p| p.is_dir()).collect();
            reports.push(self.run_job(job.id, &roots, options, progress).await?);
        }
        Ok(reports)
    }

    /// Lets a paused job go on: in this process when it is the one running it, otherwise by running it
    /// here (a job paused before a restart).
    pub async fn resume_job(
        &self,
        job: JobId,
        options: IndexOptions,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<Option<IndexReport>, EngineError> {
        let record = jobs::transition(&self.store.jobs(), job, &[JobState::Paused], JobState::Running)?;
        if self.running_job.load(std::sync::atomic::Ordering::SeqCst) == job.0 {
            return Ok(None);
        }
        let roots: Vec<PathBuf> = record.folders.iter().map(PathBuf::from).filter(|p| p.is_dir()).collect();
        Ok(Some(self.run_job(job, &roots, options, progress).await?))
    }

    /// Pauses a queued or running job.
    pub fn pause_job(&self, job: JobId) -> Result<(), EngineError> {
        jobs::transition(&self.store.jobs(), job, jobs::PAUSABLE, JobState::Paused).map(drop)
    }

    /// Cancels a job; the files done so far stay indexed.
    pub fn cancel_job(&self, job: JobId) -> Result<(), EngineError> {
        jobs::transition(&self.store.jobs(), job, jobs::CANCELLABLE, JobState::Cancelled).map(drop)
    }

    /// Every job, newest first.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, EngineError> {
        Ok(self.store.jobs().jobs()?)
    }

    /// Jobs left running by a process that is gone, or queued. (This process holds the library's
    /// write lock, so no other process is running them.)
    pub fn unfinished_jobs(&self) -> Result<Vec<JobRecord>, EngineError> {
        let running = self.running_job.load(std::sync::atomic::Ordering::SeqCst);
        Ok(self
            .store
            .jobs()
            .jobs()?
            .into_iter()
            .filter(|j| matches!(j.state, JobState::Running | JobState::Queued) && j.id.0 != running)
            .collect())
    }

    async fn run_job(
        &self,
        job: JobId,
        roots: &[PathBuf],
        options: IndexOptions,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<IndexReport, EngineError> {
        let _one_at_a_time = self.indexing.lock().await;
        let state = self.store.jobs().job(job)?.map(|j| j.state);
        if matches!(state, Some(JobState::Cancelled | JobState::Done | JobState::Failed) | None) {
            return Ok(IndexReport { job, cancelled: state == Some(JobState::Cancelled), ..IndexReport::default() });
        }
        if state != Some(JobState::Paused) {
            self.store.jobs().set_job_state(job, JobState::Running, None)?;
        }
        let running = RunningJob::start(&self.running_job, job.0);
        let result = self.walk_and_index(job, roots, options, progress).await;
        drop(running);
        let (end, error) = match &result {
            Ok(r) if r.cancelled => (JobState::Cancelled, None),
            Ok(_) => (JobState::Done, None),
            Err(e) => (JobState::Failed, Some(e.to_string())),
        };
        self.store.jobs().set_job_state(job, end, error.as_deref())?;
        result
    }

    /// Waits while the job is paused; `false` when it was cancelled. Pending work is written first,
    /// so that everything looked at so far is durable while the job waits or stops.
    async fn job_gate(
        &self,
        pipeline: &mut Pipeline,
        report: &mut IndexReport,
        state: &mut Progress,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<bool, EngineError> {
        let (done, total) = (state.files_done, state.files_total);
        let mut current = self.store.jobs().job_progress(state.job, done, total)?;
        if matches!(current, JobState::Paused | JobState::Cancelled) {
            self.drain(pipeline, report, state).await?;
        }
        while current == JobState::Paused {
            state.paused = true;
            progress(state);
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            current = self.store.jobs().job(state.job)?.map_or(JobState::Cancelled, |j| j.state);
        }
        if state.paused {
            state.paused = false;
            progress(state);
        }
        Ok(current != JobState::Cancelled)
    }

    async fn walk_and_index(
        &self,
        job: JobId,
        roots: &[PathBuf],
        options: IndexOptions,
        progress: &(dyn Fn(&Progress) + Send + Sync),
    ) -> Result<IndexReport, EngineError> {
        let started = std::time::Instant::now();
        let mut found = Vec::new();
        let mut walked = Vec::new();
        let mut unreadable = Vec::new();
        for root in roots {
            let root_str = root.to_string_lossy().into_owned();
            let (folder_id, added) = self.store.folders().add_folder(&root_str)?;
            if added {
                self.folders_changed.send_modify(|v| *v += 1);
            }
            let (root_owned, library_dir) = (root.clone(), self.config.dir.clone());
            // The walk reads directories and ignore files: blocking work, off the async threads.
            let (here, blocked) = tokio::task::spawn_blocking(move || walk::walk(&root_owned, folder_id, &library_dir))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))?;
            let seen: HashSet<String> = here.iter().map(|f| f.key.clone()).collect();
            found.extend(here);
            walked.push((folder_id, seen, blocked.iter().map(|b| b.0.clone()).collect::<Vec<_>>()));
            unreadable.extend(blocked);
        }
        // A folder given twice, or one inside another, is indexed once.
        let mut keys = HashSet::new();
        found.retain(|f| keys.insert(f.key.clone()));
        let mut report = IndexReport { job, ..IndexReport::default() };
        for (place, why) in unreadable {
            report.failed.push(FileNote { path: place.to_string_lossy().into_owned(), reason: why });
        }
        let mut state = Progress {
            files_total: found.len() as u64,
            // Sizes as the file system reports them: a sparse file can claim exabytes.
            bytes_total: found.iter().fold(0, |sum: u64, f| sum.saturating_add(f.size)),
            job,
            ..Progress::default()
        };
        progress(&state);

        let mut pipeline = Pipeline::default();
        for file in found {
            state.elapsed_ms = started.elapsed().as_millis() as u64;
            if !self.job_gate(&mut pipeline, &mut report, &mut state, progress).await? {
                report.cancelled = true;
                break;
            }
            let path_str = file.key.clone();
            state.current = Some(path_str.clone());
            state.bytes_read = state.bytes_read.saturating_add(file.size);
            let outcome = self.prepare(&file, &path_str, options).await?;
            match outcome {
                Prepared::Ready(p) => self.push(&mut pipeline, p, options, &mut report, &mut state).await?,
                Prepared::Done(FileOutcome::Unchanged) => report.unchanged += 1,
                Prepared::Done(FileOutcome::Moved(from)) => report.moved.push(Renamed { from, to: path_str }),
                Prepared::Done(FileOutcome::Skipped(why)) => {
                    report.skipped.push(FileNote { path: path_str, reason: why });
                }
                Prepared::Done(FileOutcome::Failed(why)) => {
                    report.failed.push(FileNote { path: path_str, reason: why })
                }
                Prepared::Done(FileOutcome::Indexed(_)) => {}
            }
            state.files_done += 1;
            progress(&state);
        }
        self.drain(&mut pipeline, &mut report, &mut state).await?;

        // Files that disappeared from the folders walked in this run (only known after a full walk).
        let walked = if report.cancelled { Vec::new() } else { walked };
        // What lies in a place the walk could not read is not known to be gone, so it stays.
        for (folder_id, seen, blocked) in walked {
            let known = self.store.documents().documents_in_folder(folder_id)?;
            let gone: Vec<DocumentId> = known
                .iter()
                .filter(|d| !seen.contains(&d.path) && !blocked.iter().any(|b| Path::new(&d.path).starts_with(b)))
                .map(|d| d.id)
                .collect();
            report.removed += gone.len() as u64;
            self.store.remove(&gone).await?;
        }
        if report.chunks > 0 || report.removed > 0 {
            self.after_vectors_changed().await?;
        }
        state.current = None;
        state.elapsed_ms = started.elapsed().as_millis() as u64;
        let (done, total) = (state.files_done, state.files_total);
        self.store.jobs().job_progress(job, done, total)?;
        progress(&state);
        Ok(report)
    }

    /// Decides what to do with one file: nothing (unchanged), record a skip or failure, or chunk it.
    async fn prepare(&self, file: &Found, path: &str, options: IndexOptions) -> Result<Prepared, EngineError> {
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
            return self.settle(&facts, Status::Skipped, "unsupported file type").await;
        };
        if file.size > options.max_file_bytes {
            let why = format!("larger than the {} MB limit", options.max_file_bytes >> 20);
            return self.settle(&facts, Status::Skipped, &why).await;
        }
        match self.store.abandoned_attempt(path)? {
            // Folio stopped (crashed, was killed) while reading this very version: not again.
            Some(stamp) if stamp == (file.size, file.mtime_ns) => {
                let why = STOPPED_WHILE_READING.to_string();
                return self.unreadable(known.as_ref(), &facts, why, false).await;
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
                let why = format!("larger than the {} MB limit", options.max_file_bytes >> 20);
                return self.settle(&facts, Status::Skipped, &why).await;
            }
            Err(e) => return self.unreadable(known.as_ref(), &facts, format!("cannot read the file: {e}"), true).await,
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
        let embedder = Arc::clone(&self.embedder);
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
                let why = format!("the reader crashed on this file ({})", panic_message(join));
                self.store.end_attempt(&facts.path).await?;
                return self.unreadable(known.as_ref(), &facts, why, false).await;
            }
            Ok(result) => result,
        };
        self.store.end_attempt(&facts.path).await?;
        match extracted {
            Ok(chunks) if chunks.is_empty() => self.settle(&facts, Status::Skipped, "no text to index").await,
            Ok(chunks) => {
                let title = file.path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                Ok(Prepared::Ready(Pending { facts, title, chunks }))
            }
            Err(
                e @ (ExtractError::Empty
                | ExtractError::Binary
                | ExtractError::Unsupported
                | ExtractError::NotText(_)
                | ExtractError::NeedsTool(_)),
            ) => self.settle(&facts, Status::Skipped, &e.to_string()).await,
            Err(e @ (ExtractError::Encrypted | ExtractError::Corrupt(_))) => {
                self.settle(&facts, Status::Failed, &e.to_string()).await
            }
            // A limit or a dead reader: the version indexed earlier, if any, is kept.
            Err(ExtractError::Stopped(why)) => self.unreadable(known.as_ref(), &facts, why, false).await,
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
        why: String,
        retry: bool,
    ) -> Result<Prepared, EngineError> {
        if known.is_some_and(|k| k.status == Status::Indexed) {
            return Ok(Prepared::Done(FileOutcome::Failed(format!("{why}; the version indexed earlier is kept"))));
        }
        let facts = FileFacts { mtime_ns: if retry { 0 } else { facts.mtime_ns }, ..facts.clone() };
        self.settle(&facts, Status::Failed, &why).await
    }

    async fn settle(&self, facts: &FileFacts, status: Status, reason: &str) -> Result<Prepared, EngineError> {
        self.store.record_without_chunks(facts, status, reason).await?;
        Ok(Prepared::Done(if status == Status::Failed {
            FileOutcome::Failed(reason.to_string())
        } else {
            FileOutcome::Skipped(reason.to_string())
        }))
    }

    /// Adds a prepared file to the pipeline, writing the batch once it is full.
    async fn push(
        &self,
        pipeline: &mut Pipeline,
        file: Pending,
        options: IndexOptions,
        report: &mut IndexReport,
        state: &mut Progress,
    ) -> Result<(), EngineError> {
        pipeline.pending_chunks += file.chunks.len();
        pipeline.pending.push(file);
        if pipeline.pending_chunks >= options.batch_chunks {
            self.submit(pipeline, report, state).await?;
        }
        Ok(())
    }

    /// Writes the pending files' text, finishes the batch embedded before them, and starts embedding
    /// theirs.
    async fn submit(
        &self,
        pipeline: &mut Pipeline,
        report: &mut IndexReport,
        state: &mut Progress,
    ) -> Result<(), EngineError> {
        if pipeline.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut pipeline.pending);
        pipeline.pending_chunks = 0;
        let texts: Vec<String> =
            pending.iter().flat_map(|p| p.chunks.iter().map(|c| embedding_text(&p.title, &c.text))).collect();
        let docs: Vec<DocumentText> =
            pending.into_iter().map(|p| DocumentText { facts: p.facts, title: p.title, chunks: p.chunks }).collect();
        let batch = self.store.write_text(&docs).await?;
        self.finish_embedding(pipeline, report, state).await?;
        let embedder = Arc::clone(&self.embedder);
        let task = tokio::task::spawn_blocking(move || embedder.embed(&texts));
        pipeline.embedding = Some(Embedding { batch, task });
        Ok(())
    }

    /// Waits for the batch being embedded and writes its vectors.
    async fn finish_embedding(
        &self,
        pipeline: &mut Pipeline,
        report: &mut IndexReport,
        state: &mut Progress,
    ) -> Result<(), EngineError> {
        let Some(Embedding { batch, task }) = pipeline.embedding.take() else {
            return Ok(());
        };
        let embedded = match task.await {
            Ok(result) => result.map_err(EngineError::from),
            Err(e) => Err(EngineError::Internal(e.to_string())),
        };
        let vectors = match embedded {
            Ok(vectors) => vectors,
            Err(e) => {
                // The batch's text is searchable but will get no vectors: take it out again and queue
                // its files for the next run.
                self.store.requeue_interrupted().await?;
                return Err(e);
            }
        };
        self.store.write_vectors(&batch, &vectors).await?;
        let chunks = batch.chunk_count() as u64;
        report.indexed += batch.documents.len() as u64;
        report.chunks += chunks;
        state.chunks_written += chunks;
        Ok(())
    }

    /// Writes everything still in the pipeline.
    async fn drain(
        &self,
        pipeline: &mut Pipeline,
        report: &mut IndexReport,
        state: &mut Progress,
    ) -> Result<(), EngineError> {
        self.submit(pipeline, report, state).await?;
        self.finish_embedding(pipeline, report, state).await
    }

    /// Embeds a search query.
    pub(crate) async fn embed_query(&self, query: &str) -> Result<Vec<f32>, EngineError> {
        let embedder: Arc<dyn Embedder> = Arc::clone(&self.embedder);
        let text = vec![query.to_string()];
        let mut v = tokio::task::spawn_blocking(move || embedder.embed(&text))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))??;
        v.pop().ok_or_else(|| EngineError::Internal("the embedder returned no vector".into()))
    }
}

/// Why a file is failed after Folio stopped while reading it.
pub const STOPPED_WHILE_READING: &str = "Folio stopped while reading this file; it will be read again once it changes";

/// Token allowance for the title line embedded with each chunk.
const TITLE_TOKENS: usize = 24;

/// The text embedded for a chunk: the file name, then the chunk.
pub(crate) fn embedding_text(title: &str, text: &str) -> String {
    let title: String = title.chars().take(80).collect();
    format!("{title}\n{text}")
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

/// Marks a job as this process's running job until dropped, also when the job's future is dropped
/// half-way (a watch stopped, the library closed): a job left marked would keep `is_indexing` true
/// and be skipped as someone else's by `unfinished_jobs`.
struct RunningJob<'a>(&'a std::sync::atomic::AtomicI64);

impl<'a> RunningJob<'a> {
    fn start(slot: &'a std::sync::atomic::AtomicI64, job: i64) -> Self {
        slot.store(job, std::sync::atomic::Ordering::SeqCst);
        RunningJob(slot)
    }
}

impl Drop for RunningJob<'_> {
    fn drop(&mut self) {
        self.0.store(0, std::sync::atomic::Ordering::SeqCst);
    }
}

enum Prepared {
    Ready(Pending),
    Done(FileOutcome),
}

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
        let mut report = IndexReport::default();
        let mut state = Progress { files_total: docs.len() as u64, ..Progress::default() };
        let chunking = chunk_params(options);
        let mut pipeline = Pipeline::default();
        for doc in docs {
            let hash = blake3::hash(format!("{}\n{}", doc.title, doc.text).as_bytes()).to_hex().to_string();
            let known = self.store.documents().document_by_path(&doc.key)?;
            state.files_done += 1;
            state.bytes_read += doc.text.len() as u64;
            if known.is_some_and(|k| k.status == Status::Indexed && k.hash.as_deref() == Some(hash.as_str())) {
                report.unchanged += 1;
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
            let chunks = chunk_document(&doc.text, &sections, chunking, self.embedder.tokens());
            if chunks.is_empty() {
                self.store.record_without_chunks(&facts, Status::Skipped, "no text to index").await?;
                report.skipped.push(FileNote { path: doc.key, reason: "no text to index".into() });
                continue;
            }
            let before = state.chunks_written;
            self.push(&mut pipeline, Pending { facts, title: doc.title, chunks }, options, &mut report, &mut state)
                .await?;
            if state.chunks_written != before {
                progress(&state);
            }
        }
        self.drain(&mut pipeline, &mut report, &mut state).await?;
        if report.chunks > 0 {
            self.after_vectors_changed().await?;
        }
        progress(&state);
        Ok(report)
    }
}

/// Chunk sizes that leave room for [CLS], [SEP] and the title line embedded with each chunk.
fn chunk_params(options: IndexOptions) -> ChunkParams {
    ChunkParams {
        max_tokens: options.chunking.max_tokens.min(MINILM_MAX_TOKENS - 2 - TITLE_TOKENS),
        ..options.chunking
    }
}
