import type { FileDto } from "../bindings/FileDto";
import type { FolderDto } from "../bindings/FolderDto";
import { baseName } from "../format";
import { useI18n, type Messages } from "../i18n";

type Status = FileDto["status"];

// The order statuses are listed in; any status the back end adds later comes after these, as it is sent.
const statusOrder: Status[] = ["indexed", "queued", "indexing", "skipped", "failed"];
const known = (s: string): s is Status => (statusOrder as string[]).includes(s);

/** How many files have each status, as "12 indexed, 2 skipped". */
function statusCounts(files: FileDto[], t: Messages): string {
  const counts = new Map<string, number>();
  for (const f of files) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  const rank = (s: string) => (known(s) ? statusOrder.indexOf(s) : statusOrder.length);
  return [...counts]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([status, n]) => (known(status) ? t.library.statusCount(n, status) : `${n} ${status}`))
    .join(", ");
}

type Props = { folders: FolderDto[]; onRescan: (path: string) => void; onRemove: (id: number) => void };

/** The library's folders: what became of their files, and why some were skipped or failed. */
export function FolderList({ folders, onRescan, onRemove }: Props) {
  const { t } = useI18n();
  if (!folders.length) {
    return (
      <p className="muted" data-testid="no-folders">
        {t.library.noFolders}
      </p>
    );
  }
  return (
    <ul className="folders">
      {folders.map((folder) => (
        <li key={folder.path} data-testid="folder" data-path={folder.path}>
          <details>
            <summary title={folder.path}>
              <span className="folder-name">{baseName(folder.path)}</span>
              <span className="muted"> {statusCounts(folder.files, t) || t.library.noFiles}</span>
            </summary>
            <p className="muted path">{folder.path}</p>
            <ul className="files">
              {folder.files.map((f) => (
                <li key={f.path} data-testid="file" data-status={f.status} title={f.path}>
                  <span className="path">{baseName(f.path)}</span>{" "}
                  <span className={`status ${f.status}`}>{known(f.status) ? t.library.status[f.status] : f.status}</span>
                  {f.reason && <span className="reason"> — {t.problem.reason(f.reason)}</span>}
                </li>
              ))}
            </ul>
          </details>
          <div className="actions">
            <button type="button" className="small" onClick={() => onRescan(folder.path)}>
              {t.library.rescan}
            </button>
            <button type="button" className="small" onClick={() => onRemove(folder.id)}>
              {t.library.remove}
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}
