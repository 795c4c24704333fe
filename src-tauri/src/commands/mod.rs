//! The `#[tauri::command]`s, a few lines each over the engine, by area; each converts engine types to
//! DTOs and engine errors to `ErrorDto` with a stable `code`.

pub mod ask;
pub mod chats;
pub mod library;
pub mod settings;
