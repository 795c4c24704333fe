//! Commands on the library: its folders and files, jobs, the preview and opening a cited file, adding
//! paths (from the pickers, a drop, the command line or a confirmation) and moving the library.

use std::path::PathBuf;

use folio_app::dto::{self, ErrorDto, FolderDto, IndexSummaryDto, JobActionDto, JobDto, SettingsDto};
use folio_engine::{IndexOptions, LibraryConfig};

use crate::state::AppState;

/// The library: each folder with its files' statuses and reasons.
#[tauri::command]
pub async fn library_overview(state: tauri::State<'_, AppState>) -> Result<Vec<FolderDto>, ErrorDto> {
    let library = state.library().await?;
    let docs = library.documents()?;
    Ok(library.folders()?.into_iter().map(|f| FolderDto::new(f, &docs)).collect())
}

/// Removes folder `id` and purges its data (the files stay on disk).
#[tauri::command]
pub async fn remove_folder(state: tauri::State<'_, AppState>, id: i64) -> Result<u64, ErrorDto> {
    Ok(state.library().await?.remove_folder_id(folio_engine::FolderId(id)).await?)
}

/// Indexing jobs, newest first.
#[tauri::command]
pub async fn jobs(state: tauri::State<'_, AppState>) -> Result<Vec<JobDto>, ErrorDto> {
    Ok(state.library().await?.jobs()?.iter().map(JobDto::from).collect())
}

/// Pauses, resumes or cancels job `id`.
#[tauri::command]
pub async fn control_job(
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
            crate::background::forward(&app, library.resume_job_events(job, IndexOptions::default())).await?;
        }
    }
    Ok(())
}

/// A cited passage with its neighbours in the same document, in order, for the preview.
#[tauri::command]
pub async fn preview(state: tauri::State<'_, AppState>, chunk_id: i64) -> Result<Vec<dto::PassageDto>, ErrorDto> {
    let passages = state.library().await?.passage_context(folio_engine::ChunkId(chunk_id), 2)?;
    Ok(passages.iter().map(dto::PassageDto::from).collect())
}

/// Opens indexed document `document_id` in the system's default application, at `page` where that
/// application takes one (see `folio_app::launch`). The page names a document, never a path: only a
/// file Folio indexed, still a regular file inside its folder, is opened.
#[tauri::command]
pub async fn open_file(state: tauri::State<'_, AppState>, document_id: i64, page: Option<u32>) -> Result<(), ErrorDto> {
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

/// The system's folder picker (opened here, not by the page): the folders chosen, now granted, or
/// none when it was cancelled. `several`: more than one may be chosen.
#[tauri::command]
pub async fn pick_folders(
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

/// Adds folders or files to the library and indexes them; the job's events arrive as `index-event`s.
/// Each path must be one the user chose (picker, drop, command line, a folder already in the library)
/// or confirms now; the whole computer, the home folder and system folders are always confirmed.
#[tauri::command]
pub async fn add_paths(
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
    let events = library.index_events(folders, IndexOptions::default());
    match crate::background::forward(&app, events).await? {
        Some(summary) => Ok(summary),
        None => Err(ErrorDto { code: "internal", message: "indexing ended without a report".into() }),
    }
}

/// Moves the library to the folder `path` (empty or new), or opens the Folio library already there,
/// and remembers the choice. The answer being written is stopped; indexing must not be running.
#[tauri::command]
pub async fn set_library_dir(
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
