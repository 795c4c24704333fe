//! Search, and asking with the answer streamed to the page (and stopped on request).

use std::sync::Arc;

use folio_app::dto::{AskEventDto, ErrorDto, HitDto};
use folio_engine::{AskOptions, ChatId, SearchOptions};
use tauri::ipc::Channel;

use crate::state::AppState;

/// Searches the library.
#[tauri::command]
pub async fn search(state: tauri::State<'_, AppState>, query: String) -> Result<Vec<HitDto>, ErrorDto> {
    let library = state.library().await?;
    let hits = library.search(&query, &SearchOptions::default()).await?;
    Ok(hits.iter().map(|h| HitDto::new(h, &query)).collect())
}

/// Answers a question (in chat `chat`, or a new one), streaming events to `on_event`.
#[tauri::command]
pub async fn ask(
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

/// Stops the answer being written.
#[tauri::command]
pub fn stop(state: tauri::State<'_, AppState>) {
    state.stop_answer();
}
