import { useState } from "react";
import * as api from "./api";
import { useReportError } from "./errors";

/** A download under way: bytes on disk, and the file's size when known. */
export type Download = { done: number; total: number | null };

/** A chat model's download under way: which model, and how far. */
export type ChatModelDownload = Download & { id: string };

/**
 * The chat model download, kept by App rather than by the settings panel so that closing the panel
 * neither loses its progress nor lets a second download start (one at a time).
 */
export function useChatModelDownload(
  onFinished: (id: string) => void,
): [ChatModelDownload | null, (id: string) => void] {
  const report = useReportError();
  const [download, setDownload] = useState<ChatModelDownload | null>(null);

  const start = (id: string) => {
    if (download) return;
    setDownload({ id, done: 0, total: null });
    api
      .downloadChatModel(id, (event) => {
        if (event.kind === "progress") setDownload({ id, done: event.done, total: event.total });
        else if (event.kind === "finished") onFinished(id);
        else report("downloadLlama", event.message);
      })
      .catch((e) => report("downloadLlama", e))
      .finally(() => setDownload(null));
  };

  return [download, start];
}
