-- Conversations. Each answer keeps the passages it cited (JSON), so a chat still shows its sources after
-- the files change or leave the library.

CREATE TABLE chats (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
    content       TEXT    NOT NULL,
    -- 'answering' is only seen while an answer streams; recovery at start-up turns a leftover one
    -- (a crash or kill mid-answer) into 'cancelled'.
    state         TEXT    NOT NULL CHECK (state IN ('complete', 'answering', 'cancelled', 'failed', 'not_found')),
    search_query  TEXT,
    model         TEXT,
    citations     TEXT    NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL
);

CREATE INDEX messages_chat ON messages(chat_id, id);
