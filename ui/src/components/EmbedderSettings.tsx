import { useCallback, useEffect, useState } from "react";
import * as api from "../api";
import type { EmbeddingDto } from "../bindings/EmbeddingDto";
import { useReportError } from "../errors";
import { useI18n } from "../i18n";
import { useListener } from "../useListener";
import type { Download } from "../useChatModelDownload";

/**
 * Which embedding model search uses: the bundled English one or a multilingual one, downloaded on
 * request; switching re-embeds the library in the background (its progress comes as events, and it
 * goes on after a restart), with search on the old vectors until it is done.
 */
export function EmbedderSettings() {
  const { t: all, formatBytes, formatNumber } = useI18n();
  const t = all.embedder;
  const report = useReportError();
  const [status, setStatus] = useState<EmbeddingDto | null>(null);
  const [download, setDownload] = useState<{ id: string; progress: Download } | null>(null);

  const refresh = useCallback(() => {
    api
      .embedding()
      .then(setStatus)
      .catch((e) => report("readSettings", e));
  }, [report]);
  useEffect(refresh, [refresh]);
  useListener(api.onEmbedding, setStatus);

  if (!status) return null;

  const startDownload = (id: string) => {
    if (download) return;
    setDownload({ id, progress: { done: 0, total: null } });
    api
      .downloadEmbedder(id, (event) => {
        if (event.kind === "progress") setDownload({ id, progress: { done: event.done, total: event.total } });
        else if (event.kind === "finished") refresh();
        else report("downloadEmbedder", event.message);
      })
      .catch((e) => report("downloadEmbedder", e))
      .finally(() => setDownload(null));
  };

  const startSwitch = (id: string) => {
    const model = status.models.find((m) => m.id === id);
    // Shown at once; the first event brings the real count.
    setStatus({ ...status, switchingTo: model?.id ?? id, done: 0, total: 0 });
    api.switchEmbedder(id).catch((e) => {
      report("switchEmbedder", e);
      refresh();
    });
  };

  const nameOf = (id: string) => status.models.find((m) => m.id === id)?.name ?? id;

  return (
    <section aria-labelledby="embedder-title" data-testid="embedder-settings">
      <h3 id="embedder-title">{t.title}</h3>
      <ul className="models">
        {status.models.map((m) => (
          <li key={m.id} data-testid={`embedder-${m.id}`}>
            <span>
              {m.name}
              <br />
              <small className="muted">
                {m.multilingual ? t.multilingual : t.english}
                {m.bundled ? ` · ${t.bundled}` : ""}
              </small>
            </span>
            {m.id === status.active ? (
              <button type="button" disabled>
                {t.inUse}
              </button>
            ) : download?.id === m.id ? (
              <span className="download">
                {download.progress.total ? (
                  <progress max={download.progress.total} value={download.progress.done} aria-label={t.downloadProgress} />
                ) : (
                  <progress aria-label={t.downloadProgress} />
                )}
                <span className="muted">{t.downloading}</span>
              </span>
            ) : m.downloaded || m.bundled ? (
              <button type="button" disabled={status.switchingTo !== null} onClick={() => startSwitch(m.id)}>
                {t.use}
              </button>
            ) : (
              <button type="button" disabled={download !== null} onClick={() => startDownload(m.id)}>
                {t.download(formatBytes(m.downloadBytes))}
              </button>
            )}
          </li>
        ))}
      </ul>
      {status.switchingTo !== null && (
        <p data-testid="embedder-switching">
          {status.total > 0 && <progress max={status.total} value={status.done} aria-label={t.switchProgress} />}{" "}
          {t.switching(nameOf(status.switchingTo), formatNumber(status.done), formatNumber(status.total))}
        </p>
      )}
      <p className="muted">{t.note}</p>
    </section>
  );
}
