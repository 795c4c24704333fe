import { useId, useState } from "react";
import * as api from "../api";
import type { SettingsDto } from "../bindings/SettingsDto";
import { useReportError } from "../errors";
import { savedTheme, setTheme, type ThemeChoice } from "../theme";
import type { Download } from "../useLlamaDownload";
import { Dialog } from "./Dialog";
import { ModelSettings } from "./ModelSettings";

/** The statement the settings panel makes about where data goes; it must stay true. */
const privacyStatement =
  "Everything stays on this computer: your files, the index, your chats and the models. " +
  "Folio makes no network calls except a model download you start.";

type Props = {
  settings: SettingsDto;
  onChange: (settings: SettingsDto) => void;
  download: Download | null;
  onDownload: () => void;
  /** The library now lives elsewhere (moved, or another library opened): its contents changed. */
  onLibraryMoved: (settings: SettingsDto) => void;
  onClose: () => void;
};

/** Privacy, theme, the model that answers, indexing threads, and where data is kept. */
export function Settings({ settings, onChange, download, onDownload, onLibraryMoved, onClose }: Props) {
  const report = useReportError();
  const [theme, setThemeChoice] = useState<ThemeChoice>(savedTheme);
  const [threads, setThreads] = useState(settings.indexThreads);
  const themeId = useId();
  const threadsId = useId();

  const chooseModel = (choice: api.ModelChoice) =>
    api.setChatModel(choice).then(onChange, (e) => report("Could not choose the model", e));
  const pickModel = () =>
    api.pickChatModel().then((s) => s && onChange(s), (e) => report("Could not use that model file", e));

  const [moving, setMoving] = useState(false);
  const moveLibrary = async () => {
    const folder = await api.chooseLibraryFolder();
    if (folder === null || folder === settings.libraryDir) return;
    setMoving(true);
    try {
      onLibraryMoved(await api.setLibraryDir(folder));
    } catch (e) {
      report("Could not change where the library lives", e);
    } finally {
      setMoving(false);
    }
  };

  const saveThreads = (e: React.FormEvent) => {
    e.preventDefault();
    api.setIndexThreads(threads).then(onChange, (err) => report("Could not save the indexing threads", err));
  };

  return (
    <Dialog title="Settings" testId="settings" className="settings" onClose={onClose}>
      <p className="privacy">{privacyStatement}</p>

      <section aria-labelledby="appearance-title">
        <h3 id="appearance-title">Appearance</h3>
        <label htmlFor={themeId}>Theme </label>
        <select
          id={themeId}
          data-testid="theme-select"
          value={theme}
          onChange={(e) => {
            const choice = e.target.value as ThemeChoice;
            setThemeChoice(choice);
            setTheme(choice);
          }}
        >
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </section>

      <ModelSettings settings={settings} download={download} onDownload={onDownload} onChoose={chooseModel} onPick={pickModel} />

      <section aria-labelledby="indexing-title">
        <h3 id="indexing-title">Indexing</h3>
        <form className="row" onSubmit={saveThreads}>
          <label htmlFor={threadsId}>Threads (1 to {settings.maxThreads})</label>
          <input
            id={threadsId}
            type="number"
            min={1}
            max={settings.maxThreads}
            value={threads}
            onChange={(e) => setThreads(Math.min(settings.maxThreads, Math.max(1, Number(e.target.value) || 1)))}
          />
          <button type="submit" disabled={threads === settings.indexThreads}>
            Save
          </button>
        </form>
        <p className="muted">Used for indexing: {settings.indexThreads}. A change applies the next time Folio starts.</p>
      </section>

      <section aria-labelledby="storage-title">
        <h3 id="storage-title">Storage</h3>
        <dl>
          <dt>Library (index and chats)</dt>
          <dd data-testid="library-dir">{settings.libraryDir}</dd>
          <dt>Models directory</dt>
          <dd>{settings.modelsDir}</dd>
          <dt>Chat model file</dt>
          <dd>{settings.chatModelPath}</dd>
        </dl>
        <div className="row">
          <button
            type="button"
            data-testid="move-library"
            disabled={moving || settings.libraryDirFromEnv}
            onClick={moveLibrary}
          >
            {moving ? "Moving the library…" : "Change library folder…"}
          </button>
        </div>
        <p className="muted">
          {settings.libraryDirFromEnv
            ? "FOLIO_LIBRARY sets the library folder; unset it to choose one here."
            : "Choose an empty folder to move the library there, index and chats included, or a folder that " +
              "holds a Folio library to switch to it. Your own files are not moved."}
        </p>
      </section>
    </Dialog>
  );
}
