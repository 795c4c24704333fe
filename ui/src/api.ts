// The only module that talks to the Rust side (src-tauri/src/main.rs); everything else calls these
// functions. Argument names are camelCase: Tauri maps them to the commands' snake_case parameters.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type { AskEventDto } from "./bindings/AskEventDto";
import type { BackgroundProblemDto } from "./bindings/BackgroundProblemDto";
import type { ChatDto } from "./bindings/ChatDto";
import type { DownloadEventDto } from "./bindings/DownloadEventDto";
import type { EmbeddingDto } from "./bindings/EmbeddingDto";
import type { FolderDto } from "./bindings/FolderDto";
import type { HitDto } from "./bindings/HitDto";
import type { IndexEventDto } from "./bindings/IndexEventDto";
import type { IndexSummaryDto } from "./bindings/IndexSummaryDto";
import type { JobActionDto } from "./bindings/JobActionDto";
import type { JobDto } from "./bindings/JobDto";
import type { MessageDto } from "./bindings/MessageDto";
import type { PassageDto } from "./bindings/PassageDto";
import type { SettingsDto } from "./bindings/SettingsDto";

/** Stops an event subscription. */
export type Unlisten = () => void;

/** What `controlJob` can do to an indexing job. */
export type JobAction = JobActionDto;

/** Adds folders or files to the library and indexes them; the job's events arrive through `onIndexEvent`. */
export function addPaths(paths: string[]): Promise<IndexSummaryDto> {
  return invoke("add_paths", { paths });
}

/** The system's folder picker (opened by Folio, not the page), titled `title`: the folders chosen, or none
 * when cancelled. */
export function chooseFolders(title: string): Promise<string[]> {
  return invoke("pick_folders", { title, several: true });
}

/** The system's folder picker for one folder, titled `title`: where the library should live; null when
 * cancelled. */
export async function chooseLibraryFolder(title: string): Promise<string | null> {
  const picked: string[] = await invoke("pick_folders", { title, several: false });
  return picked[0] ?? null;
}

/** Searches the library. */
export function search(query: string): Promise<HitDto[]> {
  return invoke("search", { query });
}

/** Asks a question in chat `chat` (null starts a new one); resolves when the answer ends or is stopped. */
export function ask(question: string, chat: number | null, onEvent: (event: AskEventDto) => void): Promise<void> {
  const channel = new Channel<AskEventDto>();
  channel.onmessage = onEvent;
  return invoke("ask", { question, chat, onEvent: channel });
}

/** Stops the answer being written; what was written is kept as a stopped answer. */
export function stop(): Promise<void> {
  return invoke("stop");
}

/** Folders of the library, each with its files' statuses and reasons. */
export function libraryOverview(): Promise<FolderDto[]> {
  return invoke("library_overview");
}

/** Removes folder `id` from the library (its files stay on disk); resolves to the number of files removed. */
export function removeFolder(id: number): Promise<number> {
  return invoke("remove_folder", { id });
}

/** Indexing jobs, newest first. */
export function jobs(): Promise<JobDto[]> {
  return invoke("jobs");
}

/** Pauses, resumes or cancels indexing job `id`. */
export function controlJob(id: number, action: JobAction): Promise<void> {
  return invoke("control_job", { id, action });
}

/** Chats, most recent first. */
export function chats(): Promise<ChatDto[]> {
  return invoke("chats");
}

/** A chat's messages with their citations, oldest first. */
export function chatMessages(id: number): Promise<MessageDto[]> {
  return invoke("chat_messages", { id });
}

/** Renames a chat. */
export function renameChat(id: number, title: string): Promise<void> {
  return invoke("rename_chat", { id, title });
}

/** Deletes a chat. */
export function deleteChat(id: number): Promise<void> {
  return invoke("delete_chat", { id });
}

/** A passage with its neighbours in the same document, in order. */
export function preview(chunkId: number): Promise<PassageDto[]> {
  return invoke("preview", { chunkId });
}

/** Opens indexed document `documentId` in its default application, at `page` where that application takes one. */
export function openFile(documentId: number, page?: number): Promise<void> {
  return invoke("open_file", { documentId, page: page ?? null });
}

/** What the settings panel shows. */
export function settings(): Promise<SettingsDto> {
  return invoke("settings");
}

/**
 * Which chat model answers: "default" is the first downloaded Llama (best answers first), else the
 * bundled model; or a downloaded model's id (`llama-3.2-1b-instruct`).
 */
export type ModelChoice = "default" | "bundled" | (string & {});

/** Chooses the chat model. */
export function setChatModel(choice: ModelChoice): Promise<SettingsDto> {
  return invoke("set_chat_model", { choice });
}

/** The system's file picker for a GGUF model (opened by Folio); the new settings, or null when cancelled. */
export function pickChatModel(): Promise<SettingsDto | null> {
  return invoke("pick_chat_model");
}

/** Sets the threads used for indexing (applies at the next start). */
export function setIndexThreads(threads: number): Promise<SettingsDto> {
  return invoke("set_index_threads", { threads });
}

/** The language of the window: "system" follows the system's locale. */
export type UiLanguageChoice = "system" | "en" | "fr";

/** Sets the language of the window. */
export function setUiLanguage(choice: UiLanguageChoice): Promise<SettingsDto> {
  return invoke("set_ui_language", { choice });
}

/** Moves the library to `path` (an empty or new folder), or opens the Folio library already there. */
export function setLibraryDir(path: string): Promise<SettingsDto> {
  return invoke("set_library_dir", { path });
}

/** Downloads the chat model `id` (one of the settings' `chatModels`); resolves when the download ends, `onEvent` says how. */
export function downloadChatModel(id: string, onEvent: (event: DownloadEventDto) => void): Promise<void> {
  const channel = new Channel<DownloadEventDto>();
  channel.onmessage = onEvent;
  return invoke("download_chat_model", { id, onEvent: channel });
}

/** The embedding model the library searches with, a switch under way, and the models offered. */
export function embedding(): Promise<EmbeddingDto> {
  return invoke("embedding");
}

/** Downloads the embedding model `id`; resolves when the download ends, `onEvent` says how. */
export function downloadEmbedder(id: string, onEvent: (event: DownloadEventDto) => void): Promise<void> {
  const channel = new Channel<DownloadEventDto>();
  channel.onmessage = onEvent;
  return invoke("download_embedder", { id, onEvent: channel });
}

/** Starts switching the library to the embedding model `id`; `onEmbedding` follows it. */
export function switchEmbedder(id: string): Promise<void> {
  return invoke("switch_embedder", { id });
}

/** Calls `handler` with the progress and the end of a switch of embedding model. */
export function onEmbedding(handler: (status: EmbeddingDto) => void): Promise<Unlisten> {
  return listen<EmbeddingDto>("embedding-event", (e) => handler(e.payload));
}

/** Calls `handler` with the events of every indexing job, including ones run in the background: each
 * job's end in `finished` or `failed`. */
export function onIndexEvent(handler: (event: IndexEventDto) => void): Promise<Unlisten> {
  return listen<IndexEventDto>("index-event", (e) => handler(e.payload));
}

/** Calls `handler` when watched folders changed and the changes are indexed. */
export function onLibraryChanged(handler: (summary: IndexSummaryDto) => void): Promise<Unlisten> {
  return listen<IndexSummaryDto>("library-changed", (e) => handler(e.payload));
}

/** Calls `handler` with problems of the background work (the library busy, a folder not watched). */
export function onBackgroundProblem(handler: (problem: BackgroundProblemDto) => void): Promise<Unlisten> {
  return listen<BackgroundProblemDto>("background-problem", (e) => handler(e.payload));
}

/** Calls `handler` with the paths dropped on the window. */
export function onDrop(handler: (paths: string[]) => void): Promise<Unlisten> {
  return getCurrentWebview().onDragDropEvent((e) => {
    if (e.payload.type === "drop") handler(e.payload.paths);
  });
}

/** Calls `handler` with true while something is dragged over the window, false when it leaves or drops. */
export function onDragHover(handler: (over: boolean) => void): Promise<Unlisten> {
  return getCurrentWebview().onDragDropEvent((e) => handler(e.payload.type === "enter" || e.payload.type === "over"));
}
