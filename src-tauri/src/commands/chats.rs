//! Commands on chats: list, read, rename, delete.

use folio_app::dto::{ChatDto, ErrorDto, MessageDto};
use folio_engine::ChatId;

use crate::state::AppState;

/// Chats, most recent first.
#[tauri::command]
pub async fn chats(state: tauri::State<'_, AppState>) -> Result<Vec<ChatDto>, ErrorDto> {
    Ok(state.library().await?.chats()?.iter().map(ChatDto::from).collect())
}

/// A chat's messages with their citations.
#[tauri::command]
pub async fn chat_messages(state: tauri::State<'_, AppState>, id: i64) -> Result<Vec<MessageDto>, ErrorDto> {
    Ok(state.library().await?.chat_messages(ChatId(id))?.iter().map(MessageDto::from).collect())
}

/// Renames a chat.
#[tauri::command]
pub async fn rename_chat(state: tauri::State<'_, AppState>, id: i64, title: String) -> Result<(), ErrorDto> {
    Ok(state.library().await?.rename_chat(ChatId(id), &title)?)
}

/// Deletes a chat.
#[tauri::command]
pub async fn delete_chat(state: tauri::State<'_, AppState>, id: i64) -> Result<(), ErrorDto> {
    Ok(state.library().await?.delete_chat(ChatId(id))?)
}
