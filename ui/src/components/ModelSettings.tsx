import { useId, useState } from "react";
import type { SettingsDto } from "../bindings/SettingsDto";
import { formatBytes } from "../format";
import type { Download } from "../useLlamaDownload";

type Props = {
  settings: SettingsDto;
  download: Download | null;
  onDownload: () => void;
  /** Chooses the model file; null for the default (Llama when downloaded, else the bundled model). */
  onChoose: (path: string | null) => void;
};

/** Which model answers: the bundled SmolLM2, Llama 3.1 8B Instruct (downloaded on request), or a GGUF file. */
export function ModelSettings({ settings, download, onDownload, onChoose }: Props) {
  const [custom, setCustom] = useState("");
  const customId = useId();
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
          <button type="button" disabled={inUse(settings.bundledModelPath)} onClick={() => onChoose(settings.bundledModelPath)}>
            {inUse(settings.bundledModelPath) ? "In use" : "Use"}
          </button>
        </li>
        <li>
          <span>Llama 3.1 8B Instruct (better answers; a download of several GB)</span>
          {settings.llamaDownloaded ? (
            <button type="button" disabled={inUse(settings.llamaPath)} onClick={() => onChoose(settings.llamaPath)}>
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
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (custom.trim()) onChoose(custom.trim());
        }}
      >
        <label htmlFor={customId}>Or a GGUF file</label>
        <input
          id={customId}
          type="text"
          placeholder="/path/to/model.gguf"
          spellCheck={false}
          value={custom}
          onChange={(e) => setCustom(e.target.value)}
        />
        <button type="submit">Use this file</button>
      </form>
      <p className="muted">The next question loads the chosen model.</p>
    </section>
  );
}
