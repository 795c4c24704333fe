import { Fragment } from "react";
import { splitMarkers } from "../citations";
import { useI18n } from "../i18n";

/** Called with a citation marker's number when its chip is clicked. */
export type OnCite = (marker: number) => void;

/** The class shared by chips made by React here and those made in the DOM by AnswerHtml; both are labelled
 * with the `answer.source` message. */
export const chipClass = "chip";

/** One citation marker as a button. */
export function CitationChip({ marker, onCite }: { marker: number; onCite: OnCite }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className={chipClass}
      data-testid="citation"
      data-marker={marker}
      aria-label={t.answer.source(marker)}
      onClick={() => onCite(marker)}
    >
      {marker}
    </button>
  );
}

/** Untrusted text (a streamed or stored answer) as text, with its [n] markers as chips. */
export function MarkedText({ text, onCite }: { text: string; onCite: OnCite }) {
  return (
    <>
      {splitMarkers(text).map((s, i) =>
        "marker" in s ? <CitationChip key={i} marker={s.marker} onCite={onCite} /> : <Fragment key={i}>{s.text}</Fragment>,
      )}
    </>
  );
}
