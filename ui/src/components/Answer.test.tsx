import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { emptyAnswer, type Answer as AnswerData } from "../answer";
import { inFrench } from "../test-utils";
import { Answer } from "./Answer";

const markers = () => screen.getAllByTestId("citation").map((c) => Number(c.dataset.marker));

describe("Answer", () => {
  it("turns [1], [1, 2] and [1][2] in streamed text into chips", () => {
    const answer: AnswerData = { ...emptyAnswer, state: "streaming", text: "One [1], two [1, 2], three [1][2]" };
    render(<Answer answer={answer} onCite={() => {}} testId="answer" />);
    expect(markers()).toEqual([1, 1, 2, 1, 2]);
    expect(screen.getByTestId("answer").textContent).toContain("One 1, two 12, three 12");
    expect(screen.getByTestId("answer").dataset.state).toBe("streaming");
  });

  it("turns markers in the finished answer's HTML into chips, except inside code", async () => {
    const onCite = vi.fn();
    const answer: AnswerData = {
      ...emptyAnswer,
      state: "done",
      html: "<p>It returns <strong>every 212 years</strong> [2].</p><ul><li>Seen in 1803 [1, 2]</li></ul><pre><code>a[1]</code></pre>",
      model: "Llama-3.1-8B-Instruct",
    };
    render(<Answer answer={answer} onCite={onCite} testId="answer" />);
    expect(markers()).toEqual([2, 1, 2]);
    expect(screen.getByText("every 212 years").tagName).toBe("STRONG");
    expect(screen.getByText("a[1]").tagName).toBe("CODE");
    expect(screen.getByTestId("model-name").textContent).toBe("Llama-3.1-8B-Instruct");
    await userEvent.click(screen.getAllByTestId("citation")[0]!);
    expect(onCite).toHaveBeenCalledWith(2);
  });

  it("marks the cited sentences their passage does not support, with why", () => {
    const answer: AnswerData = {
      ...emptyAnswer,
      state: "done",
      html: "<p>She was born in 1822 [4].</p>",
      unsupported: [{ sentence: "She was born in 1822 [4].", marker: 4, reason: "the passage does not say 1822" }],
    };
    render(<Answer answer={answer} onCite={() => {}} />);
    const list = screen.getByTestId("unsupported");
    expect(list.textContent).toContain("Not supported by [4]: “She was born in 1822 [4].” (the passage does not say 1822)");
  });

  it("says plainly when the files do not contain the answer", () => {
    render(<Answer answer={{ ...emptyAnswer, state: "done", grounded: false, html: "<p>Not found.</p>" }} onCite={() => {}} />);
    expect(screen.getByText(/do not seem to contain the answer; closest passages below/)).toBeTruthy();
  });

  it("says it in French", () => {
    const answer: AnswerData = {
      ...emptyAnswer,
      state: "done",
      html: "<p>Elle est née en 1822 [4].</p>",
      model: "SmolLM2",
      unsupported: [{ sentence: "Elle est née en 1822 [4].", marker: 4, reason: "the passage does not say 1822" }],
    };
    const { rerender } = render(<Answer answer={answer} onCite={() => {}} />, inFrench);
    const list = screen.getByRole("list", { name: "Phrases que leur source n’étaie pas" });
    expect(list.textContent).toBe("Non étayé par [4]\u00a0: «\u00a0Elle est née en 1822 [4].\u00a0» (the passage does not say 1822)");
    expect(screen.getByText(/Réponse de/).textContent).toBe("Réponse de SmolLM2");
    rerender(<Answer answer={{ ...emptyAnswer, state: "cancelled", text: "Tous" }} onCite={() => {}} />);
    expect(screen.getByText("Réponse interrompue.")).toBeTruthy();
  });

  it("shows untrusted streamed text as text", () => {
    const answer: AnswerData = { ...emptyAnswer, state: "streaming", text: "<img src=x onerror=alert(1)> [1]" };
    const { container } = render(<Answer answer={answer} onCite={() => {}} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toContain("<img src=x onerror=alert(1)>");
  });
});
