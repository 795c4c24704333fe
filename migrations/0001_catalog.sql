-- The catalog: the source of truth for what is indexed. Tantivy and LanceDB hold derived copies keyed
-- by chunks.id and are reconciled against this at start-up.

CREATE TABLE folders (
    id        INTEGER PRIMARY KEY,
    path      TEXT    NOT NULL UNIQUE,
    added_at  INTEGER NOT NULL
);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    folder_id   INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    path        TEXT    NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    hash        TEXT,
    format      TEXT,
    -- queued | indexing | indexed | skipped | failed. 'indexing' means the full-text and vector stores
    -- may hold any subset of this document's chunks; recovery purges them by document id.
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'indexing', 'indexed', 'skipped', 'failed')),
    reason      TEXT,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX documents_folder ON documents(folder_id);
CREATE INDEX documents_status ON documents(status);

CREATE TABLE chunks (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    -- JSON object, e.g. {"lines":[12,18]} or {"page":3}
    location     TEXT    NOT NULL,
    span_start   INTEGER NOT NULL,
    span_end     INTEGER NOT NULL,
    tokens       INTEGER NOT NULL,
    UNIQUE (document_id, ordinal)
);
