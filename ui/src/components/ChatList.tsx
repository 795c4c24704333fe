import { useEffect, useState } from "react";
import * as api from "../api";
import type { ChatDto } from "../bindings/ChatDto";
import { useReportError } from "../errors";
import { useI18n } from "../i18n";

type Props = {
  selected: number | null;
  /** Changes whenever the list may have changed elsewhere (a new chat, a new answer). */
  version: number;
  onOpen: (id: number) => void;
  onNew: () => void;
};

/** When a chat last changed (`secs` since the epoch): short in the list, in full on hover. */
function ChatTime({ secs }: { secs: number }) {
  const { formatDate, formatWhen } = useI18n();
  const date = new Date(secs * 1000);
  return (
    <time className="muted when" dateTime={date.toISOString()} title={formatDate(date)}>
      {formatWhen(date)}
    </time>
  );
}

/** The chats, most recent first: open, rename, delete, or start a new one. */
export function ChatList({ selected, version, onOpen, onNew }: Props) {
  const report = useReportError();
  const { t } = useI18n();
  const [chats, setChats] = useState<ChatDto[]>([]);
  const [renaming, setRenaming] = useState<{ id: number; title: string } | null>(null);

  const load = () => api.chats().then(setChats, (e) => report("readChats", e));
  // `version` is App's signal that the list changed elsewhere.
  useEffect(() => {
    load();
  }, [version]);

  const rename = async (id: number, title: string) => {
    setRenaming(null);
    if (!title.trim()) return;
    try {
      await api.renameChat(id, title.trim());
    } catch (e) {
      report("renameChat", e);
    }
    load();
  };

  const remove = async (id: number) => {
    try {
      await api.deleteChat(id);
      if (id === selected) onNew();
    } catch (e) {
      report("deleteChat", e);
    }
    load();
  };

  return (
    <section className="chats" aria-labelledby="chats-title">
      <div className="section-head">
        <h2 id="chats-title">{t.chats.title}</h2>
        <button type="button" onClick={onNew}>
          {t.chats.newChat}
        </button>
      </div>
      {chats.length === 0 && <p className="muted">{t.chats.none}</p>}
      <ul>
        {chats.map((c) =>
          renaming?.id === c.id ? (
            <li key={c.id}>
              <form
                className="rename"
                onSubmit={(e) => {
                  e.preventDefault();
                  rename(c.id, renaming.title);
                }}
              >
                <input
                  aria-label={t.chats.titleField}
                  value={renaming.title}
                  autoFocus
                  onChange={(e) => setRenaming({ id: c.id, title: e.target.value })}
                  onKeyDown={(e) => e.key === "Escape" && setRenaming(null)}
                />
                <button type="submit">{t.chats.save}</button>
              </form>
            </li>
          ) : (
            <li key={c.id} className={c.id === selected ? "selected" : undefined}>
              <button
                type="button"
                className="link"
                aria-current={c.id === selected ? "true" : undefined}
                onClick={() => onOpen(c.id)}
              >
                {c.title}
              </button>
              <ChatTime secs={c.updatedAt} />
              <button
                type="button"
                className="small"
                aria-label={t.chats.renameChat(c.title)}
                onClick={() => setRenaming({ id: c.id, title: c.title })}
              >
                {t.chats.rename}
              </button>
              <button type="button" className="small" aria-label={t.chats.deleteChat(c.title)} onClick={() => remove(c.id)}>
                {t.chats.delete}
              </button>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}
