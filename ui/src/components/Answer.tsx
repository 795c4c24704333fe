import type { Answer as AnswerData } from "../answer";
import { isActive } from "../answer";
import { fill, useI18n } from "../i18n";
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
  const { t } = useI18n();
  const active = isActive(answer);
  return (
    <article className="answer" data-testid={testId} data-state={answer.state} aria-live="polite" aria-busy={active}>
      {active && answer.searchQuery !== null && (
        <p className="muted">{t.answer.searching(answer.searchQuery, answer.passages.length)}</p>
      )}
      {answer.html !== null ? (
        <AnswerHtml html={answer.html} onCite={onCite} />
      ) : answer.text ? (
        <div className="answer-text">
          <MarkedText text={answer.text} onCite={onCite} />
        </div>
      ) : null}
      {answer.state === "done" && answer.unsupported.length > 0 && (
        <ul className="notice unsupported" data-testid="unsupported" aria-label={t.answer.unsupportedList}>
          {answer.unsupported.map((u) => (
            <li key={`${u.marker}:${u.sentence}`}>{t.answer.unsupported(u.marker, u.sentence, u.reason)}</li>
          ))}
        </ul>
      )}
      {answer.state === "done" && !answer.grounded && (
        <p className="notice">{t.answer.notFound}</p>
      )}
      {answer.state === "done" && answer.model && (
        <p className="muted">{fill(t.answer.answeredBy, { model: <span data-testid="model-name">{answer.model}</span> })}</p>
      )}
      {answer.state === "cancelled" && <p className="muted">{t.answer.stopped}</p>}
      {answer.state === "failed" && answer.error && <p className="failure">{t.answer.failed(answer.error)}</p>}
    </article>
  );
}
