// The answer to one question as the UI shows it, built from the streamed events or a stored chat.
import type { AskEventDto } from "./bindings/AskEventDto";
import type { CitationDto } from "./bindings/CitationDto";
import type { MessageDto } from "./bindings/MessageDto";
import type { PassageDto } from "./bindings/PassageDto";
import type { UnsupportedDto } from "./bindings/UnsupportedDto";
import { splitMarkers } from "./citations";

/** Where an answer is; shown as data-state on the answer container. */
export type AnswerState = "idle" | "retrieving" | "streaming" | "done" | "cancelled" | "failed";

/** One answer; markers [n] in `text` cite `passages[n - 1]`, or the citation with marker n. */
export type Answer = {
  state: AnswerState;
  searchQuery: string | null;
  passages: PassageDto[];
  text: string;
  /** The finished answer's sanitised HTML; null while streaming. */
  html: string | null;
  model: string | null;
  grounded: boolean;
  citations: CitationDto[];
  /** Cited sentences their passage does not support (checked when the answer finished). */
  unsupported: UnsupportedDto[];
  error: string | null;
};

/** A question and its answer. */
export type Turn = { question: string; answer: Answer };

/** An answer that has not started. */
export const emptyAnswer: Answer = {
  state: "idle",
  searchQuery: null,
  passages: [],
  text: "",
  html: null,
  model: null,
  grounded: true,
  citations: [],
  unsupported: [],
  error: null,
};

/** The answer after `event`. */
export function applyAskEvent(a: Answer, event: AskEventDto): Answer {
  switch (event.kind) {
    case "started":
      return { ...a, state: "retrieving", searchQuery: event.searchQuery };
    case "retrieved":
      return { ...a, passages: event.passages };
    case "token":
      return { ...a, state: "streaming", text: a.text + event.text };
    case "finished":
      return {
        ...a,
        state: "done",
        text: event.answer,
        html: event.answerHtml,
        grounded: event.grounded,
        citations: event.citations,
        unsupported: event.unsupported,
        model: event.model,
      };
    case "failed":
      return { ...a, state: "failed", error: event.message };
  }
}

/** True while the answer is being looked for or written. */
export function isActive(a: Answer): boolean {
  return a.state === "retrieving" || a.state === "streaming";
}

/** The passage marker `n` points to. */
export function passageFor(a: Answer, n: number): PassageDto | undefined {
  return a.citations.find((c) => c.marker === n)?.passage ?? a.passages[n - 1];
}

/**
 * The passages to list under the answer: its citations once finished; while streaming (or when
 * stopped) those cited so far; for an answer not found in the files, the closest passages.
 */
export function sourcesOf(a: Answer): CitationDto[] {
  if (a.citations.length) return a.citations;
  if (a.state === "done" && !a.grounded) return a.passages.map((passage, i) => ({ marker: i + 1, passage }));
  const seen = new Set<number>();
  const out: CitationDto[] = [];
  for (const s of splitMarkers(a.text)) {
    if (!("marker" in s) || seen.has(s.marker)) continue;
    seen.add(s.marker);
    const passage = a.passages[s.marker - 1];
    if (passage) out.push({ marker: s.marker, passage });
  }
  return out;
}

const storedStates: Record<string, AnswerState> = { cancelled: "cancelled", failed: "failed", answering: "cancelled" };

/** A stored chat as turns: each user message with the assistant message after it. */
export function turnsFromMessages(messages: MessageDto[]): Turn[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === "user") {
      turns.push({ question: m.text, answer: { ...emptyAnswer } });
      continue;
    }
    const last = turns[turns.length - 1];
    if (!last) continue;
    last.answer = {
      ...emptyAnswer,
      // A message still "answering" was cut off when the app closed: it reads as stopped.
      state: storedStates[m.state] ?? "done",
      text: m.text,
      html: m.html,
      model: m.model,
      grounded: m.state !== "not_found",
      citations: m.citations,
    };
  }
  return turns;
}
