import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { PassageDto } from "../bindings/PassageDto";
import { useReportError } from "../errors";
import { baseName } from "../format";
import { useI18n } from "../i18n";
import { Dialog } from "./Dialog";

type Props = { passage: PassageDto; onClose: () => void };

/** A cited passage in context: its neighbours as text, the passage itself highlighted and in view. */
export function Preview({ passage, onClose }: Props) {
  const report = useReportError();
  const { t, formatPlace } = useI18n();
  // The passage alone until its neighbours arrive, so the dialog never opens empty.
  const [context, setContext] = useState<PassageDto[]>([passage]);
  const mark = useRef<HTMLElement>(null);

  useEffect(() => {
    let current = true;
    api.preview(passage.chunkId).then(
      (ps) => current && setContext(ps),
      (e) => report("loadContext", e),
    );
    return () => {
      current = false;
    };
  }, [passage.chunkId, report]);

  useEffect(() => {
    mark.current?.scrollIntoView({ block: "center" });
  }, [context]);

  const page = passage.location.page;
  const place = formatPlace(passage.location);
  const open = () => api.openFile(passage.documentId, page).catch((e) => report("openFile", e));

  return (
    <Dialog title={baseName(passage.path)} testId="preview" className="preview" onClose={onClose}>
      <div className="preview-bar">
        <p className="muted" title={passage.path}>
          {place ? `${place} — ${passage.path}` : passage.path}
        </p>
        <button type="button" data-testid="open-file" onClick={open}>
          {page ? t.preview.openAtPage(page) : t.preview.openFile}
        </button>
      </div>
      <div className="preview-text">
        {context.map((p) =>
          p.chunkId === passage.chunkId ? (
            <p key={p.chunkId}>
              <mark ref={mark}>{p.text}</mark>
            </p>
          ) : (
            <p key={p.chunkId}>{p.text}</p>
          ),
        )}
      </div>
    </Dialog>
  );
}
