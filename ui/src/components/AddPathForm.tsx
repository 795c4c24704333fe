import { useId, useState } from "react";

/** A folder or file typed or pasted as a path; goes the same way as one dropped on the window. */
export function AddPathForm({ onAdd }: { onAdd: (paths: string[]) => void }) {
  const [path, setPath] = useState("");
  const id = useId();
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
    </form>
  );
}
