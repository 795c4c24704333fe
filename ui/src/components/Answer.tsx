import type { Answer as AnswerData } from "../answer";
import { isActive } from "../answer";
import { AnswerHtml } from "./AnswerHtml";
import { MarkedText, type OnCite } from "./MarkedText";

type Props = {
  answer: AnswerData;
  onCite: OnCite;
  /** Set on the answer being asked now, which the end-to-end test finds as "answer". */
  testId?: string;
};

/** One answer: progress while it is looked for and written, then the answer with its model. */
export function Answer({ answer, onCite, testId }: Props) {
  const active = isActive(answer);
  return (
    <article className="answer" data-testid={testId} data-state={answer.state} aria-live="polite" aria-busy={active}>
      {active && answer.searchQuery !== null && (
        <p className="muted">
          Searching your files for “{answer.searchQuery}”
          {answer.passages.length > 0 && ` — ${answer.passages.length} passages found`}…
        </p>
      )}
      {answer.html !== null ? (
        <AnswerHtml html={answer.html} onCite={onCite} />
      ) : answer.text ? (
        <div className="answer-text">
          <MarkedText text={answer.text} onCite={onCite} />
        </div>
      ) : null}
      {answer.state === "done" && answer.unsupported.length > 0 && (
        <ul className="notice unsupported" data-testid="unsupported" aria-label="Sentences their source does not support">
          {answer.unsupported.map((u) => (
            <li key={`${u.marker}:${u.sentence}`}>
              Not supported by [{u.marker}]: “{u.sentence}” ({u.reason})
            </li>
          ))}
        </ul>
      )}
      {answer.state === "done" && !answer.grounded && (
        <p className="notice">Your files do not seem to contain the answer; closest passages below.</p>
      )}
      {answer.state === "done" && answer.model && (
        <p className="muted">
          Answered by <span data-testid="model-name">{answer.model}</span>
        </p>
      )}
      {answer.state === "cancelled" && <p className="muted">Stopped.</p>}
      {answer.state === "failed" && answer.error && <p className="failure">Could not answer: {answer.error}</p>}
    </article>
  );
}
