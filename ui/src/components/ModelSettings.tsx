import type { ModelChoice } from "../api";
import type { SettingsDto } from "../bindings/SettingsDto";
import { formatBytes } from "../format";
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
  const inUse = (path: string) => settings.chatModelPath === path;

  return (
    <section aria-labelledby="model-title">
      <h3 id="model-title">Model that answers</h3>
      <p>
        In use: <strong>{settings.chatModel}</strong>
      </p>
      <ul className="models">
        <li>
          <span>SmolLM2 (bundled: small and fast, less accurate)</span>
          <button type="button" disabled={inUse(settings.bundledModelPath)} onClick={() => onChoose("bundled")}>
            {inUse(settings.bundledModelPath) ? "In use" : "Use"}
          </button>
        </li>
        <li>
          <span>Llama 3.1 8B Instruct (better answers; a download of several GB)</span>
          {settings.llamaDownloaded ? (
            <button type="button" disabled={inUse(settings.llamaPath)} onClick={() => onChoose("llama")}>
              {inUse(settings.llamaPath) ? "In use" : "Use"}
            </button>
          ) : download ? (
            <span className="download">
              {download.total ? (
                <progress max={download.total} value={download.done} aria-label="Download progress" />
              ) : (
                <progress aria-label="Download progress" />
              )}
              <span className="muted">
                {formatBytes(download.done)}
                {download.total ? ` of ${formatBytes(download.total)}` : ""}
              </span>
            </span>
          ) : (
            <button type="button" onClick={onDownload}>
              Download Llama 3.1 8B Instruct
            </button>
          )}
        </li>
      </ul>
      <p className="row">
        <span>Or a GGUF model file of your own</span>
        <button type="button" data-testid="pick-model" onClick={onPick}>
          Choose a file…
        </button>
      </p>
      <p className="muted">The next question loads the chosen model.</p>
    </section>
  );
}
