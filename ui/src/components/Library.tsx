import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";
import type { FolderDto } from "../bindings/FolderDto";
import type { IndexEventDto } from "../bindings/IndexEventDto";
import { errorMessage, useReportError, type Failure } from "../errors";
import { useI18n } from "../i18n";
import { useListener } from "../useListener";
import { AddPathForm } from "./AddPathForm";
import { FolderList } from "./FolderList";
import { IndexStatus, idleRun, type IndexRun } from "./IndexStatus";

const controlFailures: Record<api.JobAction, Failure> = {
  pause: "pauseIndexing",
  resume: "resumeIndexing",
  cancel: "cancelIndexing",
};

/** The library: add folders (dropped or typed), follow indexing, and see and manage the folders. */
export function Library() {
  const report = useReportError();
  const { t } = useI18n();
  const [folders, setFolders] = useState<FolderDto[]>([]);
  const [run, setRun] = useState<IndexRun>(idleRun);
  // add_paths calls not yet returned; progress with none pending belongs to a background job.
  const pending = useRef(0);

  const refresh = useCallback(() => {
    api.libraryOverview().then(setFolders, (e) => report("readLibrary", e));
  }, [report]);

  useEffect(refresh, [refresh]);
  useListener(api.onLibraryChanged, refresh);

  useListener(api.onIndexEvent, (event: IndexEventDto) => {
    switch (event.kind) {
      case "started":
        return;
      case "progress": {
        const progress = event.progress;
        // Progress of a job whose summary is already shown arrived late: the summary says more.
        setRun((r) => (r.summary?.job === progress.job ? r : { ...idleRun, state: "indexing", progress }));
        return;
      }
      // The end of a job this page started is shown when add_paths returns; a job the app ran in the
      // background (resumed at start-up, or from the jobs list) ends here.
      case "finished":
        if (pending.current === 0) {
          setRun({ ...idleRun, state: "done", summary: event.summary });
          refresh();
        }
        return;
      case "failed":
        if (pending.current === 0) {
          setRun({ ...idleRun, state: "failed", error: event.message });
          refresh();
        }
        return;
    }
  });

  const add = async (paths: string[]) => {
    if (!paths.length) return;
    pending.current += 1;
    setRun({ ...idleRun, state: "indexing" });
    try {
      const summary = await api.addPaths(paths);
      setRun({ ...idleRun, state: "done", summary });
    } catch (e) {
      report("index", e);
      setRun({ ...idleRun, state: "failed", error: errorMessage(e) });
    } finally {
      pending.current -= 1;
      refresh();
    }
  };
  useListener(api.onDrop, add);

  const control = (job: number, action: api.JobAction) =>
    api.controlJob(job, action).catch((e) => report(controlFailures[action], e));

  const remove = async (id: number) => {
    try {
      await api.removeFolder(id);
    } catch (e) {
      report("removeFolder", e);
    }
    refresh();
  };

  return (
    <section className="library" aria-labelledby="library-title">
      <h2 id="library-title">{t.library.title}</h2>
      <AddPathForm onAdd={add} />
      <IndexStatus run={run} onControl={control} />
      <FolderList folders={folders} onRescan={(path) => add([path])} onRemove={remove} />
    </section>
  );
}
