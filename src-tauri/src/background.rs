//! Work the app does in the background, off the window: open the library, load the chat model, finish
//! interrupted jobs and watch the folders, retrying what fails and telling the window about it.

use std::sync::Arc;

use folio_app::dto::{BackgroundProblemDto, BackgroundTaskDto, ErrorDto, IndexEventDto, IndexSummaryDto};
use folio_engine::IndexOptions;
use tauri::{Emitter, Manager};

use crate::state::AppState;

/// Tells the window about a problem of the background work (shown to the user) and logs it.
pub fn background_problem(app: &tauri::AppHandle, problem: BackgroundProblemDto) {
    tracing::warn!("{problem}");
    let _ = app.emit("background-problem", problem);
}

/// A problem of `what` that is not tried again.
fn problem(what: BackgroundTaskDto, error: ErrorDto) -> BackgroundProblemDto {
    BackgroundProblemDto { what, error, folder: None, retry_secs: None }
}

/// Runs `attempt` until it succeeds, telling the window about each failure (`what` failed, and why)
/// and waiting longer each time (`folio_app::retry`).
async fn until_ok<T, F: std::future::Future<Output = Result<T, ErrorDto>>>(
    app: &tauri::AppHandle,
    what: BackgroundTaskDto,
    mut attempt: impl FnMut() -> F,
) -> T {
    let mut waits = folio_app::retry::Backoff::default();
    loop {
        match attempt().await {
            Ok(done) => return done,
            Err(error) => {
                let wait = waits.next().unwrap_or(folio_app::retry::LONGEST);
                background_problem(
                    app,
                    BackgroundProblemDto { retry_secs: Some(wait.as_secs()), ..problem(what, error) },
                );
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Sends an indexing job's events to the window as `index-event`s (a finished job also as
/// `library-changed`, which refreshes the folders), until the stream ends: the last job's summary, or
/// its failure as an error.
pub async fn forward(
    app: &tauri::AppHandle,
    mut events: tokio::sync::mpsc::Receiver<folio_engine::IndexEvent>,
) -> Result<Option<IndexSummaryDto>, ErrorDto> {
    let mut last = None;
    while let Some(event) = events.recv().await {
        let _ = app.emit("index-event", IndexEventDto::from(&event));
        match event {
            folio_engine::IndexEvent::Finished(report) => {
                let summary = IndexSummaryDto::from(&report);
                let _ = app.emit("library-changed", &summary);
                last = Some(summary);
            }
            folio_engine::IndexEvent::Failed { failure, .. } => {
                return Err(ErrorDto { code: failure.code, message: failure.message })
            }
            _ => {}
        }
    }
    Ok(last)
}

/// At start: open the library, load the chat model, finish jobs a crash interrupted, and watch every
/// folder for changes, all in the background so the window is usable at once. A library that cannot be
/// opened yet (the CLI holds it) is tried again, waiting longer each time (`folio_app::retry`).
pub async fn start_background(app: tauri::AppHandle) {
    let state = app.state::<AppState>();
    let library = until_ok(&app, BackgroundTaskDto::OpenLibrary, || async { state.library().await }).await;
    // Load the chat model now, off the UI, so the first question does not wait for it (a question
    // asked meanwhile waits in its "looking" state until the model is ready).
    let preload = Arc::clone(&library);
    tauri::async_runtime::spawn(async move {
        if let Err(e) = preload.generator().await {
            tracing::warn!("could not load the chat model: {e}");
        }
    });
    until_ok(&app, BackgroundTaskDto::ResumeJobs, || {
        let events = library.unfinished_job_events(IndexOptions::default());
        async { forward(&app, events).await }
    })
    .await;
    // A switch of embedding model that was stopped goes on beside the rest.
    tauri::async_runtime::spawn(switch_embedder(app.clone(), Arc::clone(&library), None));
    // The watch follows the library's folders: one added later is watched at once, one removed is not.
    // A folder that cannot be watched is reported and the others are watched.
    let mut watch = until_ok(&app, BackgroundTaskDto::Watch, || {
        std::future::ready(library.watch_library(IndexOptions::default()).map_err(ErrorDto::from))
    })
    .await;
    while let Some(event) = watch.events.recv().await {
        match event {
            folio_engine::WatchEvent::Synced(r) => {
                let _ = app.emit("library-changed", IndexSummaryDto::from(&r));
            }
            folio_engine::WatchEvent::Failed(e) => {
                let error = ErrorDto { code: e.code, message: e.message };
                background_problem(&app, problem(BackgroundTaskDto::IndexChanges, error))
            }
            folio_engine::WatchEvent::Unwatched { folder, reason } => background_problem(
                &app,
                BackgroundProblemDto {
                    folder: Some(folder.display().to_string()),
                    ..problem(BackgroundTaskDto::FollowFolder, ErrorDto { code: "io", message: reason })
                },
            ),
        }
    }
}

/// Switches the library's embedding model to `to` (with `None`, goes on with a switch that was
/// stopped, if any), telling the window its progress and end as `embedding-event`s.
pub async fn switch_embedder(app: tauri::AppHandle, library: Arc<folio_engine::Library>, to: Option<String>) {
    let Some(to) = to.or_else(|| library.embedding_status().ok()?.switching.map(|s| s.to)) else { return };
    let models = folio_engine::embedders(&library.config().models);
    let mut events = library.switch_embedder_events(&to);
    let status = |library: &folio_engine::Library| library.embedding_status().ok();
    let mut last = std::time::Instant::now() - std::time::Duration::from_secs(1);
    while let Some(event) = events.recv().await {
        match event {
            folio_engine::SwitchEvent::Progress(_) if last.elapsed() < std::time::Duration::from_millis(250) => {}
            folio_engine::SwitchEvent::Progress(_) | folio_engine::SwitchEvent::Finished(_) => {
                last = std::time::Instant::now();
                if let Some(s) = status(&library) {
                    let _ = app.emit("embedding-event", folio_app::dto::EmbeddingDto::new(&s, &models));
                }
            }
            folio_engine::SwitchEvent::Failed(f) => {
                let error = ErrorDto { code: f.code, message: f.message };
                background_problem(&app, problem(BackgroundTaskDto::SwitchEmbedder, error));
                if let Some(s) = status(&library) {
                    let _ = app.emit("embedding-event", folio_app::dto::EmbeddingDto::new(&s, &models));
                }
            }
        }
    }
}
