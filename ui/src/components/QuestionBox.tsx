import { useId, useState } from "react";
import { useI18n } from "../i18n";

type Props = { busy: boolean; onAsk: (question: string) => void; onStop: () => void };

/** The question: Enter asks, Shift+Enter starts a new line; Stop ends the answer being written. */
export function QuestionBox({ busy, onAsk, onStop }: Props) {
  const [text, setText] = useState("");
  const id = useId();
  const { t } = useI18n();

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
        {t.ask.question}
      </label>
      <textarea
        id={id}
        data-testid="question"
        rows={2}
        value={text}
        placeholder={t.ask.placeholder}
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
          {t.ask.ask}
        </button>
        <button type="button" data-testid="stop" disabled={!busy} onClick={onStop}>
          {t.ask.stop}
        </button>
      </div>
    </form>
  );
}
