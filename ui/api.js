// The one module that talks to the Rust side. Everything else calls these functions.
const tauri = window.__TAURI__;

/** Adds folders or files to the library and indexes them. */
export function addPaths(paths) {
  return tauri.core.invoke("add_paths", { paths });
}

/** Searches the library. */
export function search(query) {
  return tauri.core.invoke("search", { query });
}

/**
 * Asks a question in chat `chat` (null starts a new chat); `onEvent` receives
 * {kind: "started"|"retrieved"|"token"|"finished"|"failed", ...}.
 */
export function ask(question, chat, onEvent) {
  const channel = new tauri.core.Channel();
  channel.onmessage = onEvent;
  return tauri.core.invoke("ask", { question, chat, onEvent: channel });
}

/** Stops the answer being written; what was written is kept as a stopped answer. */
export function stop() {
  return tauri.core.invoke("stop");
}

/** Calls `handler` with indexing progress. */
export function onIndexProgress(handler) {
  return tauri.event.listen("index-progress", (e) => handler(e.payload));
}

/** Calls `handler` with the paths dropped on the window. */
export function onDrop(handler) {
  return tauri.event.listen("tauri://drag-drop", (e) => handler(e.payload.paths));
}

/** Folders of the library, each with its files' statuses and reasons. */
export function libraryOverview() {
  return tauri.core.invoke("library_overview");
}

/** Removes a folder from the library (files on disk stay). */
export function removeFolder(path) {
  return tauri.core.invoke("remove_folder", { path });
}

/** Indexing jobs, newest first. */
export function jobs() {
  return tauri.core.invoke("jobs");
}

/** Pauses, resumes or cancels a job: `action` is "pause", "resume" or "cancel". */
export function controlJob(id, action) {
  return tauri.core.invoke("control_job", { id, action });
}

/** Chats, most recent first. */
export function chats() {
  return tauri.core.invoke("chats");
}

/** A chat's messages with their citations. */
export function chatMessages(id) {
  return tauri.core.invoke("chat_messages", { id });
}

/** Renames a chat. */
export function renameChat(id, title) {
  return tauri.core.invoke("rename_chat", { id, title });
}

/** Deletes a chat. */
export function deleteChat(id) {
  return tauri.core.invoke("delete_chat", { id });
}

/** Calls `handler` when watched folders change and the changes are indexed. */
export function onLibraryChanged(handler) {
  return tauri.event.listen("library-changed", (e) => handler(e.payload));
}

/** A cited passage with its neighbours in the same document, in order. */
export function preview(chunkId) {
  return tauri.core.invoke("preview", { chunkId });
}

/** Opens a file of the library in the system's default application (other paths are refused). */
export function openFile(path) {
  return tauri.core.invoke("open_file", { path });
}
