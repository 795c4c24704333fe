import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { DownloadEventDto } from "../bindings/DownloadEventDto";
import type { EmbeddingDto } from "../bindings/EmbeddingDto";
import { I18nProvider } from "../i18n";
import { embeddingFixture, inFrench, mockedApi, stubApi } from "../test-utils";
import { EmbedderSettings } from "./EmbedderSettings";

vi.mock("../api");

beforeEach(() => {
  vi.resetAllMocks();
  stubApi();
});

const downloaded: EmbeddingDto = {
  ...embeddingFixture,
  models: embeddingFixture.models.map((m) => ({ ...m, downloaded: true })),
};

function inEnglish(ui: React.ReactElement) {
  return render(<I18nProvider lang="en">{ui}</I18nProvider>);
}

describe("EmbedderSettings", () => {
  it("downloads the multilingual model with progress, then offers to use it", async () => {
    let send = (_e: DownloadEventDto) => {};
    let end = () => {};
    mockedApi.downloadEmbedder.mockImplementation((_id, onEvent) => {
      send = (e) => act(() => onEvent(e));
      return new Promise((resolve) => (end = () => act(resolve)));
    });
    inEnglish(<EmbedderSettings />);
    const row = await screen.findByTestId("embedder-multilingual-e5-small");
    expect(within(screen.getByTestId("embedder-all-minilm-l6-v2")).getByRole("button").textContent).toBe("In use");
    await userEvent.click(within(row).getByRole("button", { name: /Download \(490/ }));
    expect(mockedApi.downloadEmbedder).toHaveBeenCalledWith("multilingual-e5-small", expect.any(Function));
    send({ kind: "progress", done: 100, total: 400 });
    expect(within(row).getByLabelText("Download progress").getAttribute("value")).toBe("100");

    mockedApi.embedding.mockResolvedValue(downloaded);
    send({ kind: "finished", path: "/models/embed/multilingual-e5-small" });
    end();
    await waitFor(() => expect(within(row).getByRole("button").textContent).toBe("Use"));
  });

  it("switches in the background and follows its progress to the end", async () => {
    mockedApi.embedding.mockResolvedValue(downloaded);
    mockedApi.switchEmbedder.mockResolvedValue();
    let emit = (_s: EmbeddingDto) => {};
    mockedApi.onEmbedding.mockImplementation(async (h) => {
      emit = (s) => act(() => h(s));
      return () => {};
    });
    inEnglish(<EmbedderSettings />);
    const row = await screen.findByTestId("embedder-multilingual-e5-small");
    await userEvent.click(within(row).getByRole("button", { name: "Use" }));
    expect(mockedApi.switchEmbedder).toHaveBeenCalledWith("multilingual-e5-small");
    emit({ ...downloaded, switchingTo: "multilingual-e5-small", done: 640, total: 2000 });
    const switching = screen.getByTestId("embedder-switching");
    expect(switching.textContent).toContain("640 of 2,000 passages");
    expect(switching.textContent).toContain("Search uses the current model until it is done");
    expect(within(row).getByRole("button", { name: "Use" })).toHaveProperty("disabled", true);

    emit({ ...downloaded, active: "multilingual-e5-small" });
    expect(screen.queryByTestId("embedder-switching")).toBeNull();
    expect(within(row).getByRole("button").textContent).toBe("In use");
  });

  it("speaks French, numbers included", async () => {
    mockedApi.embedding.mockResolvedValue({ ...downloaded, switchingTo: "multilingual-e5-small", done: 1500, total: 12000 });
    render(<EmbedderSettings />, inFrench);
    const switching = await screen.findByTestId("embedder-switching");
    expect(screen.getByText("Modèle de recherche")).toBeTruthy();
    expect(switching.textContent).toMatch(/1\s500 passages sur 12\s000/);
    expect(switching.textContent).toContain("La recherche garde le modèle actuel");
  });
});
