import { Fragment, useCallback, useEffect, useReducer, useState } from "react";
import * as api from "./api";
import type { BackgroundProblemDto } from "./bindings/BackgroundProblemDto";
import type { PassageDto } from "./bindings/PassageDto";
import type { SettingsDto } from "./bindings/SettingsDto";
import { Chat } from "./components/Chat";
import { ChatList } from "./components/ChatList";
import { Library } from "./components/Library";
import { Preview } from "./components/Preview";
import { Settings } from "./components/Settings";
import { ErrorBanner, ErrorContext, errorCode, errorMessage, type ReportError, type ShownError } from "./errors";
import { fill, I18nProvider, resolveLanguage, systemLanguages, useI18n } from "./i18n";
import { useListener } from "./useListener";
import { useChatModelDownload } from "./useChatModelDownload";

/** The open chat; `key` changes whenever another chat is opened, so the chat panel starts afresh. */
type OpenChat = { id: number | null; key: number };

/** Folio's window, in the language the settings choose (the system's until they are read). */
export function App() {
  const [settings, setSettings] = useState<SettingsDto | null>(null);
  return (
    <I18nProvider lang={resolveLanguage(settings?.uiLanguage ?? "system", systemLanguages())}>
      <Window settings={settings} setSettings={setSettings} />
    </I18nProvider>
  );
}

type WindowProps = { settings: SettingsDto | null; setSettings: (settings: SettingsDto) => void };

/** Library and chats on the left, the question and its cited answer on the right. */
function Window({ settings, setSettings }: WindowProps) {
  const { t } = useI18n();
  const [error, setError] = useState<ShownError | null>(null);
  const report: ReportError = useCallback(
    (what, e) => setError({ what, code: errorCode(e), message: errorMessage(e) }),
    [],
  );
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [chat, setChat] = useState<OpenChat>({ id: null, key: 0 });
  const [chatsVersion, chatsChanged] = useReducer((n: number) => n + 1, 0);
  // Changes when the library moves or another one is opened: the sidebar then reads it afresh.
  const [libraryKey, libraryReplaced] = useReducer((n: number) => n + 1, 0);
  const [preview, setPreview] = useState<PassageDto | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    api.settings().then(setSettings, (e) => report("readSettings", e));
  }, [report, setSettings]);
  useListener(api.onDragHover, setDragging);
  useListener(api.onBackgroundProblem, (p: BackgroundProblemDto) =>
    setError({
      what: p.what,
      code: p.error.code,
      message: p.folder === null ? p.error.message : `${p.folder}: ${p.error.message}`,
      retrySecs: p.retrySecs ?? undefined,
    }),
  );

  // The model just downloaded answers from the next question: the user asked for it.
  const [download, startDownload] = useChatModelDownload((id) =>
    api.setChatModel(id).then(setSettings, (e) => report("chooseModel", e)),
  );

  const openChat = (id: number | null) => setChat((c) => ({ id, key: c.key + 1 }));

  const smallModel =
    settings !== null &&
    !settings.chatModels.some((m) => m.downloaded) &&
    settings.chatModelPath === settings.bundledModelPath;

  return (
    <ErrorContext.Provider value={report}>
      <div className={dragging ? "app dragging" : "app"}>
        <header className="top">
          <div>
            <h1>Folio</h1>
            <p className="tagline">{t.app.tagline}</p>
          </div>
          <button type="button" data-testid="settings-open" onClick={() => setSettingsOpen(true)}>
            {t.app.settings}
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
                  {fill(t.app.smallModelHint, {
                    settings: (
                      <button type="button" className="link" onClick={() => setSettingsOpen(true)}>
                        {t.app.settings}
                      </button>
                    ),
                  })}
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
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      </div>
    </ErrorContext.Provider>
  );
}
