//! Indexing jobs in the catalog (migration `0003_jobs`).

use rusqlite::{params, OptionalExtension};

use folio_core::{JobId, JobRecord, JobState};

use crate::catalog::now;
use crate::catalog::Held;
use crate::StoreError;

/// Finished jobs kept for the record.
const KEEP_FINISHED: i64 = 100;

/// Indexing jobs ([`crate::Store::jobs`], or [`crate::open_jobs`] from another process); the catalog
/// is locked while the handle lives.
pub struct Jobs<'a>(pub(crate) Held<'a>);

impl Jobs<'_> {
    /// Records a new queued job.
    pub fn create_job(&self, folders: &[String]) -> Result<JobId, StoreError> {
        let t = now();
        let tx = self.0.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO jobs(folders, state, created_at, updated_at) VALUES (?1, 'queued', ?2, ?2)",
            params![serde_json::to_string(folders)?, t],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "DELETE FROM jobs WHERE state IN ('done', 'cancelled', 'failed') AND id NOT IN
               (SELECT id FROM jobs WHERE state IN ('done', 'cancelled', 'failed') ORDER BY id DESC LIMIT ?1)",
            [KEEP_FINISHED],
        )?;
        tx.commit()?;
        Ok(JobId(id))
    }

    /// A job by id.
    pub fn job(&self, id: JobId) -> Result<Option<JobRecord>, StoreError> {
        let row = self.0.conn.query_row(&format!("{JOB_SELECT} WHERE id = ?1"), [id.0], job_row).optional()?;
        row.map(finish_job_row).transpose()
    }

    /// Every job, newest first.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, StoreError> {
        let mut stmt = self.0.conn.prepare(&format!("{JOB_SELECT} ORDER BY id DESC"))?;
        let rows = stmt.query_map([], job_row)?;
        rows.map(|r| finish_job_row(r?)).collect()
    }

    /// Sets a job's state (and, for failures, the error).
    pub fn set_job_state(&self, id: JobId, state: JobState, error: Option<&str>) -> Result<bool, StoreError> {
        let n = self.0.conn.execute(
            "UPDATE jobs SET state = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            params![id.0, state.as_str(), error, now()],
        )?;
        Ok(n == 1)
    }

    /// Records a job's progress and returns its current state (the user may have paused or cancelled it).
    pub fn job_progress(&self, id: JobId, files_done: u64, files_total: u64) -> Result<JobState, StoreError> {
        self.0.conn.execute(
            "UPDATE jobs SET files_done = ?2, files_total = ?3, updated_at = ?4 WHERE id = ?1",
            params![id.0, files_done as i64, files_total as i64, now()],
        )?;
        let state: String = self.0.conn.query_row("SELECT state FROM jobs WHERE id = ?1", [id.0], |r| r.get(0))?;
        Ok(JobState::parse(&state))
    }
}

const JOB_SELECT: &str = "SELECT id, folders, state, files_total, files_done, error, created_at FROM jobs";

type JobRow = (i64, String, String, i64, i64, Option<String>, i64);

fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn finish_job_row((id, folders, state, total, done, error, created_at): JobRow) -> Result<JobRecord, StoreError> {
    Ok(JobRecord {
        id: JobId(id),
        folders: serde_json::from_str(&folders)?,
        state: JobState::parse(&state),
        files_total: total as u64,
        files_done: done as u64,
        error,
        created_at,
    })
}
