import { describe, expect, it } from "vitest";
import { applyAskEvent, emptyAnswer, sourcesOf, turnsFromMessages } from "./answer";
import { passage } from "./test-utils";

const a = passage({ chunkId: 1 });
const b = passage({ chunkId: 2, text: "Second" });

describe("answers", () => {
  it("follow the streamed events", () => {
    let answer = applyAskEvent(emptyAnswer, { kind: "started", chat: 4, searchQuery: "comet" });
    expect(answer.state).toBe("retrieving");
    answer = applyAskEvent(answer, { kind: "retrieved", passages: [a, b] });
    answer = applyAskEvent(answer, { kind: "token", text: "Every 212 years " });
    answer = applyAskEvent(answer, { kind: "token", text: "[2]." });
    expect(answer).toMatchObject({ state: "streaming", text: "Every 212 years [2]." });
    expect(sourcesOf(answer)).toEqual([{ marker: 2, passage: b }]);
    answer = applyAskEvent(answer, {
      kind: "finished",
      chat: 4,
      answer: "Every 212 years [2].",
      answerHtml: "<p>Every 212 years [2].</p>",
      grounded: true,
      citations: [{ marker: 2, passage: b }],
      unsupported: [],
      model: "Llama",
    });
    expect(answer).toMatchObject({ state: "done", model: "Llama", html: "<p>Every 212 years [2].</p>" });
  });

  it("list the closest passages when the files do not contain the answer", () => {
    const answer = { ...emptyAnswer, state: "done" as const, grounded: false, passages: [a, b] };
    expect(sourcesOf(answer).map((c) => c.marker)).toEqual([1, 2]);
  });

  it("are rebuilt from a stored chat", () => {
    const turns = turnsFromMessages([
      { role: "user", text: "When?", html: null, state: "complete", model: null, citations: [] },
      {
        role: "assistant",
        text: "Soon [1].",
        html: "<p>Soon [1].</p>",
        state: "cancelled",
        model: "Llama",
        citations: [{ marker: 1, passage: a }],
      },
    ]);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.question).toBe("When?");
    expect(turns[0]?.answer).toMatchObject({
      state: "cancelled",
      text: "Soon [1].",
      html: "<p>Soon [1].</p>",
      citations: [{ marker: 1 }],
    });
  });
});
