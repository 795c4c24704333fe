import type { JobAction } from "../api";
import type { IndexSummaryDto } from "../bindings/IndexSummaryDto";
import type { ProgressDto } from "../bindings/ProgressDto";
import { fill, useI18n, type I18n } from "../i18n";

/** What indexing is doing; `state` is shown as data-state. */
export type IndexRun = {
  state: "idle" | "indexing" | "done" | "failed";
  progress: ProgressDto | null;
  /** The outcome of the last add_paths call; null for a job that ran in the background. */
  summary: IndexSummaryDto | null;
  error: string | null;
};

export const idleRun: IndexRun = { state: "idle", progress: null, summary: null, error: null };

function progressText(p: ProgressDto, { t, formatRate, formatDuration }: I18n): string {
  const parts = [t.indexing.filesOf(p.filesDone, p.filesTotal), t.indexing.passages(p.chunksWritten)];
  if (p.paused) parts.push(t.indexing.paused);
  else {
    parts.push(formatRate(p.bytesPerSec));
    if (p.etaSecs !== null) parts.push(t.indexing.timeLeft(formatDuration(p.etaSecs)));
  }
  return parts.join(" · ");
}

function summaryText(s: IndexSummaryDto, { t }: I18n): string {
  const done = t.indexing.summary(s.indexed, s.chunks, s.unchanged, s.moved);
  return s.cancelled ? `${t.indexing.cancelled} ${done}` : done;
}

function statusText(run: IndexRun, i18n: I18n): string {
  const t = i18n.t.indexing;
  switch (run.state) {
    case "idle":
      return t.idle;
    case "indexing":
      return run.progress ? progressText(run.progress, i18n) : t.looking;
    case "done":
      return run.summary ? summaryText(run.summary, i18n) : t.finished;
    case "failed":
      return t.failed(run.error ?? t.unknownError);
  }
}

type Props = { run: IndexRun; onControl: (job: number, action: JobAction) => void };

/** Indexing progress with rate and time left, the job's controls, and the outcome. */
export function IndexStatus({ run, onControl }: Props) {
  const i18n = useI18n();
  const t = i18n.t.indexing;
  const why = i18n.t.problem;
  const p = run.progress;
  const problems = run.state === "done" ? (run.summary?.problems ?? []) : [];
  return (
    <div className="index-status">
      {run.state === "indexing" &&
        (p ? (
          <progress data-testid="index-progress" max={Math.max(p.filesTotal, 1)} value={p.filesDone} aria-label={t.progress} />
        ) : (
          <progress data-testid="index-progress" aria-label={t.progress} />
        ))}
      <p data-testid="index-status" data-state={run.state} role="status">
        {statusText(run, i18n)}
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
              {t.resume}
            </button>
          ) : (
            <button type="button" onClick={() => onControl(p.job, "pause")}>
              {t.pause}
            </button>
          )}
          <button type="button" onClick={() => onControl(p.job, "cancel")}>
            {t.cancel}
          </button>
        </div>
      )}
      {problems.length > 0 && (
        <details className="problems">
          <summary>{t.notIndexed(problems.length)}</summary>
          <ul>
            {problems.map(({ path, problem, earlierKept }) => (
              <li key={path}>
                {fill(t.problem, {
                  path: <span className="path">{path}</span>,
                  reason: earlierKept ? why.earlierKept(why.reason(problem)) : why.reason(problem),
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
