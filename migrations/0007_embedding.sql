-- Which embedding model made the library's vectors (`active`), and a switch to another under way
-- (`next`): its vectors go to a table of their own, and every indexed chunk up to `next_done` has
-- one there. Search uses `active` until the switch completes (issue #20).
CREATE TABLE embedding (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    active TEXT NOT NULL,
    next TEXT,
    next_done INTEGER NOT NULL DEFAULT 0
);
INSERT INTO embedding (id, active) VALUES (1, 'all-minilm-l6-v2');
