// Citation markers in answer text: "[1]", "[1, 2]" and "[1][2]" (the forms folio-core's citation
// filter lets through), split out so each number can become a chip.

/** A run of plain text, or one cited passage's marker number. */
export type Segment = { text: string } | { marker: number };

const MARKERS = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/** Splits `text` into plain runs and markers, in order; "[1, 2]" yields two markers. */
export function splitMarkers(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(MARKERS)) {
    const start = m.index ?? 0;
    if (start > last) out.push({ text: text.slice(last, start) });
    for (const n of (m[1] ?? "").split(",")) out.push({ marker: Number(n.trim()) });
    last = start + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** True when `text` holds at least one marker. */
export function hasMarkers(text: string): boolean {
  return text.search(MARKERS) >= 0;
}
