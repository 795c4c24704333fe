-- Indexing jobs: durable, so a job interrupted by a crash or kill is found and finished after restart,
-- and so pause, resume and cancel work across processes (the running job polls its row).

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    -- JSON array of the absolute folder paths the job indexes.
    folders      TEXT    NOT NULL,
    -- 'running' in a catalog that no process is indexing means the job was interrupted.
    state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'cancelled', 'done', 'failed')),
    files_total  INTEGER NOT NULL DEFAULT 0,
    files_done   INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE INDEX jobs_state ON jobs(state);
