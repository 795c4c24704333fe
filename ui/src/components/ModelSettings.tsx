import type { ModelChoice } from "../api";
import type { SettingsDto } from "../bindings/SettingsDto";
import { fill, useI18n } from "../i18n";
import type { ChatModelDownload } from "../useChatModelDownload";

type Props = {
  settings: SettingsDto;
  download: ChatModelDownload | null;
  onDownload: (id: string) => void;
  /** Chooses a model Folio knows. */
  onChoose: (choice: ModelChoice) => void;
  /** Opens the system's file picker for a GGUF file. */
  onPick: () => void;
};

/**
 * Which model answers: the bundled SmolLM2, a Llama model (3.1 8B, 3.2 3B or 1B Instruct, downloaded on
 * request, each with its size and a speed estimate for this machine), or a GGUF file.
 */
export function ModelSettings({ settings, download, onDownload, onChoose, onPick }: Props) {
  const { t: all, formatBytes, formatNumber } = useI18n();
  const t = all.model;
  const inUse = (path: string) => settings.chatModelPath === path;
  const useButton = (path: string, choice: ModelChoice) => (
    <button type="button" disabled={inUse(path)} onClick={() => onChoose(choice)}>
      {inUse(path) ? t.inUse : t.use}
    </button>
  );
  const measured = settings.measuredTokensPerS;

  return (
    <section aria-labelledby="model-title">
      <h3 id="model-title">{t.title}</h3>
      <p>{fill(t.inUseName, { model: <strong>{settings.chatModel}</strong> })}</p>
      <ul className="models">
        <li>
          <span>
            {t.bundled}
            {measured !== null && <span className="muted"> · {t.bundledSpeed(formatNumber(measured, 1))}</span>}
          </span>
          {useButton(settings.bundledModelPath, "bundled")}
        </li>
        {settings.chatModels.map((m) => (
          <li key={m.id} data-testid={`chat-model-${m.id}`}>
            <span>
              {m.name}
              <span className="muted">
                {" "}
                · {t.modelFacts(formatBytes(m.downloadBytes))}
                {m.estimatedTokensPerS !== null && <> · {t.modelSpeed(formatNumber(m.estimatedTokensPerS, 1))}</>}
              </span>
            </span>
            {m.downloaded ? (
              useButton(m.path, m.id)
            ) : download?.id === m.id ? (
              <span className="download">
                {download.total ? (
                  <progress max={download.total} value={download.done} aria-label={t.downloadProgress} />
                ) : (
                  <progress aria-label={t.downloadProgress} />
                )}
                <span className="muted">
                  {download.total
                    ? t.sizeOf(formatBytes(download.done), formatBytes(download.total))
                    : formatBytes(download.done)}
                </span>
              </span>
            ) : (
              <button type="button" aria-label={t.download(m.name)} disabled={download !== null} onClick={() => onDownload(m.id)}>
                {t.downloadShort}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="muted">{t.llamaHelp}</p>
      {measured !== null && <p className="muted">{t.speedEstimate(formatNumber(measured, 1))}</p>}
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
