import { beforeEach, describe, expect, it, vi } from "vitest";

const core = vi.hoisted(() => ({
  invoke: vi.fn(),
  channels: [] as Array<{ onmessage: (m: unknown) => void }>,
}));

vi.mock("@tauri-apps/api/core", () => ({
  invoke: core.invoke,
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
    constructor() {
      core.channels.push(this);
    }
  },
}));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
vi.mock("@tauri-apps/api/webview", () => ({ getCurrentWebview: vi.fn() }));

import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import * as api from "./api";

beforeEach(() => {
  core.invoke.mockReset().mockResolvedValue(undefined);
  core.channels.length = 0;
});

describe("api", () => {
  it.each([
    ["addPaths", () => api.addPaths(["/a", "/b"]), "add_paths", { paths: ["/a", "/b"] }],
    ["search", () => api.search("comet"), "search", { query: "comet" }],
    ["stop", () => api.stop(), "stop", undefined],
    ["libraryOverview", () => api.libraryOverview(), "library_overview", undefined],
    ["removeFolder", () => api.removeFolder(3), "remove_folder", { id: 3 }],
    ["jobs", () => api.jobs(), "jobs", undefined],
    ["controlJob", () => api.controlJob(3, "pause"), "control_job", { id: 3, action: "pause" }],
    ["chats", () => api.chats(), "chats", undefined],
    ["chatMessages", () => api.chatMessages(2), "chat_messages", { id: 2 }],
    ["renameChat", () => api.renameChat(2, "Comets"), "rename_chat", { id: 2, title: "Comets" }],
    ["deleteChat", () => api.deleteChat(2), "delete_chat", { id: 2 }],
    ["preview", () => api.preview(42), "preview", { chunkId: 42 }],
    ["openFile", () => api.openFile(5), "open_file", { documentId: 5, page: null }],
    ["openFile at a page", () => api.openFile(5, 4), "open_file", { documentId: 5, page: 4 }],
    ["settings", () => api.settings(), "settings", undefined],
    ["setChatModel", () => api.setChatModel("default"), "set_chat_model", { choice: "default" }],
    ["pickChatModel", () => api.pickChatModel(), "pick_chat_model", undefined],
    ["setIndexThreads", () => api.setIndexThreads(6), "set_index_threads", { threads: 6 }],
    ["setUiLanguage", () => api.setUiLanguage("fr"), "set_ui_language", { choice: "fr" }],
    ["setLibraryDir", () => api.setLibraryDir("/mnt/big/folio"), "set_library_dir", { path: "/mnt/big/folio" }],
  ])("%s invokes its command with camelCase arguments", async (_name, call, command, args) => {
    await call();
    if (args === undefined) expect(core.invoke).toHaveBeenCalledWith(command);
    else expect(core.invoke).toHaveBeenCalledWith(command, args);
  });

  it("ask passes a channel whose messages reach the handler", async () => {
    const onEvent = vi.fn();
    await api.ask("When does the comet return?", null, onEvent);
    const channel = core.channels[0];
    expect(core.invoke).toHaveBeenCalledWith("ask", { question: "When does the comet return?", chat: null, onEvent: channel });
    channel?.onmessage({ kind: "token", text: "Every" });
    expect(onEvent).toHaveBeenCalledWith({ kind: "token", text: "Every" });
  });

  it("downloadChatModel names the model and passes a channel whose messages reach the handler", async () => {
    const onEvent = vi.fn();
    await api.downloadChatModel("llama-3.2-1b-instruct", onEvent);
    const channel = core.channels[0];
    expect(core.invoke).toHaveBeenCalledWith("download_chat_model", { id: "llama-3.2-1b-instruct", onEvent: channel });
    channel?.onmessage({ kind: "progress", done: 1, total: 2 });
    expect(onEvent).toHaveBeenCalledWith({ kind: "progress", done: 1, total: 2 });
  });

  it("onIndexEvent passes each event's payload", async () => {
    const handler = vi.fn();
    vi.mocked(listen).mockResolvedValue(() => {});
    await api.onIndexEvent(handler);
    expect(listen).toHaveBeenCalledWith("index-event", expect.any(Function));
    const forward = vi.mocked(listen).mock.calls[0]?.[1];
    forward?.({ event: "index-event", id: 1, payload: { kind: "started", job: 4 } });
    expect(handler).toHaveBeenCalledWith({ kind: "started", job: 4 });
  });

  it("chooseFolders has Folio open the picker for several folders (the page opens no dialog itself)", async () => {
    core.invoke.mockResolvedValueOnce(["/a", "/b"]);
    expect(await api.chooseFolders("Add folders to Folio")).toEqual(["/a", "/b"]);
    expect(core.invoke).toHaveBeenCalledWith("pick_folders", { title: "Add folders to Folio", several: true });
    core.invoke.mockResolvedValueOnce([]);
    expect(await api.chooseFolders("Add folders to Folio")).toEqual([]);
  });

  it("chooseLibraryFolder has Folio open the picker for one folder, null when cancelled", async () => {
    core.invoke.mockResolvedValueOnce(["/mnt/big"]);
    expect(await api.chooseLibraryFolder("Where?")).toBe("/mnt/big");
    expect(core.invoke).toHaveBeenCalledWith("pick_folders", { title: "Where?", several: false });
    core.invoke.mockResolvedValueOnce([]);
    expect(await api.chooseLibraryFolder("Where?")).toBeNull();
  });

  it("onDrop passes the paths of a drop only", async () => {
    let forward: ((e: { payload: unknown }) => void) | undefined;
    const onDragDropEvent = vi.fn(async (h: (e: { payload: unknown }) => void) => {
      forward = h;
      return () => {};
    });
    vi.mocked(getCurrentWebview).mockReturnValue({ onDragDropEvent } as never);
    const handler = vi.fn();
    await api.onDrop(handler);
    forward?.({ payload: { type: "enter", paths: ["/a"] } });
    forward?.({ payload: { type: "drop", paths: ["/a", "/b"] } });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(["/a", "/b"]);
  });
});
