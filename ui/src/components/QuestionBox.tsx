import { useId, useState } from "react";

type Props = { busy: boolean; onAsk: (question: string) => void; onStop: () => void };

/** The question: Enter asks, Shift+Enter starts a new line; Stop ends the answer being written. */
export function QuestionBox({ busy, onAsk, onStop }: Props) {
  const [text, setText] = useState("");
  const id = useId();

  const submit = () => {
    const q = text.trim();
    if (!q || busy) return;
    onAsk(q);
    setText("");
  };

  return (
    <form
      className="question-box"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Question
      </label>
      <textarea
        id={id}
        data-testid="question"
        rows={2}
        value={text}
        placeholder="Ask a question about your files"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // While an input method composes text, Enter confirms the composition instead.
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <div className="actions">
        <button type="submit" data-testid="ask-submit" disabled={busy}>
          Ask
        </button>
        <button type="button" data-testid="stop" disabled={!busy} onClick={onStop}>
          Stop
        </button>
      </div>
    </form>
  );
}
