//! Control of indexing jobs through the catalog alone, so that it works while another process holds
//! the library open for indexing: that process sees the new state before its next file.

use std::path::Path;

use folio_core::{JobId, JobRecord, JobState};
use folio_store::Jobs;

use crate::EngineError;

fn catalog(library_dir: &Path) -> Result<Jobs<'static>, EngineError> {
    folio_store::open_jobs(library_dir)?
        .ok_or_else(|| EngineError::NotFound(format!("there is no library at {}", library_dir.display())))
}

/// Every job, newest first.
pub fn list(library_dir: &Path) -> Result<Vec<JobRecord>, EngineError> {
    Ok(catalog(library_dir)?.jobs()?)
}

/// States a job can be paused from.
pub(crate) const PAUSABLE: &[JobState] = &[JobState::Queued, JobState::Running];
/// States a job can be cancelled from.
pub(crate) const CANCELLABLE: &[JobState] = &[JobState::Queued, JobState::Running, JobState::Paused];

/// Pauses a queued or running job.
pub fn pause(library_dir: &Path, id: JobId) -> Result<(), EngineError> {
    transition(&catalog(library_dir)?, id, PAUSABLE, JobState::Paused).map(drop)
}

/// Lets a paused job go on (in the process running it; an interrupted one needs `run_unfinished_jobs`).
pub fn resume(library_dir: &Path, id: JobId) -> Result<(), EngineError> {
    transition(&catalog(library_dir)?, id, &[JobState::Paused], JobState::Running).map(drop)
}

/// Cancels a job; the files done so far stay indexed.
pub fn cancel(library_dir: &Path, id: JobId) -> Result<(), EngineError> {
    transition(&catalog(library_dir)?, id, CANCELLABLE, JobState::Cancelled).map(drop)
}

/// Moves job `id` to state `to` if it is in one of `from`; returns the job as it was.
pub(crate) fn transition(c: &Jobs<'_>, id: JobId, from: &[JobState], to: JobState) -> Result<JobRecord, EngineError> {
    let job = c.job(id)?.ok_or_else(|| EngineError::NotFound(format!("there is no job {}", id.0)))?;
    if !from.contains(&job.state) {
        return Err(EngineError::Refused(format!("job {} is {}", id.0, job.state.as_str())));
    }
    c.set_job_state(id, to, None)?;
    Ok(job)
}
