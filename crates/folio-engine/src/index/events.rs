//! Indexing as a stream of events, the shape every long operation has for a front end (an answer's
//! [`crate::AskEvent`]s are the other): `Started` with the job, `Progress` any number of times, then
//! `Finished` with the report or `Failed`. The job is durable and goes on if the receiver is dropped
//! (it is paused or cancelled through its row, not by hanging up); progress a slow receiver has not
//! taken yet is replaced by newer progress rather than queued.

use std::path::PathBuf;
use std::sync::Arc;

use folio_core::JobId;
use tokio::sync::mpsc;

use super::{IndexOptions, IndexReport, Progress};
use crate::{absolute, EngineError, Failure, Library};

/// An event of an indexing job.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexEvent {
    /// The job exists (its id is what `pause`, `resume` and `cancel` take).
    Started {
        /// The job.
        job: JobId,
    },
    /// Where the job stands.
    Progress(Progress),
    /// The job ended (done, or cancelled: see the report).
    Finished(IndexReport),
    /// The job stopped on an error; the files done so far stay indexed.
    Failed {
        /// The job, when it was created.
        job: Option<JobId>,
        /// Why.
        failure: Failure,
    },
}

/// Room for events not yet taken; progress beyond it is dropped (newer progress follows).
const BUFFER: usize = 64;

impl Library {
    /// Indexes `folders` (adding them to the library) as a durable job; see the module's docs for the
    /// events. [`Library::index`] is the same job awaited with a progress callback.
    pub fn index_events(self: &Arc<Self>, folders: Vec<PathBuf>, options: IndexOptions) -> mpsc::Receiver<IndexEvent> {
        let library = Arc::clone(self);
        stream(move |tx| async move {
            let created = async {
                let roots: Vec<PathBuf> = folders.iter().map(|f| absolute(f)).collect::<Result<_, _>>()?;
                let names: Vec<String> = roots.iter().map(|r| r.to_string_lossy().into_owned()).collect();
                Ok::<_, EngineError>((library.store.jobs().create_job(&names)?, roots))
            };
            let (job, roots) = created.await.map_err(|e| (None, e))?;
            let _ = tx.send(IndexEvent::Started { job }).await;
            let report = library.run_job(job, &roots, options, &progress_to(&tx)).await.map_err(|e| (Some(job), e))?;
            Ok(Some(report))
        })
    }

    /// Lets paused job `job` go on, as events: in this process when it is the one running it (that
    /// run's stream goes on, and this one ends after `Started`), otherwise by running it here.
    pub fn resume_job_events(self: &Arc<Self>, job: JobId, options: IndexOptions) -> mpsc::Receiver<IndexEvent> {
        let library = Arc::clone(self);
        stream(move |tx| async move {
            let _ = tx.send(IndexEvent::Started { job }).await;
            library.resume_job(job, options, &progress_to(&tx)).await.map_err(|e| (Some(job), e))
        })
    }
}

impl Library {
    /// Finishes the jobs a crash or kill interrupted, and jobs still queued, oldest first, as events:
    /// each job's `Started` ... `Finished`; the stream stops after the first that fails.
    pub fn unfinished_job_events(self: &Arc<Self>, options: IndexOptions) -> mpsc::Receiver<IndexEvent> {
        let library = Arc::clone(self);
        let (tx, rx) = mpsc::channel(BUFFER);
        tokio::spawn(async move {
            let mut jobs = match library.unfinished_jobs() {
                Ok(jobs) => jobs,
                Err(e) => {
                    let _ = tx.send(IndexEvent::Failed { job: None, failure: Failure::from(&e) }).await;
                    return;
                }
            };
            jobs.sort_by_key(|j| j.id);
            for job in jobs {
                let _ = tx.send(IndexEvent::Started { job: job.id }).await;
                let roots: Vec<PathBuf> = job.folders.iter().map(PathBuf::from).filter(|p| p.is_dir()).collect();
                match library.run_job(job.id, &roots, options, &progress_to(&tx)).await {
                    Ok(report) => {
                        let _ = tx.send(IndexEvent::Finished(report)).await;
                    }
                    Err(e) => {
                        let _ = tx.send(IndexEvent::Failed { job: Some(job.id), failure: Failure::from(&e) }).await;
                        return;
                    }
                }
            }
        });
        rx
    }
}

/// A progress callback that hands progress to `tx` when it has room.
fn progress_to(tx: &mpsc::Sender<IndexEvent>) -> impl Fn(&Progress) + Send + Sync + '_ {
    move |p: &Progress| {
        let _ = tx.try_send(IndexEvent::Progress(p.clone()));
    }
}

/// Runs a job on a task and sends how it ended: its report as `Finished` (none when the job goes on
/// elsewhere), or its error, with the job if it was created, as `Failed`.
fn stream<F, Fut>(job: F) -> mpsc::Receiver<IndexEvent>
where
    F: FnOnce(mpsc::Sender<IndexEvent>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Option<IndexReport>, (Option<JobId>, EngineError)>> + Send,
{
    let (tx, rx) = mpsc::channel(BUFFER);
    tokio::spawn(async move {
        let end = match job(tx.clone()).await {
            Ok(report) => report.map(IndexEvent::Finished),
            Err((job, e)) => Some(IndexEvent::Failed { job, failure: Failure::from(&e) }),
        };
        if let Some(end) = end {
            let _ = tx.send(end).await;
        }
    });
    rx
}
