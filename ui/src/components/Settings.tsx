import { useId, useState } from "react";
import * as api from "../api";
import type { SettingsDto } from "../bindings/SettingsDto";
import { useReportError } from "../errors";
import { useI18n } from "../i18n";
import { savedTheme, setTheme, type ThemeChoice } from "../theme";
import type { ChatModelDownload } from "../useChatModelDownload";
import { Dialog } from "./Dialog";
import { EmbedderSettings } from "./EmbedderSettings";
import { ModelSettings } from "./ModelSettings";

type Props = {
  settings: SettingsDto;
  onChange: (settings: SettingsDto) => void;
  download: ChatModelDownload | null;
  onDownload: (id: string) => void;
  /** The library now lives elsewhere (moved, or another library opened): its contents changed. */
  onLibraryMoved: (settings: SettingsDto) => void;
  onClose: () => void;
};

/** Privacy, theme and language, the model that answers, indexing threads, and where data is kept. */
export function Settings({ settings, onChange, download, onDownload, onLibraryMoved, onClose }: Props) {
  const report = useReportError();
  const { t: all } = useI18n();
  const t = all.settings;
  const [theme, setThemeChoice] = useState<ThemeChoice>(savedTheme);
  const [threads, setThreads] = useState(settings.indexThreads);
  const themeId = useId();
  const languageId = useId();
  const threadsId = useId();

  const chooseModel = (choice: api.ModelChoice) =>
    api.setChatModel(choice).then(onChange, (e) => report("chooseModel", e));
  const pickModel = () =>
    api.pickChatModel().then((s) => s && onChange(s), (e) => report("useModelFile", e));

  const [moving, setMoving] = useState(false);
  const moveLibrary = async () => {
    const folder = await api.chooseLibraryFolder(t.libraryPickerTitle);
    if (folder === null || folder === settings.libraryDir) return;
    setMoving(true);
    try {
      onLibraryMoved(await api.setLibraryDir(folder));
    } catch (e) {
      report("moveLibrary", e);
    } finally {
      setMoving(false);
    }
  };

  const saveThreads = (e: React.FormEvent) => {
    e.preventDefault();
    api.setIndexThreads(threads).then(onChange, (err) => report("saveThreads", err));
  };

  // The window switches language when the new settings come back.
  const chooseLanguage = (choice: api.UiLanguageChoice) =>
    api.setUiLanguage(choice).then(onChange, (e) => report("setLanguage", e));

  return (
    <Dialog title={t.title} testId="settings" className="settings" onClose={onClose}>
      <p className="privacy">{t.privacy}</p>

      <section aria-labelledby="appearance-title">
        <h3 id="appearance-title">{t.appearance}</h3>
        <p className="row">
          <label htmlFor={languageId}>{t.language}</label>
          <select
            id={languageId}
            data-testid="language-select"
            value={settings.uiLanguage}
            onChange={(e) => chooseLanguage(e.target.value as api.UiLanguageChoice)}
          >
            <option value="system">{t.system}</option>
            {/* Each language by its own name, so it can be found whatever the window speaks. */}
            <option value="en" lang="en">
              English
            </option>
            <option value="fr" lang="fr">
              Français
            </option>
          </select>
        </p>
        <p className="row">
          <label htmlFor={themeId}>{t.theme}</label>
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
            <option value="system">{t.system}</option>
            <option value="light">{t.light}</option>
            <option value="dark">{t.dark}</option>
          </select>
        </p>
      </section>

      <ModelSettings settings={settings} download={download} onDownload={onDownload} onChoose={chooseModel} onPick={pickModel} />

      <EmbedderSettings />

      <section aria-labelledby="indexing-title">
        <h3 id="indexing-title">{t.indexing}</h3>
        <form className="row" onSubmit={saveThreads}>
          <label htmlFor={threadsId}>{t.threads(settings.maxThreads)}</label>
          <input
            id={threadsId}
            type="number"
            min={1}
            max={settings.maxThreads}
            value={threads}
            onChange={(e) => setThreads(Math.min(settings.maxThreads, Math.max(1, Number(e.target.value) || 1)))}
          />
          <button type="submit" disabled={threads === settings.indexThreads}>
            {t.save}
          </button>
        </form>
        <p className="muted">{t.threadsInUse(settings.indexThreads)}</p>
      </section>

      <section aria-labelledby="storage-title">
        <h3 id="storage-title">{t.storage}</h3>
        <dl>
          <dt>{t.libraryDir}</dt>
          <dd data-testid="library-dir">{settings.libraryDir}</dd>
          <dt>{t.modelsDir}</dt>
          <dd>{settings.modelsDir}</dd>
          <dt>{t.modelFile}</dt>
          <dd>{settings.chatModelPath}</dd>
        </dl>
        <div className="row">
          <button
            type="button"
            data-testid="move-library"
            disabled={moving || settings.libraryDirFromEnv}
            onClick={moveLibrary}
          >
            {moving ? t.moving : t.move}
          </button>
        </div>
        <p className="muted">{settings.libraryDirFromEnv ? t.fromEnv : t.moveHelp}</p>
      </section>
    </Dialog>
  );
}
