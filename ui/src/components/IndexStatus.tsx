import type { JobAction } from "../api";
import type { IndexSummaryDto } from "../bindings/IndexSummaryDto";
import type { ProgressDto } from "../bindings/ProgressDto";
import { formatDuration, formatRate } from "../format";

/** What indexing is doing; `state` is shown as data-state. */
export type IndexRun = {
  state: "idle" | "indexing" | "done" | "failed";
  progress: ProgressDto | null;
  /** The outcome of the last add_paths call; null for a job that ran in the background. */
  summary: IndexSummaryDto | null;
  error: string | null;
};

export const idleRun: IndexRun = { state: "idle", progress: null, summary: null, error: null };

function progressText(p: ProgressDto): string {
  const parts = [`${p.filesDone} of ${p.filesTotal} files`, `${p.chunksWritten} passages`];
  if (p.paused) parts.push("paused");
  else {
    parts.push(formatRate(p.bytesPerSec));
    if (p.etaSecs !== null) parts.push(`about ${formatDuration(p.etaSecs)} left`);
  }
  return parts.join(" · ");
}

function summaryText(s: IndexSummaryDto): string {
  const start = s.cancelled ? "Cancelled; the files done so far stay indexed. " : "";
  const moved = s.moved ? `, ${s.moved} moved` : "";
  return `${start}Indexed ${s.indexed} files (${s.chunks} passages), ${s.unchanged} unchanged${moved}.`;
}

function statusText(run: IndexRun): string {
  switch (run.state) {
    case "idle":
      return "Drop folders or files on the window to add them to your library.";
    case "indexing":
      return run.progress ? progressText(run.progress) : "Looking for files…";
    case "done":
      return run.summary ? summaryText(run.summary) : "Indexing finished.";
    case "failed":
      return `Indexing failed: ${run.error ?? "unknown error"}`;
  }
}

type Props = { run: IndexRun; onControl: (job: number, action: JobAction) => void };

/** Indexing progress with rate and time left, the job's controls, and the outcome. */
export function IndexStatus({ run, onControl }: Props) {
  const p = run.progress;
  const problems = run.state === "done" ? (run.summary?.problems ?? []) : [];
  return (
    <div className="index-status">
      {run.state === "indexing" &&
        (p ? (
          <progress data-testid="index-progress" max={Math.max(p.filesTotal, 1)} value={p.filesDone} aria-label="Indexing progress" />
        ) : (
          <progress data-testid="index-progress" aria-label="Indexing progress" />
        ))}
      <p data-testid="index-status" data-state={run.state} role="status">
        {statusText(run)}
      </p>
      {run.state === "indexing" && p?.current && (
        <p className="muted current" title={p.current}>
          {p.current}
        </p>
      )}
      {run.state === "indexing" && p && (
        <div className="actions">
          {p.paused ? (
            <button type="button" onClick={() => onControl(p.job, "resume")}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={() => onControl(p.job, "pause")}>
              Pause
            </button>
          )}
          <button type="button" onClick={() => onControl(p.job, "cancel")}>
            Cancel
          </button>
        </div>
      )}
      {problems.length > 0 && (
        <details className="problems">
          <summary>{problems.length} not indexed</summary>
          <ul>
            {problems.map(([path, reason]) => (
              <li key={path}>
                <span className="path">{path}</span>: {reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
