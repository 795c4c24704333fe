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
