import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import type { AskEventDto } from "./bindings/AskEventDto";
import { mockedApi, passage, settingsFixture, stubApi } from "./test-utils";

vi.mock("./api");

beforeEach(() => {
  vi.resetAllMocks();
  stubApi();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const nb = "\u00a0";
const systemSpeaks = (...languages: string[]) => vi.spyOn(navigator, "languages", "get").mockReturnValue(languages);
const inFrenchSettings = () => mockedApi.settings.mockResolvedValue({ ...settingsFixture, uiLanguage: "fr" });
const placeholder = () => (screen.getByTestId("question") as HTMLTextAreaElement).placeholder;
const options = (select: HTMLElement) => [...(select as HTMLSelectElement).options].map((o) => o.textContent);

describe("the window's language", () => {
  it("follows a French system while the settings say system", async () => {
    systemSpeaks("fr-FR", "en-US");
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    expect(document.documentElement.lang).toBe("fr");
    expect(screen.getByText("Des réponses tirées de vos propres fichiers. Rien ne quitte cet ordinateur.")).toBeTruthy();
    expect((await screen.findByTestId("no-folders")).textContent).toBe("Aucun dossier pour l’instant.");
    expect(screen.getByTestId("index-status").textContent).toBe(
      "Déposez des dossiers ou des fichiers sur la fenêtre pour les ajouter à votre bibliothèque.",
    );
    expect(placeholder()).toBe("Posez une question sur vos fichiers");
    expect(screen.getByTestId("ask-submit").textContent).toBe("Poser la question");
    expect(screen.getByRole("heading", { name: "Bibliothèque" })).toBeTruthy();
    expect(screen.getByTestId("settings-open").textContent).toBe("Paramètres");
  });

  it("is English on an English system, and French when the settings choose it whatever the system", async () => {
    systemSpeaks("en-GB", "fr-FR");
    const { unmount } = render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    expect(placeholder()).toBe("Ask a question about your files");
    expect(document.documentElement.lang).toBe("en");
    unmount();

    inFrenchSettings();
    render(<App />);
    await waitFor(() => expect(placeholder()).toBe("Posez une question sur vos fichiers"));
    expect(document.documentElement.lang).toBe("fr");
    expect(await screen.findByText(/Les réponses viennent du petit modèle fourni avec Folio/)).toBeTruthy();
  });

  it("shows the settings in French with the language select, and switches to English at once", async () => {
    inFrenchSettings();
    render(<App />);
    await waitFor(() => expect(placeholder()).toBe("Posez une question sur vos fichiers"));
    await userEvent.click(screen.getByTestId("settings-open"));
    const panel = await screen.findByTestId("settings");
    expect(within(panel).getByRole("heading", { name: "Paramètres" })).toBeTruthy();
    expect(panel.textContent).toContain(`Tout reste sur cet ordinateur${nb}: vos fichiers`);
    const select = within(panel).getByRole("combobox", { name: "Langue" });
    expect(select.dataset.testid).toBe("language-select");
    expect((select as HTMLSelectElement).value).toBe("fr");
    // Each language by its own name; "System" in the window's language.
    expect(options(select)).toEqual(["Système", "English", "Français"]);
    expect(within(panel).getByRole("button", { name: "Fermer" })).toBeTruthy();

    await userEvent.selectOptions(select, "en");
    expect(mockedApi.setUiLanguage).toHaveBeenCalledWith("en");
    await waitFor(() => expect(within(panel).getByRole("heading", { name: "Settings" })).toBeTruthy());
    expect(options(screen.getByTestId("language-select"))).toEqual(["System", "English", "Français"]);
    expect(placeholder()).toBe("Ask a question about your files");
    expect(document.documentElement.lang).toBe("en");

    await userEvent.selectOptions(screen.getByTestId("language-select"), "system");
    expect(mockedApi.setUiLanguage).toHaveBeenLastCalledWith("system");
    await userEvent.selectOptions(screen.getByTestId("language-select"), "fr");
    await waitFor(() => expect(screen.getByTestId("settings-open").textContent).toBe("Paramètres"));
    expect(mockedApi.setUiLanguage).toHaveBeenCalledTimes(3);
  });

  it("shows the models, the download and the library's place in French", async () => {
    inFrenchSettings();
    let send = (_e: Parameters<Parameters<typeof mockedApi.downloadChatModel>[1]>[0]) => {};
    mockedApi.downloadChatModel.mockImplementation(
      (_id, onEvent) =>
        new Promise<void>(() => {
          send = (e) => act(() => onEvent(e));
        }),
    );
    render(<App />);
    await waitFor(() => expect(placeholder()).toBe("Posez une question sur vos fichiers"));
    await userEvent.click(screen.getByTestId("settings-open"));
    const panel = await screen.findByTestId("settings");
    expect(panel.textContent).toContain(`Modèle en service${nb}: SmolLM2-360M-Instruct`);
    const answering = within(panel).getByRole("region", { name: "Modèle qui répond" });
    expect(within(answering).getByRole("button", { name: "En service" })).toBeTruthy();
    const search = await within(panel).findByRole("region", { name: "Modèle de recherche" });
    expect(within(search).getByRole("button", { name: /^Télécharger \(490\sMo\)$/ })).toBeTruthy();
    expect(within(panel).getByLabelText("Threads (1 à 8)")).toBeTruthy();
    expect(within(answering).getByTestId("chat-model-llama-3.2-1b-instruct").textContent).toContain(
      `téléchargement de 808${nb}Mo`,
    );
    await userEvent.click(within(panel).getByRole("button", { name: "Télécharger Llama 3.1 8B Instruct" }));
    send({ kind: "progress", done: 2_000_000_000, total: 4_000_000_000 });
    expect(within(panel).getByRole("progressbar", { name: "Progression du téléchargement" })).toBeTruthy();
    expect(panel.textContent).toContain(`2,0${nb}Go sur 4,0${nb}Go`);
    await userEvent.click(within(panel).getByRole("button", { name: "Changer le dossier de la bibliothèque…" }));
    expect(mockedApi.chooseLibraryFolder).toHaveBeenCalledWith("Choisir où Folio range sa bibliothèque");
  });

  it("reports a refused change of language and stays in the language shown", async () => {
    mockedApi.setUiLanguage.mockRejectedValue({ code: "invalid_input", message: 'unknown language "xx"' });
    render(<App />);
    await waitFor(() => expect(mockedApi.settings).toHaveBeenCalled());
    await userEvent.click(screen.getByTestId("settings-open"));
    await userEvent.selectOptions(screen.getByTestId("language-select"), "fr");
    const banner = await screen.findByTestId("error");
    expect(banner.textContent).toContain('Could not change the language: the request is not valid (unknown language "xx")');
    expect(placeholder()).toBe("Ask a question about your files");
  });

  it("says a failure in French, the back end's message as detail, and follows a change of language", async () => {
    inFrenchSettings();
    mockedApi.ask.mockRejectedValue({ code: "busy", message: "the library is busy indexing" });
    render(<App />);
    await waitFor(() => expect(placeholder()).toBe("Posez une question sur vos fichiers"));
    await userEvent.type(screen.getByTestId("question"), "Pourquoi ?{Enter}");
    const banner = await screen.findByRole("alert");
    expect(banner.dataset.code).toBe("busy");
    expect(banner.textContent).toContain(
      `Impossible de répondre${nb}: un autre processus utilise la bibliothèque${nb}; réessayez quand il aura terminé (the library is busy indexing)`,
    );
    expect(screen.getByTestId("answer").textContent).toBe(`Impossible de répondre${nb}: the library is busy indexing`);

    await userEvent.click(screen.getByTestId("settings-open"));
    await userEvent.selectOptions(screen.getByTestId("language-select"), "en");
    await waitFor(() => expect(banner.textContent).toContain("Could not answer: another process is using the library"));
    await userEvent.click(within(banner).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("streams and cites an answer in French", async () => {
    inFrenchSettings();
    const cited = passage({ chunkId: 11, text: "La comète revient tous les 76 ans." });
    let emit = (_e: AskEventDto) => {};
    mockedApi.ask.mockImplementation(
      (_q, _chat, onEvent) =>
        new Promise<void>(() => {
          emit = (e) => act(() => onEvent(e));
        }),
    );
    render(<App />);
    await waitFor(() => expect(placeholder()).toBe("Posez une question sur vos fichiers"));
    await userEvent.type(screen.getByTestId("question"), "Tous les combien ?{Enter}");
    const answer = screen.getByTestId("answer");
    emit({ kind: "started", chat: 5, searchQuery: "retour comète" });
    expect(answer.textContent).toBe(`Recherche de «${nb}retour comète${nb}» dans vos fichiers…`);
    emit({ kind: "retrieved", passages: [cited] });
    expect(answer.textContent).toBe(`Recherche de «${nb}retour comète${nb}» dans vos fichiers — 1 passage trouvé…`);
    emit({ kind: "token", text: "Tous les 76 ans [1]" });
    expect(within(answer).getByRole("button", { name: "Source 1" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Sources" })).toBeTruthy();
    expect(screen.getByTestId("source").textContent).toContain("comet.md — lignes 3-5");
    emit({
      kind: "finished",
      chat: 5,
      answer: "Tous les 76 ans [1].",
      answerHtml: "<p>Tous les 76 ans [1].</p>",
      grounded: false,
      citations: [],
      unsupported: [],
      model: "Llama-3.1-8B-Instruct",
    });
    expect(answer.textContent).toContain("Réponse de Llama-3.1-8B-Instruct");
    expect(answer.textContent).toContain(`Vos fichiers ne semblent pas contenir la réponse${nb}; voici les passages les plus proches.`);
    expect(screen.getByTestId("model-name").textContent).toBe("Llama-3.1-8B-Instruct");
  });
});
