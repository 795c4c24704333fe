import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FileProblemDto } from "../bindings/FileProblemDto";
import type { IndexSummaryDto } from "../bindings/IndexSummaryDto";
import type { ProgressDto } from "../bindings/ProgressDto";
import { inFrench } from "../test-utils";
import { IndexStatus, idleRun } from "./IndexStatus";

const progress: ProgressDto = {
  job: 9,
  filesDone: 12,
  filesTotal: 40,
  chunksWritten: 180,
  current: "/home/me/notes/comet.md",
  bytesPerSec: 3_400_000,
  etaSecs: 125,
  paused: false,
};

// A file skipped, and one whose new version stopped the reader while the old one stays indexed.
const problems: FileProblemDto[] = [
  { path: "/a/x.bin", problem: { code: "binary" }, earlierKept: false },
  { path: "/a/big.log", problem: { code: "stopped", stop: { kind: "memory", bytes: 2 ** 31 } }, earlierKept: true },
];

describe("IndexStatus", () => {
  it("shows files done, rate and time left, and controls the job", async () => {
    const onControl = vi.fn();
    render(<IndexStatus run={{ ...idleRun, state: "indexing", progress }} onControl={onControl} />);
    const bar = screen.getByTestId("index-progress") as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([12, 40]);
    const status = screen.getByTestId("index-status");
    expect(status.dataset.state).toBe("indexing");
    expect(status.textContent).toContain("12 of 40 files");
    expect(status.textContent).toContain("3.4 MB/s");
    expect(status.textContent).toContain("about 2 min 5 s left");
    await userEvent.click(screen.getByRole("button", { name: "Pause" }));
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onControl.mock.calls).toEqual([
      [9, "pause"],
      [9, "cancel"],
    ]);
  });

  it("offers Resume while paused", () => {
    render(<IndexStatus run={{ ...idleRun, state: "indexing", progress: { ...progress, paused: true } }} onControl={() => {}} />);
    expect(screen.getByRole("button", { name: "Resume" })).toBeTruthy();
    expect(screen.getByTestId("index-status").textContent).toContain("paused");
  });

  it("summarises the outcome with the files not indexed and why", () => {
    const summary: IndexSummaryDto = { job: 9, cancelled: false, moved: 0, indexed: 38, unchanged: 1, chunks: 400, problems };
    render(<IndexStatus run={{ ...idleRun, state: "done", summary }} onControl={() => {}} />);
    expect(screen.getByTestId("index-status").textContent).toBe("Indexed 38 files (400 passages), 1 unchanged.");
    expect(screen.getByText("2 not indexed")).toBeTruthy();
    expect(screen.getByText("/a/x.bin").parentElement?.textContent).toBe("/a/x.bin: the file looks binary, not text");
    expect(screen.getByText("/a/big.log").parentElement?.textContent).toBe(
      "/a/big.log: stopped: needed more than 2 GB of memory; the version indexed earlier is kept",
    );
  });

  it("says all of it in French", async () => {
    const onControl = vi.fn();
    const { rerender } = render(<IndexStatus run={{ ...idleRun, state: "indexing", progress }} onControl={onControl} />, inFrench);
    expect(screen.getByTestId("index-status").textContent).toBe(
      "12 sur 40 fichiers · 180 passages · 3,4\u00a0Mo/s · encore environ 2\u00a0min 5\u00a0s",
    );
    expect(screen.getByRole("progressbar", { name: "Progression de l’indexation" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Suspendre" }));
    await userEvent.click(screen.getByRole("button", { name: "Annuler" }));
    expect(onControl.mock.calls).toEqual([
      [9, "pause"],
      [9, "cancel"],
    ]);
    rerender(<IndexStatus run={{ ...idleRun, state: "indexing", progress: { ...progress, paused: true } }} onControl={onControl} />);
    expect(screen.getByTestId("index-status").textContent).toContain("en pause");
    expect(screen.getByRole("button", { name: "Reprendre" })).toBeTruthy();
    const summary: IndexSummaryDto = { job: 9, cancelled: true, moved: 0, indexed: 1, unchanged: 0, chunks: 4, problems };
    rerender(<IndexStatus run={{ ...idleRun, state: "done", summary }} onControl={onControl} />);
    expect(screen.getByTestId("index-status").textContent).toBe(
      "Annulé\u00a0; les fichiers déjà traités restent indexés. 1 fichier indexé (4 passages), 0 inchangé.",
    );
    expect(screen.getByText("2 non indexés")).toBeTruthy();
    expect(screen.getByText("/a/x.bin").parentElement?.textContent).toBe(
      "/a/x.bin\u00a0: le fichier semble binaire, ce n’est pas du texte",
    );
    expect(screen.getByText("/a/big.log").parentElement?.textContent).toBe(
      "/a/big.log\u00a0: arrêté\u00a0: il fallait plus de 2\u00a0Go de mémoire\u00a0; la version indexée auparavant est conservée",
    );
    rerender(<IndexStatus run={{ ...idleRun, state: "failed", error: "the disk is full" }} onControl={onControl} />);
    expect(screen.getByTestId("index-status").textContent).toBe("Échec de l’indexation\u00a0: the disk is full");
  });
});
