import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { inFrench } from "../test-utils";
import { QuestionBox } from "./QuestionBox";

describe("QuestionBox", () => {
  it("asks on Enter and starts a new line on Shift+Enter", async () => {
    const onAsk = vi.fn();
    render(<QuestionBox busy={false} onAsk={onAsk} onStop={() => {}} />);
    const box = screen.getByTestId("question") as HTMLTextAreaElement;
    await userEvent.type(box, "When{Shift>}{Enter}{/Shift}exactly?");
    expect(onAsk).not.toHaveBeenCalled();
    expect(box.value).toBe("When\nexactly?");
    await userEvent.type(box, "{Enter}");
    expect(onAsk).toHaveBeenCalledWith("When\nexactly?");
    expect(box.value).toBe("");
  });

  it("does not ask while an answer is being written, and offers Stop", async () => {
    const onAsk = vi.fn();
    const onStop = vi.fn();
    render(<QuestionBox busy onAsk={onAsk} onStop={onStop} />);
    await userEvent.type(screen.getByTestId("question"), "Again{Enter}");
    expect(onAsk).not.toHaveBeenCalled();
    expect((screen.getByTestId("ask-submit") as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByTestId("stop"));
    expect(onStop).toHaveBeenCalled();
  });

  it("asks in French", async () => {
    const onAsk = vi.fn();
    render(<QuestionBox busy={false} onAsk={onAsk} onStop={() => {}} />, inFrench);
    const box = screen.getByRole("textbox", { name: "Question" }) as HTMLTextAreaElement;
    expect(box.placeholder).toBe("Posez une question sur vos fichiers");
    expect(screen.getByRole("button", { name: "Arrêter" })).toBeTruthy();
    await userEvent.type(box, "Quand ?");
    await userEvent.click(screen.getByRole("button", { name: "Poser la question" }));
    expect(onAsk).toHaveBeenCalledWith("Quand ?");
  });
});
