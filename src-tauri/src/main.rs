//! Folio's desktop shell: Tauri commands a few lines long over the engine, and the DTOs the UI sees.
//!
//! Invariant: only this crate knows Tauri and IPC. Every command converts engine types to DTOs by hand
//! and engine errors to [`ErrorDto`] with a stable `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Arc;

use folio_app::dto::{
    self, AskEventDto, ChatDto, DownloadEventDto, ErrorDto, FolderDto, HitDto, IndexSummaryDto, JobActionDto, JobDto,
    MessageDto, ProgressDto, SettingsDto,
};
use folio_app::grants::{Grants, Verdict};
use folio_app::slot::LibrarySlot;
use folio_engine::settings::Settings;
use folio_engine::{AskOptions, ChatId, IndexOptions, Library, LibraryConfig, SearchOptions};
use tauri::ipc::Channel;
use tauri::{Emitter, Manager};

/// The app's state: the library (opened on first use, movable), the background task that finishes
/// interrupted jobs and watches the folders, the stop signal of the answer being written, and the
/// user's settings with the file they are kept in.
struct AppState {
    library: LibrarySlot,
    background: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    stop: std::sync::Mutex<Option<Arc<tokio::sync::Notify>>>,
    settings: std::sync::Mutex<Settings>,
    settings_path: PathBuf,
    /// Paths the user chose (picker, drop, command line, confirmation): see `folio_app::grants`.
    grants: Grants,
}

impl AppState {
    async fn library(&self) -> Result<Arc<Library>, ErrorDto> {
        Ok(self.library.get().await?)
    }

    /// Starts the background work for the library now open, in place of any before.
    fn start_background(&self, app: &tauri::AppHandle) {
        let task = tauri::async_runtime::spawn(start_background(app.clone()));
        if let Some(old) = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner).replace(task) {
            old.abort();
        }
    }

    /// Stops the background work and the answer being written, so that they let go of the library.
    fn stop_using_library(&self) {
        if let Some(task) = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            task.abort();
        }
        self.stop_answer();
    }

    /// Stops the answer being written, if any.
    fn stop_answer(&self) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            stop.notify_one();
        }
    }

    /// Whether the page's `path` may be used for `what`: chosen by the user, or confirmed now in a
    /// native dialog that shows it (then granted). `also_granted` adds paths the user chose before.
    async fn may_use(&self, app: &tauri::AppHandle, path: &std::path::Path, also_granted: bool, what: &str) -> bool {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let granted = also_granted || self.grants.granted(path);
        match folio_app::grants::verdict(path, granted, home.as_deref(), what) {
            Verdict::Granted => true,
            Verdict::Confirm(question) => {
                let yes = confirm(app, question).await;
                if yes {
                    self.grants.grant([path.to_path_buf()]);
                }
                yes
            }
        }
    }

    fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Applies `change` to the settings and saves them.
    fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<SettingsDto, ErrorDto> {
        let mut settings = self.settings.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        change(&mut settings);
        settings.save(&self.settings_path).map_err(|e| ErrorDto {
            code: "io",
            message: format!("cannot save settings to {}: {e}", self.settings_path.display()),
        })?;
        Ok(self.settings_dto(&settings))
    }

    fn settings_dto(&self, settings: &Settings) -> SettingsDto {
        let config = self.library.config();
        let models = &config.models;
        let chat = settings.chat_model.clone().unwrap_or_else(|| models.default_chat_model());
        let llama = models.llama_chat_model();
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let show = |p: &std::path::Path| p.display().to_string();
        SettingsDto {
            library_dir: show(&config.dir),
            library_dir_from_env: LibraryConfig::env_dir().is_some(),
            models_dir: show(&models.root),
            chat_model: chat.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            chat_model_path: show(&chat),
            bundled_model_path: show(&models.bundled_chat_model()),
            llama_downloaded: llama.is_file(),
            llama_path: show(&llama),
            index_threads: u32::try_from(settings.index_threads.unwrap_or(cpus)).unwrap_or(u32::MAX),
            max_threads: u32::try_from(cpus).unwrap_or(u32::MAX),
        }
    }
}

/// Tells the window about a problem of the background work (shown to the user) and logs it.
fn background_problem(app: &tauri::AppHandle, message: String) {
    tracing::warn!("{message}");
    let _ = app.emit("background-problem", message);
}

/// Runs `attempt` until it succeeds, telling the window about each failure (`what` failed, and why)
/// and waiting longer each time (`folio_app::retry`).
async fn until_ok<T, E: std::fmt::Display, F: std::future::Future<Output = Result<T, E>>>(
    app: &tauri::AppHandle,
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> T {
    let mut waits = folio_app::retry::Backoff::default();
    loop {
        match attempt().await {
            Ok(done) => return done,
            Err(e) => {
                let wait = waits.next().unwrap_or(folio_app::retry::LONGEST);
                background_problem(app, format!("{what} ({e}); trying again in {} s.", wait.as_secs()));
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// At start: open the library, load the chat model, finish jobs a crash interrupted, and watch every
/// folder for changes, all in the background so the window is usable at once. A library that cannot be
/// opened yet (the CLI holds it) is tried again, waiting longer each time (`folio_app::retry`).
async fn start_background(app: tauri::AppHandle) {
    let state = app.state::<AppState>();
    let library =
        until_ok(&app, "The library cannot be opened yet", || async { state.library().await.map_err(|e| e.message) })
            .await;
    // Load the chat model now, off the UI, so the first question does not wait for it (a question
    // asked meanwhile waits in its "looking" state until the model is ready).
    let preload = Arc::clone(&library);
    tauri::async_runtime::spawn(async move {
        if let Err(e) = preload.generator().await {
            tracing::warn!("could not load the chat model: {e}");
        }
    });
    let emit = {
        let app = app.clone();
        move |p: &folio_engine::Progress| {
            let _ = app.emit("index-progress", ProgressDto::from(p));
        }
    };
    let reports = until_ok(&app, "Interrupted indexing could not be finished", || {
        library.run_unfinished_jobs(IndexOptions::default(), &emit)
    })
    .await;
    for r in &reports {
        let _ = app.emit("library-changed", IndexSummaryDto::from(r));
    }
    // The watch follows the library's folders: one added later is watched at once, one removed is not.
    // A folder that cannot be watched is reported and the others are watched.
    let mut watch = until_ok(&app, "Folio cannot watch for changes", || {
        std::future::ready(library.watch_library(IndexOptions::default()))
    })
    .await;
    while let Some(event) = watch.events.recv().await {
        match event {
            folio_engine::WatchEvent::Synced(r) => {
                let _ = app.emit("library-changed", IndexSummaryDto::from(&r));
            }
            folio_engine::WatchEvent::Failed(e) => {
                background_problem(&app, format!("Changes could not be indexed: {e}"))
            }
            folio_engine::WatchEvent::Unwatched { folder, reason } => background_problem(
                &app,
                format!("Changes in {} are not followed ({reason}); the other folders are.", folder.display()),
            ),
        }
    }
}

/// The library: each folder with its files' statuses and reasons.
#[tauri::command]
async fn library_overview(state: tauri::State<'_, AppState>) -> Result<Vec<FolderDto>, ErrorDto> {
    let library = state.library().await?;
    let docs = library.documents()?;
    Ok(library.folders()?.into_iter().map(|f| FolderDto::new(f, &docs)).collect())
}

/// Removes folder `id` and purges its data (the files stay on disk).
#[tauri::command]
async fn remove_folder(state: tauri::State<'_, AppState>, id: i64) -> Result<u64, ErrorDto> {
    Ok(state.library().await?.remove_folder_id(folio_engine::FolderId(id)).await?)
}

/// Indexing jobs, newest first.
#[tauri::command]
async fn jobs(state: tauri::State<'_, AppState>) -> Result<Vec<JobDto>, ErrorDto> {
    Ok(state.library().await?.jobs()?.iter().map(JobDto::from).collect())
}

/// Pauses, resumes or cancels job `id`.
#[tauri::command]
async fn control_job(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    id: i64,
    action: JobActionDto,
) -> Result<(), ErrorDto> {
    let library = state.library().await?;
    let job = folio_engine::JobId(id);
    match action {
        JobActionDto::Pause => library.pause_job(job)?,
        JobActionDto::Cancel => library.cancel_job(job)?,
        JobActionDto::Resume => {
            let emit = move |p: &folio_engine::Progress| {
                let _ = app.emit("index-progress", ProgressDto::from(p));
            };
            library.resume_job(job, IndexOptions::default(), &emit).await?;
        }
    }
    Ok(())
}

/// A cited passage with its neighbours in the same document, in order, for the preview.
#[tauri::command]
async fn preview(state: tauri::State<'_, AppState>, chunk_id: i64) -> Result<Vec<dto::PassageDto>, ErrorDto> {
    let passages = state.library().await?.passage_context(folio_engine::ChunkId(chunk_id), 2)?;
    Ok(passages.iter().map(dto::PassageDto::from).collect())
}

/// Opens indexed document `document_id` in the system's default application, at `page` where that
/// application takes one (see `folio_app::launch`). The page names a document, never a path: only a
/// file Folio indexed, still a regular file inside its folder, is opened.
#[tauri::command]
async fn open_file(state: tauri::State<'_, AppState>, document_id: i64, page: Option<u32>) -> Result<(), ErrorDto> {
    let file = state.library().await?.document_file(folio_engine::DocumentId(document_id))?;
    // Finding the viewer runs xdg-mime: off the async threads.
    tokio::task::spawn_blocking(move || {
        let argv = folio_app::launch::open_command(&folio_app::launch::Xdg::from_env(), &file, page);
        let child = std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .spawn()
            .map_err(|e| ErrorDto { code: "io", message: format!("cannot open {}: {e}", file.display()) })?;
        // Reaped when the viewer exits (xdg-open returns at once; a viewer may run for hours), so that no
        // "Open file" leaves a zombie behind.
        std::thread::spawn(move || {
            let mut child = child;
            let _ = child.wait();
        });
        Ok(())
    })
    .await
    .map_err(|e| ErrorDto { code: "internal", message: e.to_string() })?
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

/// The system's folder picker (opened here, not by the page): the folders chosen, now granted, or
/// none when it was cancelled. `several`: more than one may be chosen.
#[tauri::command]
async fn pick_folders(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    title: String,
    several: bool,
) -> Result<Vec<String>, ErrorDto> {
    use tauri_plugin_dialog::DialogExt;
    let picker = app.dialog().file().set_title(title);
    let picked = tokio::task::spawn_blocking(move || {
        if several {
            picker.blocking_pick_folders()
        } else {
            picker.blocking_pick_folder().map(|f| vec![f])
        }
    })
    .await
    .map_err(|e| ErrorDto { code: "internal", message: e.to_string() })?;
    let paths: Vec<PathBuf> = picked.unwrap_or_default().into_iter().filter_map(|f| f.into_path().ok()).collect();
    state.grants.grant(paths.iter().cloned());
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}

/// Adds folders or files to the library and indexes them; progress arrives as `index-progress` events.
/// Each path must be one the user chose (picker, drop, command line, a folder already in the library)
/// or confirms now; the whole computer, the home folder and system folders are always confirmed.
#[tauri::command]
async fn add_paths(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    paths: Vec<String>,
) -> Result<IndexSummaryDto, ErrorDto> {
    let library = state.library().await?;
    let known: Vec<PathBuf> =
        library.folders()?.into_iter().map(|f| folio_app::grants::normal(f.path.as_ref())).collect();
    let mut folders = Vec::new();
    for path in paths.into_iter().map(PathBuf::from) {
        if !path.is_absolute() {
            return Err(ErrorDto {
                code: "invalid_input",
                message: format!("{} is not an absolute path", path.display()),
            });
        }
        let in_library = known.contains(&folio_app::grants::normal(&path));
        let what = format!("Add “{}” to Folio's library, so that Folio reads and indexes it", path.display());
        if state.may_use(&app, &path, in_library, &what).await {
            folders.push(path);
        }
    }
    if folders.is_empty() {
        return Err(ErrorDto { code: "not_granted", message: "Nothing was added: no folder was confirmed.".into() });
    }
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
    // The stop signal is this question's from the start: Stop pressed while the library is still
    // opening must stop this question, not the one before.
    let stop = Arc::new(tokio::sync::Notify::new());
    *state.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&stop));
    let library = tokio::select! {
        library = state.library() => library?,
        () = stop.notified() => return Ok(()),
    };
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

/// The settings panel's contents.
#[tauri::command]
fn settings(state: tauri::State<'_, AppState>) -> SettingsDto {
    state.settings_dto(&state.settings())
}

/// Chooses the chat model: `default` (Llama 3.1 when downloaded, else the bundled model), `bundled` or
/// `llama`. Any other file is chosen with [`pick_chat_model`]. The next question loads it.
#[tauri::command]
async fn set_chat_model(state: tauri::State<'_, AppState>, choice: String) -> Result<SettingsDto, ErrorDto> {
    let models = state.library.config().models.clone();
    let path = match choice.as_str() {
        "default" => None,
        "bundled" => Some(models.bundled_chat_model()),
        "llama" => Some(models.llama_chat_model()),
        other => return Err(ErrorDto { code: "invalid_input", message: format!("unknown model choice {other:?}") }),
    };
    use_chat_model(&state, path).await
}

/// The system's file picker for a GGUF model file (opened here, not by the page); the file must be a
/// GGUF model (`folio_models::check_gguf`). `null` when the picker was cancelled.
#[tauri::command]
async fn pick_chat_model(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
) -> Result<Option<SettingsDto>, ErrorDto> {
    use tauri_plugin_dialog::DialogExt;
    let picker = app.dialog().file().set_title("Choose a GGUF model file").add_filter("GGUF model", &["gguf"]);
    let picked = tokio::task::spawn_blocking(move || picker.blocking_pick_file())
        .await
        .map_err(|e| ErrorDto { code: "internal", message: e.to_string() })?;
    let Some(path) = picked.and_then(|f| f.into_path().ok()) else { return Ok(None) };
    use_chat_model(&state, Some(path)).await.map(Some)
}

async fn use_chat_model(state: &AppState, path: Option<PathBuf>) -> Result<SettingsDto, ErrorDto> {
    // The library checks the file (a GGUF model); it is open already (start-up opens it in the background).
    state.library().await?.set_chat_model(path.clone())?;
    state.update_settings(|s| s.chat_model = path)
}

/// Sets the threads used for indexing, from the next start.
#[tauri::command]
fn set_index_threads(state: tauri::State<'_, AppState>, threads: u32) -> Result<SettingsDto, ErrorDto> {
    let threads = usize::try_from(threads.max(1)).unwrap_or(1);
    state.update_settings(|s| s.index_threads = Some(threads))
}

/// Downloads Llama 3.1 8B Instruct from the Hugging Face hub (the one network call Folio makes, and only
/// when the user asks), resuming an interrupted download and verifying its checksum.
#[tauri::command]
async fn download_llama(
    state: tauri::State<'_, AppState>,
    on_event: Channel<DownloadEventDto>,
) -> Result<(), ErrorDto> {
    let dest = state.library.config().models.llama_chat_model();
    let hub = folio_engine::HubFile::llama31_8b_instruct();
    let progress = {
        let on_event = on_event.clone();
        let last = std::sync::Mutex::new(std::time::Instant::now() - std::time::Duration::from_secs(1));
        move |p: folio_engine::DownloadProgress| {
            // A few updates a second are enough for a progress bar.
            let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.elapsed() >= std::time::Duration::from_millis(200) || p.total == Some(p.done) {
                *last = std::time::Instant::now();
                let _ = on_event.send(DownloadEventDto::Progress { done: p.done, total: p.total });
            }
        }
    };
    let event = match folio_engine::download(&hub, &dest, &progress).await {
        Ok(path) => DownloadEventDto::Finished { path: path.display().to_string() },
        Err(e) => DownloadEventDto::Failed { message: e.to_string() },
    };
    let _ = on_event.send(event);
    Ok(())
}

/// Moves the library to the folder `path` (empty or new), or opens the Folio library already there,
/// and remembers the choice. The answer being written is stopped; indexing must not be running.
#[tauri::command]
async fn set_library_dir(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    path: String,
) -> Result<SettingsDto, ErrorDto> {
    let to = PathBuf::from(path.trim());
    if !to.is_absolute() {
        return Err(ErrorDto { code: "invalid_input", message: format!("{path:?} is not an absolute folder path") });
    }
    if LibraryConfig::env_dir().is_some() {
        return Err(ErrorDto {
            code: "invalid_input",
            message: "FOLIO_LIBRARY chooses the library's folder; unset it to choose one here".into(),
        });
    }
    let what = format!("Move Folio's library (its index and chats) to “{}”", to.display());
    if !state.may_use(&app, &to, false, &what).await {
        return Err(ErrorDto {
            code: "not_granted",
            message: "The library was not moved: the folder was not confirmed.".into(),
        });
    }
    // The destination is recorded (synced) before anything moves, and the move confirmed after: if
    // the app stops in between, the next start looks where the library is (`Settings::library_dir`).
    state.update_settings(|s| s.library_moving_to = Some(to.clone()))?;
    state.stop_using_library();
    let result = state.library.relocate(&to, std::time::Duration::from_secs(10)).await;
    // Whatever happened, watch the library that is open now (reopened at its old place on an error).
    state.start_background(&app);
    let relocation = match result {
        Ok(r) => r,
        Err(e) => {
            state.update_settings(|s| s.library_moving_to = None)?;
            return Err(e.into());
        }
    };
    let saved = state.update_settings(|s| {
        s.library_dir = Some(relocation.dir.clone());
        s.library_moving_to = None;
    })?;
    if let Some(old) = relocation.old_copy {
        // The new place is recorded: the old copy can go.
        if let Err(e) = folio_engine::remove_old_library(&old) {
            tracing::warn!("the library moved, but its old copy at {} could not be deleted: {e}", old.display());
        }
    }
    Ok(saved)
}

/// Stops the answer being written.
#[tauri::command]
fn stop(state: tauri::State<'_, AppState>) {
    state.stop_answer();
}

/// Asks `question` in a native dialog (which the page cannot answer); true on "Yes".
async fn confirm(app: &tauri::AppHandle, question: String) -> bool {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let dialog = app
        .dialog()
        .message(question)
        .title("Folio: please confirm")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Yes".into(), "Cancel".into()));
    tokio::task::spawn_blocking(move || dialog.blocking_show()).await.unwrap_or(false)
}

/// Asks the user whether to open `link` outside Folio (the full address shown), and opens it in the
/// default browser or mail program only on "Open".
fn offer_outside(app: &tauri::AppHandle, link: String) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    app.dialog()
        .message(folio_app::navigation::confirmation(&link))
        .title("Open a link outside Folio?")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Open in browser".into(), "Cancel".into()))
        .show(move |open| {
            if !open {
                return;
            }
            match std::process::Command::new("xdg-open").arg(&link).spawn() {
                // Reaped when it exits, so that no zombie is left.
                Ok(mut child) => {
                    std::thread::spawn(move || child.wait());
                }
                Err(e) => tracing::warn!("cannot open {link}: {e}"),
            }
        });
}

fn main() {
    // Folio's extraction worker (a child of the app itself): parse files, nothing else.
    if std::env::args_os().nth(1).is_some_and(|a| a == folio_engine::WORKER_ARG) {
        if let Err(e) = folio_engine::serve_extract_worker() {
            eprintln!("folio extraction worker: {e}");
            std::process::exit(1);
        }
        return;
    }
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
    let settings_path = Settings::default_path();
    // An unreadable settings file is set aside (not overwritten) and reported; the defaults go on.
    let mut saved = Settings::load(&settings_path).unwrap_or_else(|(defaults, e)| {
        tracing::error!("{e}");
        defaults
    });
    // A move cut short (the app stopped mid-way) is settled by where the library is now.
    if saved.library_moving_to.is_some() {
        saved.library_dir = saved.library_dir();
        saved.library_moving_to = None;
        if let Err(e) = saved.save(&settings_path) {
            tracing::error!("cannot save settings to {}: {e}", settings_path.display());
        }
    }
    // `$FOLIO_LIBRARY`, else the folder chosen in Settings (which must then hold the library), else the
    // default.
    let (dir, must_exist) = folio_engine::settings::library_location(None, &saved);
    let mut config = LibraryConfig::new(dir);
    config.must_exist = must_exist;
    config.chat_model = saved.chat_model.clone().filter(|p| p.is_file());
    if let Some(threads) = saved.index_threads {
        config.threads = threads.max(1);
    }
    // Paths named on the command line ("Open with Folio", a launcher) are the user's choice.
    let named: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).filter(|p| p.is_absolute()).collect();
    let result = tauri::Builder::default()
        // Native dialogs, opened by Folio's commands only (the page has no dialog permission).
        .plugin(tauri_plugin_dialog::init())
        // The window never leaves Folio's page (folio_app::navigation).
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("folio-navigation")
                .on_navigation(|webview, url| match folio_app::navigation::decide(url.as_str()) {
                    folio_app::navigation::Navigation::Stay => true,
                    folio_app::navigation::Navigation::OfferOutside(link) => {
                        offer_outside(webview.app_handle(), link);
                        false
                    }
                    folio_app::navigation::Navigation::Refuse => {
                        tracing::warn!("the page tried to navigate to {url}; refused");
                        false
                    }
                })
                .build(),
        )
        .setup(|app| {
            // An installed package ships the embedding model, ONNX Runtime and SmolLM2 as resources.
            if let Ok(resources) = app.path().resource_dir() {
                let bundled = folio_engine::ModelPaths::new(resources.join("models"));
                if bundled.root.is_dir() {
                    if let Err(e) = config.models.adopt(&bundled) {
                        tracing::warn!("cannot use the models in {}: {e}", bundled.root.display());
                    }
                }
            }
            let state = AppState {
                library: LibrarySlot::new(config),
                background: std::sync::Mutex::new(None),
                stop: std::sync::Mutex::new(None),
                settings: std::sync::Mutex::new(saved),
                settings_path,
                grants: Grants::new(named),
            };
            app.manage(state);
            app.state::<AppState>().start_background(app.handle());
            Ok(())
        })
        // Paths dropped on the window are the user's choice; the page then asks to add them.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                if let Some(state) = window.try_state::<AppState>() {
                    state.grants.grant(paths.iter().cloned());
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            add_paths,
            pick_folders,
            pick_chat_model,
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
            open_file,
            settings,
            set_chat_model,
            set_index_threads,
            set_library_dir,
            download_llama
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("folio: the window could not start: {e}");
        std::process::exit(1);
    }
}
