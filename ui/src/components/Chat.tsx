import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";
import { applyAskEvent, emptyAnswer, isActive, passageFor, sourcesOf, turnsFromMessages, type Turn } from "../answer";
import type { PassageDto } from "../bindings/PassageDto";
import { errorMessage, useReportError } from "../errors";
import { useI18n } from "../i18n";
import { Answer } from "./Answer";
import { QuestionBox } from "./QuestionBox";
import { Sources } from "./Sources";

type Props = {
  /** The chat questions go to; null until the first answer starts a new one. */
  chatId: number | null;
  onStarted: (chatId: number) => void;
  onAnswered: () => void;
  onOpenPassage: (passage: PassageDto) => void;
  /** Shown above the question while answers come from the small bundled model. */
  hint: React.ReactNode;
};

/**
 * A chat: the question box, the answer being asked now with its sources, and the earlier turns.
 * Mounted afresh (by key) for each chat opened, so it loads that chat's history once.
 */
export function Chat({ chatId, onStarted, onAnswered, onOpenPassage, hint }: Props) {
  const report = useReportError();
  const text = useI18n().t.ask;
  const [earlier, setEarlier] = useState<Turn[]>([]);
  const [live, setLive] = useState<Turn | null>(null);
  const stopRequested = useRef(false);
  // Numbers the questions, so a late event of an earlier answer cannot change the current one.
  const asked = useRef(0);
  const busy = live !== null && isActive(live.answer);

  // The history of the chat this was mounted for; later ids come from answers started here.
  useEffect(() => {
    if (chatId === null) return;
    let current = true;
    api.chatMessages(chatId).then(
      (ms) => current && setEarlier(turnsFromMessages(ms).reverse()),
      (e) => report("readChat", e),
    );
    return () => {
      current = false;
    };
  }, []);

  // Leaving the chat (opening another) stops its answer rather than let it write on unseen.
  const busyNow = useRef(busy);
  busyNow.current = busy;
  useEffect(
    () => () => {
      if (busyNow.current) api.stop().catch(() => {});
    },
    [],
  );

  const stop = useCallback(() => {
    stopRequested.current = true;
    api.stop().catch((e) => report("stopAnswer", e));
  }, [report]);

  useEffect(() => {
    if (!busy) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && stop();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [busy, stop]);

  const ask = async (question: string) => {
    if (live) setEarlier((turns) => [live, ...turns]);
    setLive({ question, answer: { ...emptyAnswer, state: "retrieving" } });
    stopRequested.current = false;
    const mine = ++asked.current;
    const update = (f: (t: Turn) => Turn) => mine === asked.current && setLive((t) => (t ? f(t) : t));
    try {
      await api.ask(question, chatId, (event) => {
        if (event.kind === "started" && event.chat !== chatId) onStarted(event.chat);
        if (event.kind === "finished") onAnswered();
        update((t) => ({ ...t, answer: applyAskEvent(t.answer, event) }));
      });
      // The call returns once the answer ends or is stopped. A stop sends no event; an answer that
      // ended has its last event on the way (channel messages may land after the call returns).
      if (stopRequested.current) {
        update((t) => (isActive(t.answer) ? { ...t, answer: { ...t.answer, state: "cancelled" } } : t));
      }
    } catch (e) {
      report("answer", e);
      update((t) => ({ ...t, answer: { ...t.answer, state: "failed", error: errorMessage(e) } }));
    }
  };

  const cite = (turn: Turn) => (marker: number) => {
    const p = passageFor(turn.answer, marker);
    if (p) onOpenPassage(p);
  };

  return (
    <section className="chat" aria-label={text.region}>
      {hint}
      <QuestionBox busy={busy} onAsk={ask} onStop={stop} />
      {live ? (
        <div className="turn">
          <p className="asked">{live.question}</p>
          <Answer answer={live.answer} onCite={cite(live)} testId="answer" />
          <Sources citations={sourcesOf(live.answer)} onOpen={onOpenPassage} />
        </div>
      ) : (
        <article className="answer" data-testid="answer" data-state="idle">
          <p className="muted">{text.intro}</p>
        </article>
      )}
      {earlier.length > 0 && (
        <section className="earlier" aria-labelledby="earlier-title">
          <h2 id="earlier-title">{text.earlier}</h2>
          {earlier.map((turn, i) => (
            <div className="turn" key={earlier.length - i}>
              <p className="asked">{turn.question}</p>
              <Answer answer={turn.answer} onCite={cite(turn)} />
            </div>
          ))}
        </section>
      )}
    </section>
  );
}
