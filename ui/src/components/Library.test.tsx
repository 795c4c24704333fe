import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../App";
import type { IndexEventDto } from "../bindings/IndexEventDto";
import type { IndexSummaryDto } from "../bindings/IndexSummaryDto";
import type { ProgressDto } from "../bindings/ProgressDto";
import { inFrench, mockedApi, stubApi } from "../test-utils";
import { Library } from "./Library";

vi.mock("../api");

beforeEach(() => {
  vi.resetAllMocks();
  stubApi();
});

const summary: IndexSummaryDto = { job: 2, cancelled: false, moved: 0, indexed: 3, unchanged: 0, chunks: 9, problems: [] };
const progress: ProgressDto = {
  job: 2,
  filesDone: 1,
  filesTotal: 3,
  chunksWritten: 4,
  current: null,
  bytesPerSec: 2e6,
  etaSecs: 30,
  paused: false,
};

describe("Library", () => {
  it("indexes a typed path, shows progress, then the summary and the refreshed folders", async () => {
    let finish = (_s: IndexSummaryDto) => {};
    mockedApi.addPaths.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    let sendProgress = (_p: ProgressDto) => {};
    mockedApi.onIndexEvent.mockImplementation(async (h) => {
      sendProgress = (progress) => act(() => h({ kind: "progress", progress }));
      return () => {};
    });
    render(<Library />);
    await userEvent.type(screen.getByTestId("add-path-input"), "/home/me/notes");
    await userEvent.click(screen.getByTestId("add-path-submit"));
    expect(mockedApi.addPaths).toHaveBeenCalledWith(["/home/me/notes"]);
    expect(screen.getByTestId("index-status").dataset.state).toBe("indexing");

    await waitFor(() => expect(mockedApi.onIndexEvent).toHaveBeenCalled());
    sendProgress({ ...progress, filesDone: 3 });
    expect(screen.getByTestId("index-status").textContent).toContain("3 of 3 files");
    expect(screen.getByTestId("index-status").dataset.state).toBe("indexing");

    mockedApi.libraryOverview.mockResolvedValue([{ id: 1, path: "/home/me/notes", files: [] }]);
    await act(async () => finish(summary));
    expect(screen.getByTestId("index-status").dataset.state).toBe("done");
    expect(screen.getByTestId("index-status").textContent).toContain("Indexed 3 files (9 passages)");
    expect(screen.queryByTestId("index-progress")).toBeNull();
    expect((await screen.findByTestId("folder")).dataset.path).toBe("/home/me/notes");
  });

  it("indexes what is dropped on the window", async () => {
    mockedApi.addPaths.mockResolvedValue(summary);
    let drop = (_paths: string[]) => {};
    mockedApi.onDrop.mockImplementation(async (h) => {
      drop = (paths) => act(() => h(paths));
      return () => {};
    });
    render(<Library />);
    await waitFor(() => expect(mockedApi.onDrop).toHaveBeenCalled());
    drop(["/a", "/b"]);
    expect(mockedApi.addPaths).toHaveBeenCalledWith(["/a", "/b"]);
    await waitFor(() => expect(screen.getByTestId("index-status").dataset.state).toBe("done"));
  });

  it("indexes the folders chosen in the system's picker, and nothing when it is cancelled", async () => {
    mockedApi.addPaths.mockResolvedValue(summary);
    mockedApi.chooseFolders.mockResolvedValueOnce([]).mockResolvedValueOnce(["/home/me/a", "/home/me/b"]);
    render(<Library />);
    await userEvent.click(screen.getByTestId("choose-folders"));
    expect(mockedApi.chooseFolders).toHaveBeenCalledTimes(1);
    expect(mockedApi.chooseFolders).toHaveBeenCalledWith("Add folders to Folio");
    expect(mockedApi.addPaths).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("choose-folders"));
    await waitFor(() => expect(mockedApi.addPaths).toHaveBeenCalledWith(["/home/me/a", "/home/me/b"]));
    await waitFor(() => expect(screen.getByTestId("index-status").dataset.state).toBe("done"));
  });

  it("refreshes the folders when watched folders change", async () => {
    let changed = () => {};
    mockedApi.onLibraryChanged.mockImplementation(async (h) => {
      changed = () => act(() => h(summary));
      return () => {};
    });
    render(<Library />);
    await waitFor(() => expect(mockedApi.libraryOverview).toHaveBeenCalledTimes(1));
    mockedApi.libraryOverview.mockResolvedValue([{ id: 2, path: "/x", files: [] }]);
    changed();
    expect(await screen.findByTestId("folder")).toBeTruthy();
  });

  it("shows a job run in the background until its end is reported, not guessed", async () => {
    let send = (_e: IndexEventDto) => {};
    mockedApi.onIndexEvent.mockImplementation(async (h) => {
      send = (e) => act(() => h(e));
      return () => {};
    });
    render(<Library />);
    await waitFor(() => expect(mockedApi.onIndexEvent).toHaveBeenCalled());
    send({ kind: "started", job: 2 });
    send({ kind: "progress", progress });
    expect(screen.getByTestId("index-status").dataset.state).toBe("indexing");
    // Every file looked at is not the end: the vectors of the last batch may still be written.
    send({ kind: "progress", progress: { ...progress, filesDone: 3 } });
    expect(screen.getByTestId("index-status").dataset.state).toBe("indexing");
    mockedApi.libraryOverview.mockClear();
    send({ kind: "finished", summary });
    expect(screen.getByTestId("index-status").dataset.state).toBe("done");
    expect(screen.getByTestId("index-status").textContent).toContain("Indexed 3 files (9 passages)");
    await waitFor(() => expect(mockedApi.libraryOverview).toHaveBeenCalled());
  });

  it("shows a background job that failed, with its reason", async () => {
    let send = (_e: IndexEventDto) => {};
    mockedApi.onIndexEvent.mockImplementation(async (h) => {
      send = (e) => act(() => h(e));
      return () => {};
    });
    render(<Library />);
    await waitFor(() => expect(mockedApi.onIndexEvent).toHaveBeenCalled());
    send({ kind: "progress", progress });
    send({ kind: "failed", job: 2, code: "storage", message: "the disk is full" });
    expect(screen.getByTestId("index-status").dataset.state).toBe("failed");
    expect(screen.getByTestId("index-status").textContent).toContain("the disk is full");
  });

  it("adds and indexes in French, the picker titled in French", async () => {
    mockedApi.addPaths.mockResolvedValue(summary);
    mockedApi.chooseFolders.mockResolvedValue(["/home/moi/notes"]);
    render(<Library />, inFrench);
    expect(screen.getByRole("heading", { name: "Bibliothèque" })).toBeTruthy();
    const input = screen.getByRole("textbox", { name: "Ajouter un dossier ou un fichier par son chemin" }) as HTMLInputElement;
    expect(input.placeholder).toBe("/home/moi/Documents");
    expect(screen.getByTestId("add-path-submit").textContent).toBe("Ajouter le dossier");
    await userEvent.click(screen.getByRole("button", { name: "Choisir des dossiers…" }));
    expect(mockedApi.chooseFolders).toHaveBeenCalledWith("Ajouter des dossiers à Folio");
    await waitFor(() => expect(screen.getByTestId("index-status").textContent).toBe("3 fichiers indexés (9 passages), 0 inchangé."));
  });

  it("shows a failure in the alert and the status", async () => {
    mockedApi.addPaths.mockRejectedValue({ code: "io", message: "/nope does not exist" });
    render(<App />);
    await userEvent.type(screen.getByTestId("add-path-input"), "/nope{Enter}");
    const alert = await screen.findByTestId("error");
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.textContent).toContain("/nope does not exist");
    expect(screen.getByTestId("index-status").dataset.state).toBe("failed");
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("error")).toBeNull();
  });
});
