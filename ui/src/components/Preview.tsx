import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { PassageDto } from "../bindings/PassageDto";
import { useReportError } from "../errors";
import { baseName } from "../format";
import { Dialog } from "./Dialog";

type Props = { passage: PassageDto; onClose: () => void };

/** A cited passage in context: its neighbours as text, the passage itself highlighted and in view. */
export function Preview({ passage, onClose }: Props) {
  const report = useReportError();
  // The passage alone until its neighbours arrive, so the dialog never opens empty.
  const [context, setContext] = useState<PassageDto[]>([passage]);
  const mark = useRef<HTMLElement>(null);

  useEffect(() => {
    let current = true;
    api.preview(passage.chunkId).then(
      (ps) => current && setContext(ps),
      (e) => report("Could not load the passage's context", e),
    );
    return () => {
      current = false;
    };
  }, [passage.chunkId, report]);

  useEffect(() => {
    mark.current?.scrollIntoView({ block: "center" });
  }, [context]);

  const page = passage.location.page;
  const open = () => api.openFile(passage.documentId, page).catch((e) => report("Could not open the file", e));

  return (
    <Dialog title={baseName(passage.path)} testId="preview" className="preview" onClose={onClose}>
      <div className="preview-bar">
        <p className="muted" title={passage.path}>
          {passage.place ? `${passage.place} — ${passage.path}` : passage.path}
        </p>
        <button type="button" data-testid="open-file" onClick={open}>
          {page ? `Open file at page ${page}` : "Open file"}
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
