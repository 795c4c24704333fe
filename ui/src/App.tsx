import { Fragment, useCallback, useEffect, useReducer, useState } from "react";
import * as api from "./api";
import type { PassageDto } from "./bindings/PassageDto";
import type { SettingsDto } from "./bindings/SettingsDto";
import { Chat } from "./components/Chat";
import { ChatList } from "./components/ChatList";
import { Library } from "./components/Library";
import { Preview } from "./components/Preview";
import { Settings } from "./components/Settings";
import { ErrorContext, errorCode, errorMessage, type ReportError } from "./errors";
import { useListener } from "./useListener";
import { useLlamaDownload } from "./useLlamaDownload";

type Shown = { message: string; code: string | undefined };

/** The open chat; `key` changes whenever another chat is opened, so the chat panel starts afresh. */
type OpenChat = { id: number | null; key: number };

/** Folio's window: library and chats on the left, the question and its cited answer on the right. */
export function App() {
  const [error, setError] = useState<Shown | null>(null);
  const report: ReportError = useCallback(
    (what, e) => setError({ message: `${what}: ${errorMessage(e)}`, code: errorCode(e) }),
    [],
  );
  const [settings, setSettings] = useState<SettingsDto | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [chat, setChat] = useState<OpenChat>({ id: null, key: 0 });
  const [chatsVersion, chatsChanged] = useReducer((n: number) => n + 1, 0);
  // Changes when the library moves or another one is opened: the sidebar then reads it afresh.
  const [libraryKey, libraryReplaced] = useReducer((n: number) => n + 1, 0);
  const [preview, setPreview] = useState<PassageDto | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    api.settings().then(setSettings, (e) => report("Could not read the settings", e));
  }, [report]);
  useListener(api.onDragHover, setDragging);
  useListener(api.onBackgroundProblem, (message: string) => report("Background work", message));

  // Once Llama is on disk the default model is Llama, unless the user picked another file.
  const [download, startDownload] = useLlamaDownload(() =>
    api.setChatModel("default").then(setSettings, (e) => report("Could not choose the model", e)),
  );

  const openChat = (id: number | null) => setChat((c) => ({ id, key: c.key + 1 }));

  const smallModel = settings !== null && !settings.llamaDownloaded && settings.chatModelPath === settings.bundledModelPath;

  return (
    <ErrorContext.Provider value={report}>
      <div className={dragging ? "app dragging" : "app"}>
        <header className="top">
          <div>
            <h1>Folio</h1>
            <p className="tagline">Answers from your own files. Nothing leaves this computer.</p>
          </div>
          <button type="button" data-testid="settings-open" onClick={() => setSettingsOpen(true)}>
            Settings
          </button>
        </header>
        <main className="layout">
          <aside className="sidebar">
            {/* Keyed by the library: after a move or a switch, both read it afresh. */}
            <Fragment key={libraryKey}>
              <Library />
              <ChatList
                selected={chat.id}
                version={chatsVersion}
                onOpen={openChat}
                onNew={() => openChat(null)}
              />
            </Fragment>
          </aside>
          <Chat
            key={chat.key}
            chatId={chat.id}
            onStarted={(id) => {
              setChat((c) => ({ ...c, id }));
              chatsChanged();
            }}
            onAnswered={chatsChanged}
            onOpenPassage={setPreview}
            hint={
              smallModel && (
                <p className="hint">
                  Answers come from the small bundled model. For better answers, get Llama 3.1 8B Instruct in{" "}
                  <button type="button" className="link" onClick={() => setSettingsOpen(true)}>
                    Settings
                  </button>
                  .
                </p>
              )
            }
          />
        </main>
        {preview && <Preview key={preview.chunkId} passage={preview} onClose={() => setPreview(null)} />}
        {settingsOpen && settings && (
          <Settings
            settings={settings}
            onChange={setSettings}
            download={download}
            onDownload={startDownload}
            onLibraryMoved={(moved) => {
              setSettings(moved);
              libraryReplaced();
              setPreview(null);
              openChat(null);
            }}
            onClose={() => setSettingsOpen(false)}
          />
        )}
        {error && (
          <div className="error-banner" role="alert" data-testid="error" data-code={error.code}>
            <span>{error.message}</span>
            <button type="button" onClick={() => setError(null)}>
              Dismiss
            </button>
          </div>
        )}
      </div>
    </ErrorContext.Provider>
  );
}
