//! `folio index`, `watch`, `resume` and `jobs`: indexing, with a progress bar on stderr; what they say
//! is in the system's language (English or French, `crate::locale`), the reasons files were skipped as
//! the engine gives them.

use crate::locale::{french, one_decimal};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use folio_engine::{IndexEvent, IndexOptions, IndexReport, JobRecord, Library, Progress, WatchEvent};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::terminal;

/// Indexes `folders` (new and changed files; removed ones are purged) and reports what happened.
pub async fn index(library: &Arc<Library>, folders: &[PathBuf], batch_chunks: usize) -> Result<()> {
    let fr = french();
    let unfinished = library.unfinished_jobs()?;
    if !unfinished.is_empty() {
        if fr {
            eprintln!("{} tâche(s) d’indexation interrompue(s)\u{a0}; `folio resume` les termine", unfinished.len());
        } else {
            eprintln!("{} indexing job(s) were interrupted; `folio resume` finishes them", unfinished.len());
        }
    }
    let bar = progress_bar();
    let started = std::time::Instant::now();
    let options = IndexOptions { batch_chunks: batch_chunks.max(1), ..IndexOptions::default() };
    let report = follow(&bar, library.index_events(folders.to_vec(), options)).await;
    bar.finish_and_clear();
    let Some(report) = report? else { anyhow::bail!("the indexing stream ended early") };
    let secs = one_decimal(started.elapsed().as_secs_f64());
    let (indexed, chunks, unchanged, removed) = (report.indexed, report.chunks, report.unchanged, report.removed);
    let (moved, skipped, failed) = (report.moved.len(), report.skipped.len(), report.failed.len());
    if fr {
        eprintln!(
            "{indexed} fichiers indexés ({chunks} passages), {unchanged} inchangés, {moved} déplacés, {skipped} ignorés, \
             {failed} en échec, {removed} retirés en {secs} s"
        );
    } else {
        eprintln!(
            "indexed {indexed} files ({chunks} chunks), {unchanged} unchanged, {moved} moved, {skipped} skipped, \
             {failed} failed, {removed} removed in {secs}s"
        );
    }
    let language = crate::locale::system_language();
    for note in report.skipped.iter().chain(&report.failed) {
        let said = note.say(language);
        let (path, reason) = (terminal::clean(&note.path), terminal::clean(&said));
        if fr {
            eprintln!("  {path}\u{a0}: {reason}");
        } else {
            eprintln!("  {path}: {reason}");
        }
    }
    if report.cancelled {
        if fr {
            eprintln!("la tâche {} a été annulée\u{a0}; les fichiers déjà traités restent indexés", report.job.0);
        } else {
            eprintln!("job {} was cancelled; the files done so far stay indexed", report.job.0);
        }
    }
    Ok(())
}

/// Finishes interrupted jobs in this process (a resumed paused job goes on in the process running it).
pub async fn resume(library: &Arc<Library>) -> Result<()> {
    let bar = progress_bar();
    let mut any = false;
    let mut events = library.unfinished_job_events(IndexOptions::default());
    while let Some(event) = events.recv().await {
        match event {
            IndexEvent::Started { job } => {
                any = true;
                bar.suspend(|| {
                    if french() {
                        eprintln!("reprise de la tâche {}", job.0)
                    } else {
                        eprintln!("finishing job {}", job.0)
                    }
                });
            }
            IndexEvent::Progress(p) => show_progress(&bar, &p),
            IndexEvent::Finished(r) => bar.suspend(|| {
                if french() {
                    eprintln!(
                        "tâche {}\u{a0}: {} fichiers indexés ({} passages), {} inchangés",
                        r.job.0, r.indexed, r.chunks, r.unchanged
                    )
                } else {
                    eprintln!(
                        "job {}: indexed {} files ({} chunks), {} unchanged",
                        r.job.0, r.indexed, r.chunks, r.unchanged
                    )
                }
            }),
            IndexEvent::Failed { failure, .. } => {
                bar.finish_and_clear();
                return Err(failure.into());
            }
        }
    }
    bar.finish_and_clear();
    if !any {
        eprintln!("{}", if french() { "aucune tâche interrompue" } else { "no interrupted jobs" });
    }
    Ok(())
}

/// Shows a job's events on `bar` until it ends: its report, or its failure as the error.
async fn follow(bar: &ProgressBar, mut events: tokio::sync::mpsc::Receiver<IndexEvent>) -> Result<Option<IndexReport>> {
    while let Some(event) = events.recv().await {
        match event {
            IndexEvent::Started { .. } => {}
            IndexEvent::Progress(p) => show_progress(bar, &p),
            IndexEvent::Finished(report) => return Ok(Some(report)),
            IndexEvent::Failed { failure, .. } => return Err(failure.into()),
        }
    }
    Ok(None)
}

/// Indexes `folders`, then their changes as they happen, until interrupted.
pub async fn watch(library: &Arc<Library>, folders: &[PathBuf]) -> Result<()> {
    index(library, folders, IndexOptions::default().batch_chunks).await?;
    let mut watch = library.watch(folders, IndexOptions::default())?;
    if french() {
        eprintln!("surveillance des changements\u{a0}; Ctrl-C pour arrêter");
    } else {
        eprintln!("watching for changes; press Ctrl-C to stop");
    }
    while let Some(event) = watch.events.recv().await {
        match event {
            WatchEvent::Synced(r) => {
                if r.indexed + r.removed > 0 || !r.moved.is_empty() || !r.failed.is_empty() || !r.skipped.is_empty() {
                    let (indexed, moved, removed, skipped, failed) =
                        (r.indexed, r.moved.len(), r.removed, r.skipped.len(), r.failed.len());
                    if french() {
                        eprintln!(
                            "à jour\u{a0}: {indexed} indexés, {moved} déplacés, {removed} retirés, {skipped} ignorés, \
                             {failed} en échec"
                        );
                    } else {
                        eprintln!(
                            "synced: {indexed} indexed, {moved} moved, {removed} removed, {skipped} skipped, {failed} failed"
                        );
                    }
                }
            }
            WatchEvent::Failed(e) if french() => eprintln!("impossible d’indexer les changements\u{a0}: {e}"),
            WatchEvent::Failed(e) => eprintln!("could not index the changes: {e}"),
            WatchEvent::Unwatched { folder, reason } => {
                let folder = folder.display().to_string();
                let folder = terminal::clean(&folder);
                if french() {
                    eprintln!(
                        "impossible de surveiller {folder}\u{a0}: {reason}\u{a0}; les autres dossiers sont surveillés"
                    )
                } else {
                    eprintln!("cannot watch {folder}: {reason}; the other folders are watched")
                }
            }
        }
    }
    Ok(())
}

/// `folio jobs --json`.
#[derive(Serialize)]
struct Jobs {
    jobs: Vec<JobRecord>,
}

/// Lists the library's indexing jobs, read from its catalog alone (so it works while another process
/// indexes).
pub fn jobs(dir: &Path, as_json: bool) -> Result<()> {
    let jobs = folio_engine::jobs::list(dir)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        return super::print_json(&mut out, &Jobs { jobs });
    }
    let french = french();
    if jobs.is_empty() {
        writeln!(out, "{}", if french { "Aucune tâche d’indexation." } else { "No indexing jobs." })?;
    }
    for j in jobs {
        let state = if french { job_state_fr(j.state) } else { j.state.as_str() };
        writeln!(
            out,
            "{:>4}  {:<9} {}/{} {}  {}{}",
            j.id.0,
            state,
            j.files_done,
            j.files_total,
            if french { "fichiers" } else { "files" },
            j.folders.join(", "),
            j.error.map(|e| format!("  ({e})")).unwrap_or_default()
        )?;
    }
    Ok(())
}

/// A job's state as `folio jobs` shows it in French.
fn job_state_fr(state: folio_engine::JobState) -> &'static str {
    use folio_engine::JobState;
    match state {
        JobState::Queued => "en attente",
        JobState::Running => "en cours",
        JobState::Paused => "en pause",
        JobState::Cancelled => "annulée",
        JobState::Done => "terminée",
        JobState::Failed => "échouée",
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    let template = if french() {
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} fichiers {msg}"
    } else {
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files {msg}"
    };
    bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar
}

fn show_progress(bar: &ProgressBar, p: &Progress) {
    bar.set_length(p.files_total);
    bar.set_position(p.files_done);
    let (chunks, rate, job) = (p.chunks_written, p.bytes_per_sec() / 1e6, p.job.0);
    let eta = p.eta_secs().map(|s| (s / 60, s % 60));
    let message = if french() {
        let eta = eta.map(|(m, s)| format!(", environ {m}:{s:02} restantes")).unwrap_or_default();
        let paused = if p.paused { format!(" — en pause (folio resume {job})") } else { String::new() };
        format!("{chunks} passages, {} Mo/s{eta}{paused}", one_decimal(rate))
    } else {
        let eta = eta.map(|(m, s)| format!(", about {m}:{s:02} left")).unwrap_or_default();
        let paused = if p.paused { format!(" — paused (folio resume {job})") } else { String::new() };
        format!("{chunks} chunks, {rate:.1} MB/s{eta}{paused}")
    };
    bar.set_message(message);
}
