import { Fragment } from "react";
import { splitMarkers } from "../citations";

/** Called with a citation marker's number when its chip is clicked. */
export type OnCite = (marker: number) => void;

/** Attributes shared by chips made by React here and those made in the DOM by AnswerHtml. */
export const chipClass = "chip";
export const chipLabel = (marker: number) => `Source ${marker}`;

/** One citation marker as a button. */
export function CitationChip({ marker, onCite }: { marker: number; onCite: OnCite }) {
  return (
    <button
      type="button"
      className={chipClass}
      data-testid="citation"
      data-marker={marker}
      aria-label={chipLabel(marker)}
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
