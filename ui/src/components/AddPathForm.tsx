import { useId, useState } from "react";
import * as api from "../api";
import { useReportError } from "../errors";

/** Folders chosen in the system's picker, or a folder or file typed or pasted as a path; either goes
 * the same way as one dropped on the window. */
export function AddPathForm({ onAdd }: { onAdd: (paths: string[]) => void }) {
  const [path, setPath] = useState("");
  const id = useId();
  const report = useReportError();
  const choose = () =>
    api.chooseFolders().then(
      (paths) => paths.length > 0 && onAdd(paths),
      (e) => report("Could not open the folder picker", e),
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
      <label htmlFor={id}>Add a folder or file by its path</label>
      <div className="row">
        <input
          id={id}
          type="text"
          data-testid="add-path-input"
          placeholder="/home/me/Documents"
          autoComplete="off"
          spellCheck={false}
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" data-testid="add-path-submit">
          Add folder
        </button>
      </div>
      <button type="button" data-testid="choose-folders" onClick={choose}>
        Choose folders…
      </button>
    </form>
  );
}
