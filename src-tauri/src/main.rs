//! Folio's desktop shell: Tauri commands a few lines long over the engine, and the DTOs the UI sees.
//!
//! Invariant: only this crate knows Tauri and IPC. Every command converts engine types to DTOs by hand
//! and engine errors to [`ErrorDto`] with a stable `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod dto;

use std::path::PathBuf;
use std::sync::Arc;

use dto::{AskEventDto, ChatDto, ErrorDto, FolderDto, HitDto, IndexSummaryDto, JobDto, MessageDto, ProgressDto};
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

/// At start: open the library, finish jobs a crash interrupted, and watch every folder for changes,
/// all in the background so the window is usable at once.
async fn start_background(app: tauri::AppHandle) {
    let state = app.state::<AppState>();
    let Ok(library) = state.library().await else { return };
    let emit = {
        let app = app.clone();
        move |p: &folio_engine::Progress| {
            let _ = app.emit("index-progress", ProgressDto::from(p));
        }
    };
    if let Err(e) = library.run_unfinished_jobs(IndexOptions::default(), &emit).await {
        tracing::warn!("could not finish interrupted jobs: {e}");
    }
    let folders: Vec<PathBuf> = library
        .folders()
        .unwrap_or_default()
        .into_iter()
        .map(|(_, p)| PathBuf::from(p))
        .filter(|p| p.is_dir())
        .collect();
    if folders.is_empty() {
        return;
    }
    match library.watch(&folders, IndexOptions::default()) {
        Ok(mut watch) => {
            while let Some(event) = watch.events.recv().await {
                if let folio_engine::WatchEvent::Synced(r) = event {
                    let _ = app.emit("library-changed", IndexSummaryDto::from(&r));
                }
            }
        }
        Err(e) => tracing::warn!("cannot watch the library's folders: {e}"),
    }
}

/// The library: each folder with its files' statuses and reasons.
#[tauri::command]
async fn library_overview(state: tauri::State<'_, AppState>) -> Result<Vec<FolderDto>, ErrorDto> {
    let library = state.library().await?;
    let docs = library.documents()?;
    Ok(library.folders()?.into_iter().map(|(id, path)| FolderDto::new(id, path, &docs)).collect())
}

/// Removes a folder and purges its data (the files stay on disk).
#[tauri::command]
async fn remove_folder(state: tauri::State<'_, AppState>, path: String) -> Result<u64, ErrorDto> {
    Ok(state.library().await?.remove_folder(std::path::Path::new(&path)).await?)
}

/// Indexing jobs, newest first.
#[tauri::command]
async fn jobs(state: tauri::State<'_, AppState>) -> Result<Vec<JobDto>, ErrorDto> {
    Ok(state.library().await?.jobs()?.iter().map(JobDto::from).collect())
}

/// Pauses, resumes or cancels a job: `action` is `pause`, `resume` or `cancel`.
#[tauri::command]
async fn control_job(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    id: i64,
    action: String,
) -> Result<(), ErrorDto> {
    let library = state.library().await?;
    match action.as_str() {
        "pause" => library.pause_job(id)?,
        "cancel" => library.cancel_job(id)?,
        "resume" => {
            let emit = move |p: &folio_engine::Progress| {
                let _ = app.emit("index-progress", ProgressDto::from(p));
            };
            library.resume_job(id, IndexOptions::default(), &emit).await?;
        }
        other => return Err(ErrorDto { code: "invalid", message: format!("unknown job action {other:?}") }),
    }
    Ok(())
}

/// A cited passage with its neighbours in the same document, in order, for the preview.
#[tauri::command]
async fn preview(state: tauri::State<'_, AppState>, chunk_id: i64) -> Result<Vec<dto::PassageDto>, ErrorDto> {
    let passages = state.library().await?.passage_context(folio_engine::ChunkId(chunk_id), 2)?;
    Ok(passages.iter().map(dto::PassageDto::from).collect())
}

/// Opens a file of the library in the system's default application; any other path is refused.
#[tauri::command]
async fn open_file(state: tauri::State<'_, AppState>, path: String) -> Result<(), ErrorDto> {
    let file = state.library().await?.library_file(std::path::Path::new(&path))?;
    std::process::Command::new("xdg-open")
        .arg(&file)
        .spawn()
        .map_err(|e| ErrorDto { code: "io", message: format!("cannot open {}: {e}", file.display()) })?;
    Ok(())
}

/// Chats, most recent first.
#[tauri::command]
async fn chats(state: tauri::State<'_, AppState>) -> Result<Vec<ChatDto>, ErrorDto> {
    Ok(state.library().await?.chats()?.iter().map(ChatDto::from).collect())
}

/// A chat's messages with their citations.
#[tauri::command]
async fn chat_messages(state: tauri::State<'_, AppState>, id: i64) -> Result<Vec<MessageDto>, ErrorDto> {
    Ok(state.library().await?.chat_messages(ChatId(id))?.iter().map(MessageDto::from).collect())
}

/// Renames a chat.
#[tauri::command]
async fn rename_chat(state: tauri::State<'_, AppState>, id: i64, title: String) -> Result<(), ErrorDto> {
    Ok(state.library().await?.rename_chat(ChatId(id), &title)?)
}

/// Deletes a chat.
#[tauri::command]
async fn delete_chat(state: tauri::State<'_, AppState>, id: i64) -> Result<(), ErrorDto> {
    Ok(state.library().await?.delete_chat(ChatId(id))?)
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
            tauri::async_runtime::spawn(start_background(app.handle().clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            add_paths,
            search,
            ask,
            stop,
            library_overview,
            remove_folder,
            jobs,
            control_job,
            chats,
            chat_messages,
            rename_chat,
            delete_chat,
            preview,
            open_file
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("folio: the window could not start: {e}");
        std::process::exit(1);
    }
}
