//! What an indexing run tells its caller: [`Progress`] as it goes, and the [`IndexReport`] at the end,
//! with each file that was skipped, failed or renamed named in a record.

use folio_core::lang::Language;
use folio_core::{JobId, Problem};

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
    Skipped(Problem),
    /// Could not be indexed.
    Failed(Problem),
    /// This version could not be read; the version indexed earlier stays in the index.
    KeptEarlier(Problem),
}

/// A file (or a folder the walk could not read) that was not indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNote {
    /// Its path (as the catalog keys it).
    pub path: String,
    /// Why.
    pub problem: Problem,
    /// Whether the version indexed earlier stays in the index.
    pub earlier_kept: bool,
}

impl FileNote {
    /// Why, in `language` (French, else English).
    pub fn say(&self, language: Language) -> String {
        if self.earlier_kept {
            self.problem.say_earlier_kept(language)
        } else {
            self.problem.say(language)
        }
    }
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
