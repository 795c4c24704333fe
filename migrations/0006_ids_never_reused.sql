-- Ids are never reused. Tantivy and LanceDB rows, citations in saved answers and read positions are
-- keyed by catalog ids; without AUTOINCREMENT SQLite hands a deleted row's id (the largest one) to the
-- next insert, and a stale vector or citation would then answer for a new chunk. SQLite cannot add
-- AUTOINCREMENT to a table, so the three tables are rebuilt (foreign keys are off while migrations run
-- and checked before each commits). sqlite_sequence starts at the largest id in use.

CREATE TABLE folders_new (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    path      TEXT    NOT NULL UNIQUE,
    added_at  INTEGER NOT NULL
);
INSERT INTO folders_new (id, path, added_at) SELECT id, path, added_at FROM folders;

CREATE TABLE documents_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
    updated_at  INTEGER NOT NULL,
    -- See 0004_text_first.
    text_ready  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO documents_new (id, folder_id, path, size, mtime_ns, hash, format, status, reason, updated_at, text_ready)
    SELECT id, folder_id, path, size, mtime_ns, hash, format, status, reason, updated_at, text_ready FROM documents;

CREATE TABLE chunks_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO chunks_new (id, document_id, ordinal, text, location, span_start, span_end, tokens)
    SELECT id, document_id, ordinal, text, location, span_start, span_end, tokens FROM chunks;

DROP TABLE chunks;
DROP TABLE documents;
DROP TABLE folders;
ALTER TABLE folders_new RENAME TO folders;
ALTER TABLE documents_new RENAME TO documents;
ALTER TABLE chunks_new RENAME TO chunks;
CREATE INDEX documents_folder ON documents(folder_id);
CREATE INDEX documents_status ON documents(status);
