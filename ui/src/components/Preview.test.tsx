import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { inFrench, mockedApi, passage, stubApi } from "../test-utils";
import { Preview } from "./Preview";

vi.mock("../api");

beforeEach(() => {
  vi.resetAllMocks();
  stubApi();
});

describe("Preview", () => {
  it("opens a PDF at the cited page", async () => {
    const onPage = passage({ path: "/home/me/papers/orbit.pdf", location: { page: 4 }, place: "page 4" });
    render(<Preview passage={onPage} onClose={() => {}} />);
    const open = screen.getByTestId("open-file");
    expect(open.textContent).toBe("Open file at page 4");
    await userEvent.click(open);
    expect(mockedApi.openFile).toHaveBeenCalledWith(onPage.documentId, 4);
  });

  it("opens other files without a page", async () => {
    render(<Preview passage={passage()} onClose={() => {}} />);
    const open = screen.getByTestId("open-file");
    expect(open.textContent).toBe("Open file");
    await userEvent.click(open);
    expect(mockedApi.openFile).toHaveBeenCalledWith(passage().documentId, undefined);
  });

  it("says where the passage is, and offers to open it, in French", async () => {
    const onPage = passage({ path: "/home/me/papers/orbit.pdf", location: { page: 4, lines: [2, 3] }, place: "page 4, lines 2-3" });
    render(<Preview passage={onPage} onClose={() => {}} />, inFrench);
    expect(screen.getByTestId("open-file").textContent).toBe("Ouvrir le fichier à la page 4");
    expect(screen.getByText("page 4, lignes 2-3 — /home/me/papers/orbit.pdf")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Fermer" })).toBeTruthy();
    await screen.findByText(onPage.text);
  });
});
