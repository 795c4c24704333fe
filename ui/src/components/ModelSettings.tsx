import type { ModelChoice } from "../api";
import type { SettingsDto } from "../bindings/SettingsDto";
import { fill, useI18n } from "../i18n";
import type { Download } from "../useLlamaDownload";

type Props = {
  settings: SettingsDto;
  download: Download | null;
  onDownload: () => void;
  /** Chooses a model Folio knows. */
  onChoose: (choice: ModelChoice) => void;
  /** Opens the system's file picker for a GGUF file. */
  onPick: () => void;
};

/** Which model answers: the bundled SmolLM2, Llama 3.1 8B Instruct (downloaded on request), or a GGUF file. */
export function ModelSettings({ settings, download, onDownload, onChoose, onPick }: Props) {
  const { t: all, formatBytes } = useI18n();
  const t = all.model;
  const inUse = (path: string) => settings.chatModelPath === path;

  return (
    <section aria-labelledby="model-title">
      <h3 id="model-title">{t.title}</h3>
      <p>{fill(t.inUseName, { model: <strong>{settings.chatModel}</strong> })}</p>
      <ul className="models">
        <li>
          <span>{t.bundled}</span>
          <button type="button" disabled={inUse(settings.bundledModelPath)} onClick={() => onChoose("bundled")}>
            {inUse(settings.bundledModelPath) ? t.inUse : t.use}
          </button>
        </li>
        <li>
          <span>{t.llama}</span>
          {settings.llamaDownloaded ? (
            <button type="button" disabled={inUse(settings.llamaPath)} onClick={() => onChoose("llama")}>
              {inUse(settings.llamaPath) ? t.inUse : t.use}
            </button>
          ) : download ? (
            <span className="download">
              {download.total ? (
                <progress max={download.total} value={download.done} aria-label={t.downloadProgress} />
              ) : (
                <progress aria-label={t.downloadProgress} />
              )}
              <span className="muted">
                {download.total ? t.sizeOf(formatBytes(download.done), formatBytes(download.total)) : formatBytes(download.done)}
              </span>
            </span>
          ) : (
            <button type="button" onClick={onDownload}>
              {t.download}
            </button>
          )}
        </li>
      </ul>
      <p className="row">
        <span>{t.own}</span>
        <button type="button" data-testid="pick-model" onClick={onPick}>
          {t.chooseFile}
        </button>
      </p>
      <p className="muted">{t.nextQuestion}</p>
    </section>
  );
}
