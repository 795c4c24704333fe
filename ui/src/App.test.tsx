import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import type { AskEventDto } from "./bindings/AskEventDto";
import type { BackgroundProblemDto } from "./bindings/BackgroundProblemDto";
import { mockedApi, passage, settingsFixture, stubApi } from "./test-utils";

vi.mock("./api");

beforeEach(() => {
  vi.resetAllMocks();
  stubApi();
});

/** Makes api.ask wait for the test: `emit` sends an event, `end` returns from the call. */
function controlAsk() {
  const ctl = { emit: (_e: AskEventDto) => {}, end: async () => {} };
  mockedApi.ask.mockImplementation(
    (_q, _chat, onEvent) =>
      new Promise<void>((resolve) => {
        ctl.emit = (e) => act(() => onEvent(e));
        ctl.end = () => act(async () => resolve());
      }),
  );
  return ctl;
}

const cited = passage({ chunkId: 11, text: "Halley's comet returns every 76 years." });

describe("asking", () => {
  it("streams an answer with chips, then shows the finished answer; a chip opens the preview", async () => {
    const before = passage({ chunkId: 10, text: "Before <b>the</b> passage." });
    mockedApi.preview.mockResolvedValue([before, cited]);
    const ask = controlAsk();
    render(<App />);
    await userEvent.type(screen.getByTestId("question"), "How often does it return?{Enter}");
    expect(mockedApi.ask).toHaveBeenCalledWith("How often does it return?", null, expect.any(Function));
    const answer = screen.getByTestId("answer");
    expect(answer.dataset.state).toBe("retrieving");

    ask.emit({ kind: "started", chat: 5, searchQuery: "comet return" });
    ask.emit({ kind: "retrieved", passages: [cited] });
    expect(answer.textContent).toContain("comet return");
    ask.emit({ kind: "token", text: "Every 76 years [1]" });
    expect(answer.dataset.state).toBe("streaming");
    expect(within(answer).getAllByTestId("citation")).toHaveLength(1);
    expect(screen.getByTestId("source").textContent).toContain("76 years");

    ask.emit({
      kind: "finished",
      chat: 5,
      answer: "Every **76 years** [1].",
      answerHtml: "<p>Every <strong>76 years</strong> [1].</p>",
      grounded: true,
      citations: [{ marker: 1, passage: cited }],
      unsupported: [],
      model: "Llama-3.1-8B-Instruct",
    });
    await ask.end();
    expect(answer.dataset.state).toBe("done");
    expect(screen.getByTestId("model-name").textContent).toBe("Llama-3.1-8B-Instruct");

    await userEvent.click(within(answer).getByTestId("citation"));
    expect(mockedApi.preview).toHaveBeenCalledWith(11);
    const preview = await screen.findByTestId("preview");
    await waitFor(() => expect(within(preview).getByText("Before <b>the</b> passage.")).toBeTruthy());
    expect(preview.querySelector("mark")?.textContent).toBe(cited.text);
    expect(preview.querySelector("b")).toBeNull();

    await userEvent.click(screen.getByTestId("open-file"));
    expect(mockedApi.openFile).toHaveBeenCalledWith(cited.documentId, undefined);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("preview")).toBeNull();
  });

  it("stops with Esc while the answer is written, and keeps what was written", async () => {
    const ask = controlAsk();
    render(<App />);
    await userEvent.type(screen.getByTestId("question"), "Why?{Enter}");
    ask.emit({ kind: "started", chat: 5, searchQuery: "why" });
    ask.emit({ kind: "token", text: "Because" });
    await userEvent.keyboard("{Escape}");
    expect(mockedApi.stop).toHaveBeenCalledTimes(1);
    await ask.end();
    expect(screen.getByTestId("answer").dataset.state).toBe("cancelled");
    expect(screen.getByTestId("answer").textContent).toContain("Because");
    await userEvent.keyboard("{Escape}");
    expect(mockedApi.stop).toHaveBeenCalledTimes(1);
  });

  it("shows a failure to answer in the alert and the answer", async () => {
    mockedApi.ask.mockRejectedValue({ code: "busy", message: "the library is busy indexing" });
    render(<App />);
    await userEvent.type(screen.getByTestId("question"), "Why?{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.testid).toBe("error");
    expect(alert.dataset.code).toBe("busy");
    expect(alert.textContent).toContain("the library is busy indexing");
    expect(screen.getByTestId("answer").dataset.state).toBe("failed");
  });

  it("hints at Llama while the small bundled model answers", async () => {
    render(<App />);
    expect(await screen.findByText(/Answers come from the small bundled model/)).toBeTruthy();
  });

  it("opens a stored chat with its answers and their chips", async () => {
    mockedApi.chats.mockResolvedValue([{ id: 3, title: "Comets", messages: 2, updatedAt: 0 }]);
    mockedApi.chatMessages.mockResolvedValue([
      { role: "user", text: "How often?", html: null, state: "complete", model: null, citations: [] },
      {
        role: "assistant",
        text: "Every 76 years [1].",
        html: "<p>Every 76 years [1].</p>",
        state: "complete",
        model: "Llama",
        citations: [{ marker: 1, passage: cited }],
      },
    ]);
    render(<App />);
    await userEvent.click(await screen.findByRole("button", { name: "Comets" }));
    expect(mockedApi.chatMessages).toHaveBeenCalledWith(3);
    expect(await screen.findByText("How often?")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Source 1" }));
    expect(mockedApi.preview).toHaveBeenCalledWith(cited.chunkId);
  });
});

describe("settings", () => {
  it("states what stays on this computer, sets the theme, and closes with Esc", async () => {
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    const panel = await screen.findByTestId("settings");
    expect(panel.textContent).toContain(
      "Everything stays on this computer: your files, the index, your chats and the models. Folio makes no network calls except a model download you start.",
    );
    expect(panel.textContent).toContain(settingsFixture.libraryDir);
    await userEvent.selectOptions(screen.getByTestId("theme-select"), "dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("folio.theme")).toBe("dark");
    await userEvent.selectOptions(screen.getByTestId("theme-select"), "light");
    expect(document.documentElement.dataset.theme).toBe("light");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("settings")).toBeNull();
  });

  it("moves the library to a chosen folder, then reads the library and chats afresh", async () => {
    const moved = { ...settingsFixture, libraryDir: "/mnt/big/folio" };
    mockedApi.chooseLibraryFolder.mockResolvedValue("/mnt/big/folio");
    mockedApi.setLibraryDir.mockResolvedValue(moved);
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await waitFor(() => expect(mockedApi.libraryOverview).toHaveBeenCalledTimes(1));
    const chatsRead = mockedApi.chats.mock.calls.length;
    await userEvent.click(screen.getByTestId("settings-open"));
    expect(screen.getByTestId("library-dir").textContent).toBe(settingsFixture.libraryDir);
    await userEvent.click(screen.getByTestId("move-library"));
    expect(mockedApi.setLibraryDir).toHaveBeenCalledWith("/mnt/big/folio");
    await waitFor(() => expect(screen.getByTestId("library-dir").textContent).toBe("/mnt/big/folio"));
    await waitFor(() => expect(mockedApi.libraryOverview).toHaveBeenCalledTimes(2));
    expect(mockedApi.chats.mock.calls.length).toBeGreaterThan(chatsRead);
  });

  it("reports a refused move and keeps the library where it was", async () => {
    mockedApi.chooseLibraryFolder.mockResolvedValue("/home/me/photos");
    mockedApi.setLibraryDir.mockRejectedValue({ code: "invalid", message: "/home/me/photos is not empty" });
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    await userEvent.click(screen.getByTestId("move-library"));
    const banner = await screen.findByTestId("error");
    expect(banner.textContent).toContain("Could not change where the library lives: /home/me/photos is not empty");
    expect(screen.getByTestId("library-dir").textContent).toBe(settingsFixture.libraryDir);
    expect((screen.getByTestId("move-library") as HTMLButtonElement).disabled).toBe(false);
  });

  it("does not offer a move when FOLIO_LIBRARY chooses the folder", async () => {
    mockedApi.settings.mockResolvedValue({ ...settingsFixture, libraryDirFromEnv: true });
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    expect((screen.getByTestId("move-library") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("settings").textContent).toContain("FOLIO_LIBRARY sets the library folder");
  });

  it("a cancelled folder picker changes nothing", async () => {
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    await userEvent.click(screen.getByTestId("move-library"));
    expect(mockedApi.chooseLibraryFolder).toHaveBeenCalled();
    expect(mockedApi.setLibraryDir).not.toHaveBeenCalled();
  });

  it("downloads a Llama model with a progress bar, one at a time, then answers with it", async () => {
    let send = (_e: Parameters<Parameters<typeof mockedApi.downloadChatModel>[1]>[0]) => {};
    let end = async () => {};
    mockedApi.downloadChatModel.mockImplementation(
      (_id, onEvent) =>
        new Promise<void>((resolve) => {
          send = (e) => act(() => onEvent(e));
          end = () => act(async () => resolve());
        }),
    );
    const [big, small] = settingsFixture.chatModels;
    mockedApi.setChatModel.mockResolvedValue({
      ...settingsFixture,
      chatModels: [big!, { ...small!, downloaded: true }],
      chatModel: "Llama-3.2-1B-Instruct-Q4_K_M",
      chatModelPath: small!.path,
    });
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    const panel = screen.getByTestId("settings");
    expect(within(panel).getByTestId("chat-model-llama-3.2-1b-instruct").textContent).toContain("download of 808 MB");
    await userEvent.click(screen.getByRole("button", { name: "Download Llama 3.2 1B Instruct" }));
    expect(mockedApi.downloadChatModel).toHaveBeenCalledWith("llama-3.2-1b-instruct", expect.any(Function));
    // A second download waits for the first.
    expect((screen.getByRole("button", { name: "Download Llama 3.1 8B Instruct" }) as HTMLButtonElement).disabled).toBe(true);
    send({ kind: "progress", done: 404_000_000, total: 808_000_000 });
    const bar = screen.getByRole("progressbar", { name: "Download progress" }) as HTMLProgressElement;
    expect(bar.value / bar.max).toBe(0.5);
    expect(panel.textContent).toContain("404 MB of 808 MB");
    send({ kind: "finished", path: small!.path });
    await end();
    await waitFor(() => expect(mockedApi.setChatModel).toHaveBeenCalledWith("llama-3.2-1b-instruct"));
    expect(await within(panel).findByText("Llama-3.2-1B-Instruct-Q4_K_M")).toBeTruthy();
    const row = within(panel).getByTestId("chat-model-llama-3.2-1b-instruct");
    expect(within(row).getByRole("button", { name: "In use" })).toBeTruthy();
  });

  it("shows the speed measured on this machine and each Llama model's estimate", async () => {
    const [big, small] = settingsFixture.chatModels;
    mockedApi.settings.mockResolvedValue({
      ...settingsFixture,
      measuredTokensPerS: 42.4,
      chatModels: [
        { ...big!, estimatedTokensPerS: 0.713 },
        { ...small!, estimatedTokensPerS: 4.616 },
      ],
    });
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    const panel = screen.getByTestId("settings");
    expect(panel.textContent).toContain("42.4 tokens/s measured on this machine");
    expect(within(panel).getByTestId("chat-model-llama-3.2-1b-instruct").textContent).toContain(
      "about 4.6 tokens/s here (estimate)",
    );
    expect(within(panel).getByTestId("chat-model-llama-3.1-8b-instruct").textContent).toContain("about 0.7 tokens/s");
    expect(panel.textContent).toContain("by parameter count");
  });

  it("uses a GGUF file chosen in Folio's own file picker, and a cancelled picker changes nothing", async () => {
    mockedApi.pickChatModel
      .mockResolvedValueOnce(null)
      .mockResolvedValueOnce({ ...settingsFixture, chatModel: "my-model", chatModelPath: "/m/my-model.gguf" });
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    await userEvent.click(screen.getByTestId("pick-model"));
    expect(within(screen.getByTestId("settings")).getByText(settingsFixture.chatModel)).toBeTruthy();
    await userEvent.click(screen.getByTestId("pick-model"));
    expect(await within(screen.getByTestId("settings")).findByText("my-model")).toBeTruthy();
    expect(mockedApi.pickChatModel).toHaveBeenCalledTimes(2);
    expect(mockedApi.setChatModel).not.toHaveBeenCalled();
  });

  it("shows a problem of the background work (a busy library, a folder not watched) in the window's language", async () => {
    let tell = (_p: BackgroundProblemDto) => {};
    mockedApi.onBackgroundProblem.mockImplementation(async (handler) => {
      tell = (p) => act(() => handler(p));
      return () => {};
    });
    const busy: BackgroundProblemDto = {
      what: "openLibrary",
      error: { code: "busy", message: "the library is in use by another Folio process" },
      folder: null,
      retrySecs: 2,
    };
    const { unmount } = render(<App />);
    await waitFor(() => expect(mockedApi.onBackgroundProblem).toHaveBeenCalled());
    tell(busy);
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The library cannot be opened yet: another process is using the library; try again when it is done " +
        "(the library is in use by another Folio process) Trying again in 2 s.Dismiss",
    );
    tell({ what: "followFolder", error: { code: "io", message: "too many watches" }, folder: "/home/me/notes", retrySecs: null });
    expect((await screen.findByRole("alert")).textContent).toContain("/home/me/notes: too many watches");
    unmount();

    mockedApi.settings.mockResolvedValue({ ...settingsFixture, uiLanguage: "fr" });
    render(<App />);
    await waitFor(() => expect(document.documentElement.lang).toBe("fr"));
    await waitFor(() => expect(mockedApi.onBackgroundProblem).toHaveBeenCalledTimes(2));
    tell(busy);
    expect((await screen.findByRole("alert")).textContent).toBe(
      "La bibliothèque ne peut pas encore être ouverte\u00a0: un autre processus utilise la bibliothèque\u00a0; " +
        "réessayez quand il aura terminé (the library is in use by another Folio process) Nouvel essai dans 2\u00a0s.Fermer",
    );
  });
});
