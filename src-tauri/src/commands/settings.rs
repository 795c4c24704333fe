//! The settings panel: the chat model (and the Llama downloads), the embedding model (its download and
//! the switch of the library to it), indexing threads, the window's language.

use std::path::PathBuf;

use folio_app::dto::{DownloadEventDto, EmbeddingDto, ErrorDto, SettingsDto};
use tauri::ipc::Channel;

use crate::state::AppState;

/// The settings panel's contents.
#[tauri::command]
pub fn settings(state: tauri::State<'_, AppState>) -> SettingsDto {
    state.settings_dto(&state.settings())
}

/// Chooses the chat model: `default` (the first downloaded Llama, else the bundled model), `bundled`, or
/// a downloaded model's id (`llama-3.2-1b-instruct`). Any other file is chosen with [`pick_chat_model`].
/// The next question loads it.
#[tauri::command]
pub async fn set_chat_model(state: tauri::State<'_, AppState>, choice: String) -> Result<SettingsDto, ErrorDto> {
    let models = state.library.config().models.clone();
    let path = match choice.as_str() {
        "default" => None,
        "bundled" => Some(models.bundled_chat_model()),
        id => match folio_engine::chat_model(id) {
            Some(m) => Some(models.chat_model_path(&m)),
            None => return Err(ErrorDto { code: "invalid_input", message: format!("unknown model choice {id:?}") }),
        },
    };
    use_chat_model(&state, path).await
}

/// The system's file picker for a GGUF model file (opened here, not by the page); the file must be a
/// GGUF model (`folio_models::check_gguf`). `null` when the picker was cancelled.
#[tauri::command]
pub async fn pick_chat_model(
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

pub async fn use_chat_model(state: &AppState, path: Option<PathBuf>) -> Result<SettingsDto, ErrorDto> {
    // The library checks the file (a GGUF model); it is open already (start-up opens it in the background).
    state.library().await?.set_chat_model(path.clone())?;
    state.update_settings(|s| s.chat_model = path)
}

/// Sets the threads used for indexing, from the next start.
#[tauri::command]
pub fn set_index_threads(state: tauri::State<'_, AppState>, threads: u32) -> Result<SettingsDto, ErrorDto> {
    let threads = usize::try_from(threads.max(1)).unwrap_or(1);
    state.update_settings(|s| s.index_threads = Some(threads))
}

/// Sets the window's language: `system` (follow the system's locale), `en` or `fr`.
#[tauri::command]
pub fn set_ui_language(state: tauri::State<'_, AppState>, choice: String) -> Result<SettingsDto, ErrorDto> {
    use folio_engine::settings::UiLanguage;
    let language = match choice.as_str() {
        "system" => None,
        "en" => Some(UiLanguage::En),
        "fr" => Some(UiLanguage::Fr),
        other => return Err(ErrorDto { code: "invalid_input", message: format!("unknown language {other:?}") }),
    };
    state.update_settings(|s| s.ui_language = language)
}

/// Downloads the chat model `id` (one of `folio_engine::CHAT_MODELS`) from the Hugging Face hub (the one
/// network call Folio makes, and only when the user asks), resuming an interrupted download and
/// verifying its checksum.
#[tauri::command]
pub async fn download_chat_model(
    state: tauri::State<'_, AppState>,
    id: String,
    on_event: Channel<DownloadEventDto>,
) -> Result<(), ErrorDto> {
    let model = folio_engine::chat_model(&id)
        .ok_or_else(|| ErrorDto { code: "invalid_input", message: format!("unknown chat model {id:?}") })?;
    let dest = state.library.config().models.chat_model_path(&model);
    let hub = model.hub_file();
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

/// The embedding model the library searches with, a switch under way, and the models offered.
#[tauri::command]
pub async fn embedding(state: tauri::State<'_, AppState>) -> Result<EmbeddingDto, ErrorDto> {
    let library = state.library().await?;
    let models = folio_engine::embedders(&library.config().models);
    Ok(EmbeddingDto::new(&library.embedding_status()?, &models))
}

/// One embedding model download at a time (two would write the same partial file).
static EMBEDDER_DOWNLOAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Downloads the embedding model `id` from the Hugging Face hub (only when the user asks), each file
/// resumed after an interruption and verified.
#[tauri::command]
pub async fn download_embedder(
    state: tauri::State<'_, AppState>,
    id: String,
    on_event: Channel<DownloadEventDto>,
) -> Result<(), ErrorDto> {
    use std::sync::atomic::Ordering;
    if EMBEDDER_DOWNLOAD.swap(true, Ordering::SeqCst) {
        return Err(ErrorDto { code: "refused", message: "the embedding model is already downloading".into() });
    }
    let models = state.library.config().models.clone();
    let progress = {
        let on_event = on_event.clone();
        let last = std::sync::Mutex::new(std::time::Instant::now() - std::time::Duration::from_secs(1));
        move |p: folio_engine::EmbedderDownload| {
            let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.elapsed() >= std::time::Duration::from_millis(200) {
                *last = std::time::Instant::now();
                let _ = on_event.send(DownloadEventDto::Progress { done: p.progress.done, total: p.progress.total });
            }
        }
    };
    let result = folio_engine::download_embedder(&models, &id, &progress).await;
    EMBEDDER_DOWNLOAD.store(false, Ordering::SeqCst);
    let event = match result {
        Ok(path) => DownloadEventDto::Finished { path: path.display().to_string() },
        Err(e) => DownloadEventDto::Failed { message: e.to_string() },
    };
    let _ = on_event.send(event);
    Ok(())
}

/// Switches the library to the embedding model `id`, in the background: every passage is embedded
/// again while search goes on with the old vectors; `embedding-event`s tell the progress and the end.
#[tauri::command]
pub async fn switch_embedder(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<(), ErrorDto> {
    let library = state.library().await?;
    tauri::async_runtime::spawn(crate::background::switch_embedder(app, library, Some(id)));
    Ok(())
}
