import { useId, useState } from "react";
import * as api from "../api";
import { useReportError } from "../errors";
import { useI18n } from "../i18n";

/** Folders chosen in the system's picker, or a folder or file typed or pasted as a path; either goes
 * the same way as one dropped on the window. */
export function AddPathForm({ onAdd }: { onAdd: (paths: string[]) => void }) {
  const [path, setPath] = useState("");
  const id = useId();
  const report = useReportError();
  const { t } = useI18n();
  const choose = () =>
    api.chooseFolders(t.library.pickerTitle).then(
      (paths) => paths.length > 0 && onAdd(paths),
      (e) => report("openFolderPicker", e),
    );
  return (
    <form
      className="add-path"
      onSubmit={(e) => {
        e.preventDefault();
        const p = path.trim();
        if (!p) return;
        onAdd([p]);
        setPath("");
      }}
    >
      <label htmlFor={id}>{t.library.addByPath}</label>
      <div className="row">
        <input
          id={id}
          type="text"
          data-testid="add-path-input"
          placeholder={t.library.pathPlaceholder}
          autoComplete="off"
          spellCheck={false}
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" data-testid="add-path-submit">
          {t.library.addFolder}
        </button>
      </div>
      <button type="button" data-testid="choose-folders" onClick={choose}>
        {t.library.chooseFolders}
      </button>
    </form>
  );
}
