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

/** Asks a question; `onEvent` receives {kind: "retrieved"|"token"|"finished"|"failed", ...}. */
export function ask(question, onEvent) {
  const channel = new tauri.core.Channel();
  channel.onmessage = onEvent;
  return tauri.core.invoke("ask", { question, onEvent: channel });
}

/** Calls `handler` with indexing progress. */
export function onIndexProgress(handler) {
  return tauri.event.listen("index-progress", (e) => handler(e.payload));
}

/** Calls `handler` with the paths dropped on the window. */
export function onDrop(handler) {
  return tauri.event.listen("tauri://drag-drop", (e) => handler(e.payload.paths));
}
