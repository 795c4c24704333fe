import { useState } from "react";
import * as api from "./api";
import { useReportError } from "./errors";

/** A download under way: bytes on disk, and the file's size when known. */
export type Download = { done: number; total: number | null };

/**
 * The Llama download, kept by App rather than by the settings panel so that closing the panel
 * neither loses its progress nor lets a second download start.
 */
export function useLlamaDownload(onFinished: () => void): [Download | null, () => void] {
  const report = useReportError();
  const [download, setDownload] = useState<Download | null>(null);

  const start = () => {
    if (download) return;
    setDownload({ done: 0, total: null });
    api
      .downloadLlama((event) => {
        if (event.kind === "progress") setDownload({ done: event.done, total: event.total });
        else if (event.kind === "finished") onFinished();
        else report("downloadLlama", event.message);
      })
      .catch((e) => report("downloadLlama", e))
      .finally(() => setDownload(null));
  };

  return [download, start];
}
