import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FolderDto } from "../bindings/FolderDto";
import { inFrench } from "../test-utils";
import { FolderList } from "./FolderList";

const folder: FolderDto = {
  id: 4,
  path: "/home/me/notes",
  files: [
    { path: "/home/me/notes/a.md", status: "indexed", reason: null },
    { path: "/home/me/notes/b.bin", status: "skipped", reason: { code: "unsupported" } },
    { path: "/home/me/notes/c.md", status: "indexed", reason: null },
    { path: "/home/me/notes/d.pdf", status: "failed", reason: { code: "encrypted" } },
  ],
};

describe("FolderList", () => {
  it("counts the files by status and lists each with its reason", async () => {
    const onRescan = vi.fn();
    const onRemove = vi.fn();
    render(<FolderList folders={[folder]} onRescan={onRescan} onRemove={onRemove} />);
    const row = screen.getByTestId("folder");
    expect(row.dataset.path).toBe("/home/me/notes");
    expect(row.querySelector("summary")?.textContent).toContain("2 indexed, 1 skipped, 1 failed");
    const files = screen.getAllByTestId("file");
    expect(files.map((f) => f.dataset.status)).toEqual(["indexed", "skipped", "indexed", "failed"]);
    expect(files[1]?.querySelector(".reason")?.textContent).toBe(" — unsupported file type");
    expect(files[3]?.querySelector(".reason")?.textContent).toBe(" — the file is password-protected");
    await userEvent.click(screen.getByRole("button", { name: "Rescan" }));
    await userEvent.click(screen.getByRole("button", { name: "Remove" }));
    expect(onRescan).toHaveBeenCalledWith("/home/me/notes");
    expect(onRemove).toHaveBeenCalledWith(4);
  });

  it("counts and names the statuses in French, with their agreement", () => {
    render(<FolderList folders={[folder]} onRescan={() => {}} onRemove={() => {}} />, inFrench);
    expect(screen.getByTestId("folder").querySelector("summary")?.textContent).toContain("2 indexés, 1 ignoré, 1 en échec");
    expect(screen.getAllByTestId("file").map((f) => f.querySelector(".status")?.textContent)).toEqual([
      "indexé",
      "ignoré",
      "indexé",
      "en échec",
    ]);
    expect(screen.getAllByTestId("file")[3]?.querySelector(".reason")?.textContent).toBe(
      " — le fichier est protégé par un mot de passe",
    );
    expect(screen.getByRole("button", { name: "Réanalyser" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Retirer" })).toBeTruthy();
  });

  it("says when there are no folders yet, in either language", () => {
    const { unmount } = render(<FolderList folders={[]} onRescan={() => {}} onRemove={() => {}} />);
    expect(screen.getByTestId("no-folders").textContent).toBe("No folders yet.");
    unmount();
    render(<FolderList folders={[]} onRescan={() => {}} onRemove={() => {}} />, inFrench);
    expect(screen.getByTestId("no-folders").textContent).toBe("Aucun dossier pour l’instant.");
  });
});
