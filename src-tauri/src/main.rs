//! Folio's desktop shell: Tauri commands a few lines long over the engine, and the DTOs the UI sees.
//!
//! Invariant: only this crate knows Tauri and IPC. Every command converts engine types to DTOs by hand
//! and engine errors to [`ErrorDto`] with a stable `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod dto;

use std::path::PathBuf;
use std::sync::Arc;

use dto::{AskEventDto, ErrorDto, HitDto, IndexSummaryDto, ProgressDto};
use folio_engine::{AskOptions, ChatId, IndexOptions, Library, LibraryConfig, SearchOptions};
use tauri::ipc::Channel;
use tauri::{Emitter, Manager};
use tokio::sync::OnceCell;

/// The app's state: the library, opened on first use, and the stop signal of the answer being written.
struct AppState {
    library: OnceCell<Arc<Library>>,
    config: LibraryConfig,
    stop: std::sync::Mutex<Option<Arc<tokio::sync::Notify>>>,
}

impl AppState {
    async fn library(&self) -> Result<Arc<Library>, ErrorDto> {
        let lib =
            self.library.get_or_try_init(|| async { Library::open(self.config.clone()).await.map(Arc::new) }).await?;
        Ok(Arc::clone(lib))
    }
}

/// Adds folders or files to the library and indexes them; progress arrives as `index-progress` events.
#[tauri::command]
async fn add_paths(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    paths: Vec<String>,
) -> Result<IndexSummaryDto, ErrorDto> {
    let library = state.library().await?;
    let folders: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let emit = move |p: &folio_engine::Progress| {
        let _ = app.emit("index-progress", ProgressDto::from(p));
    };
    let report = library.index(&folders, IndexOptions::default(), &emit).await?;
    Ok(IndexSummaryDto::from(&report))
}

/// Searches the library.
#[tauri::command]
async fn search(state: tauri::State<'_, AppState>, query: String) -> Result<Vec<HitDto>, ErrorDto> {
    let library = state.library().await?;
    let hits = library.search(&query, &SearchOptions::default()).await?;
    Ok(hits.iter().map(|h| HitDto::new(h, &query)).collect())
}

/// Answers a question (in chat `chat`, or a new one), streaming events to `on_event`.
#[tauri::command]
async fn ask(
    state: tauri::State<'_, AppState>,
    question: String,
    chat: Option<i64>,
    on_event: Channel<AskEventDto>,
) -> Result<(), ErrorDto> {
    let library = state.library().await?;
    let stop = Arc::new(tokio::sync::Notify::new());
    *state.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&stop));
    let options = AskOptions { chat: chat.map(ChatId), ..AskOptions::default() };
    let mut events = library.ask(&question, options);
    loop {
        tokio::select! {
            e = events.recv() => {
                let Some(e) = e else { break };
                if on_event.send(AskEventDto::from(e)).is_err() {
                    break; // the window went away
                }
            }
            // Dropping `events` cancels generation; the engine keeps the partial answer as cancelled.
            () = stop.notified() => break,
        }
    }
    Ok(())
}

/// Stops the answer being written.
#[tauri::command]
fn stop(state: tauri::State<'_, AppState>) {
    if let Some(stop) = state.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
        stop.notify_one();
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(
                "warn,mistralrs_core=error,mistralrs_quant=error,mistralrs=error,lance=error",
            )
        }))
        .init();
    // LanceDB's futures are deep at low optimisation levels: give the runtime's threads room.
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(8 << 20).build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("folio: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    tauri::async_runtime::set(runtime.handle().clone());
    let config = LibraryConfig::new(LibraryConfig::default_dir());
    let result = tauri::Builder::default()
        .setup(|app| {
            app.manage(AppState { library: OnceCell::new(), config, stop: std::sync::Mutex::new(None) });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![add_paths, search, ask, stop])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("folio: the window could not start: {e}");
        std::process::exit(1);
    }
}
