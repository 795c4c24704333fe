// Shared by the component tests, which replace ./api with vi.mock: harmless answers for every call,
// so each test sets only what it is about.
import { createElement, type ReactNode } from "react";
import { vi } from "vitest";
import * as api from "./api";
import type { PassageDto } from "./bindings/PassageDto";
import type { EmbeddingDto } from "./bindings/EmbeddingDto";
import type { SettingsDto } from "./bindings/SettingsDto";
import { I18nProvider } from "./i18n";

export const mockedApi = vi.mocked(api);

export function passage(overrides: Partial<PassageDto> = {}): PassageDto {
  return {
    chunkId: 7,
    documentId: 3,
    path: "/home/me/notes/comet.md",
    location: { lines: [3, 5] },
    place: "lines 3-5",
    text: "The comet returns every 212 years.",
    ...overrides,
  };
}

export const settingsFixture: SettingsDto = {
  libraryDir: "/home/me/.local/share/folio",
  libraryDirFromEnv: false,
  modelsDir: "/home/me/.local/share/folio/models",
  chatModel: "SmolLM2-360M-Instruct",
  chatModelPath: "/opt/folio/models/smollm2.gguf",
  bundledModelPath: "/opt/folio/models/smollm2.gguf",
  chatModels: [
    {
      id: "llama-3.1-8b-instruct",
      name: "Llama 3.1 8B Instruct",
      path: "/home/me/.local/share/folio/models/chat/llama-3.1-8b-instruct/llama.gguf",
      downloaded: false,
      downloadBytes: 4_920_000_000,
      paramsMillions: 8030,
      estimatedTokensPerS: null,
    },
    {
      id: "llama-3.2-1b-instruct",
      name: "Llama 3.2 1B Instruct",
      path: "/home/me/.local/share/folio/models/chat/llama-3.2-1b-instruct/llama.gguf",
      downloaded: false,
      downloadBytes: 808_000_000,
      paramsMillions: 1240,
      estimatedTokensPerS: null,
    },
  ],
  measuredTokensPerS: null,
  indexThreads: 4,
  maxThreads: 8,
  uiLanguage: "system",
};

export const embeddingFixture: EmbeddingDto = {
  active: "all-minilm-l6-v2",
  switchingTo: null,
  done: 0,
  total: 0,
  models: [
    { id: "all-minilm-l6-v2", name: "all-MiniLM-L6-v2 (int8)", multilingual: false, bundled: true, downloaded: true, downloadBytes: 0 },
    { id: "multilingual-e5-small", name: "multilingual-e5-small", multilingual: true, bundled: false, downloaded: false, downloadBytes: 490_000_000 },
  ],
};

/** render()'s options that show a component in French, as the app does when the settings choose it. */
export const inFrench = {
  wrapper: ({ children }: { children: ReactNode }) => createElement(I18nProvider, { lang: "fr", children }),
};

const unlisten = () => {};

export function stubApi(): void {
  mockedApi.libraryOverview.mockResolvedValue([]);
  mockedApi.chats.mockResolvedValue([]);
  mockedApi.chatMessages.mockResolvedValue([]);
  mockedApi.settings.mockResolvedValue(settingsFixture);
  mockedApi.preview.mockImplementation(async (chunkId) => [passage({ chunkId })]);
  mockedApi.stop.mockResolvedValue();
  mockedApi.openFile.mockResolvedValue();
  mockedApi.onIndexEvent.mockResolvedValue(unlisten);
  mockedApi.onLibraryChanged.mockResolvedValue(unlisten);
  mockedApi.onDrop.mockResolvedValue(unlisten);
  mockedApi.onDragHover.mockResolvedValue(unlisten);
  mockedApi.onBackgroundProblem.mockResolvedValue(unlisten);
  mockedApi.embedding.mockResolvedValue(embeddingFixture);
  mockedApi.onEmbedding.mockResolvedValue(unlisten);
  mockedApi.chooseFolders.mockResolvedValue([]);
  mockedApi.chooseLibraryFolder.mockResolvedValue(null);
  mockedApi.setUiLanguage.mockImplementation(async (choice) => ({ ...settingsFixture, uiLanguage: choice }));
}
