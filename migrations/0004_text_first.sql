-- Keyword-first visibility: a batch's chunks are committed to the full-text index before its vectors are
-- written. `text_ready` = 1 on an 'indexing' document says its chunks are final and committed to Tantivy,
-- so keyword search may return them while the vectors are on their way. Recovery still treats the
-- document like any 'indexing' one (purge by document id, queue again). Reset whenever a document
-- becomes 'indexing' anew.
ALTER TABLE documents ADD COLUMN text_ready INTEGER NOT NULL DEFAULT 0;
