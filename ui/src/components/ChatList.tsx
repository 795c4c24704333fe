import { useEffect, useState } from "react";
import * as api from "../api";
import type { ChatDto } from "../bindings/ChatDto";
import { useReportError } from "../errors";

type Props = {
  selected: number | null;
  /** Changes whenever the list may have changed elsewhere (a new chat, a new answer). */
  version: number;
  onOpen: (id: number) => void;
  onNew: () => void;
};

/** The chats, most recent first: open, rename, delete, or start a new one. */
export function ChatList({ selected, version, onOpen, onNew }: Props) {
  const report = useReportError();
  const [chats, setChats] = useState<ChatDto[]>([]);
  const [renaming, setRenaming] = useState<{ id: number; title: string } | null>(null);

  const load = () => api.chats().then(setChats, (e) => report("Could not read the chats", e));
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
      report("Could not rename the chat", e);
    }
    load();
  };

  const remove = async (id: number) => {
    try {
      await api.deleteChat(id);
      if (id === selected) onNew();
    } catch (e) {
      report("Could not delete the chat", e);
    }
    load();
  };

  return (
    <section className="chats" aria-labelledby="chats-title">
      <div className="section-head">
        <h2 id="chats-title">Chats</h2>
        <button type="button" onClick={onNew}>
          New chat
        </button>
      </div>
      {chats.length === 0 && <p className="muted">No chats yet.</p>}
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
                  aria-label="Chat title"
                  value={renaming.title}
                  autoFocus
                  onChange={(e) => setRenaming({ id: c.id, title: e.target.value })}
                  onKeyDown={(e) => e.key === "Escape" && setRenaming(null)}
                />
                <button type="submit">Save</button>
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
              <button type="button" className="small" aria-label={`Rename ${c.title}`} onClick={() => setRenaming({ id: c.id, title: c.title })}>
                Rename
              </button>
              <button type="button" className="small" aria-label={`Delete ${c.title}`} onClick={() => remove(c.id)}>
                Delete
              </button>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}
