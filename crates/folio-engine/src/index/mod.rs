//! Indexing: folders walked (`walk`), each file's fate decided and its text extracted and chunked
//! (`prepare`), batches written through the store's protocol with embedding overlapped (`pipeline`),
//! and what the run tells its caller (`report`); documents given as text go the same way (`texts`).
//! A run is a durable job: paused, resumed and cancelled through its row, also from another process.

mod events;
mod pipeline;
mod prepare;
mod report;
mod texts;
pub(crate) mod walk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use folio_core::chunk::ChunkParams;
use folio_core::{DocumentId, JobId, JobRecord, JobState};

use crate::{absolute, jobs, EngineError, Library};
pub use events::IndexEvent;
use pipeline::Run;
use prepare::Prepared;
pub use report::{FileNote, FileOutcome, IndexReport, Progress, Renamed};
pub use texts::TextDocument;

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

/// The text embedded for a chunk: the file name, then the chunk.
pub(crate) fn embedding_text(title: &str, text: &str) -> String {
    let title: String = title.chars().take(80).collect();
    format!("{title}\n{text}")
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

    pub(crate) async fn run_job(
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
            report.failed.push(FileNote {
                path: place.to_string_lossy().into_owned(),
                problem: why,
                earlier_kept: false,
            });
        }
        let state = Progress {
            files_total: found.len() as u64,
            // Sizes as the file system reports them: a sparse file can claim exabytes.
            bytes_total: found.iter().fold(0, |sum: u64, f| sum.saturating_add(f.size)),
            job,
            ..Progress::default()
        };
        progress(&state);

        let mut run = Run::new(self, options, progress, report, state);
        for file in found {
            run.state.elapsed_ms = started.elapsed().as_millis() as u64;
            if !run.gate().await? {
                run.report.cancelled = true;
                break;
            }
            let path_str = file.key.clone();
            run.state.current = Some(path_str.clone());
            run.state.bytes_read = run.state.bytes_read.saturating_add(file.size);
            let outcome = self.prepare(&file, &path_str, options).await?;
            let report = &mut run.report;
            match outcome {
                Prepared::Ready(p) => run.push(p).await?,
                Prepared::Done(FileOutcome::Unchanged) => report.unchanged += 1,
                Prepared::Done(FileOutcome::Moved(from)) => report.moved.push(Renamed { from, to: path_str }),
                Prepared::Done(FileOutcome::Skipped(problem)) => {
                    report.skipped.push(FileNote { path: path_str, problem, earlier_kept: false });
                }
                Prepared::Done(FileOutcome::Failed(problem)) => {
                    report.failed.push(FileNote { path: path_str, problem, earlier_kept: false })
                }
                Prepared::Done(FileOutcome::KeptEarlier(problem)) => {
                    report.failed.push(FileNote { path: path_str, problem, earlier_kept: true })
                }
                Prepared::Done(FileOutcome::Indexed(_)) => {}
            }
            run.state.files_done += 1;
            run.report_progress();
        }
        run.drain().await?;
        let Run { mut report, mut state, .. } = run;

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
