import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ProgressDto } from "../bindings/ProgressDto";
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
    const summary = { job: 9, cancelled: false, moved: 0, indexed: 38, unchanged: 1, chunks: 400, problems: [["/a/x.bin", "not a document"]] as Array<[string, string]> };
    render(<IndexStatus run={{ ...idleRun, state: "done", summary }} onControl={() => {}} />);
    expect(screen.getByTestId("index-status").textContent).toBe("Indexed 38 files (400 passages), 1 unchanged.");
    expect(screen.getByText("1 not indexed")).toBeTruthy();
    expect(screen.getByText(/not a document/)).toBeTruthy();
  });
});
