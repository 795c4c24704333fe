-- A file being read by an extraction worker, recorded (synced) before its bytes are handed over and
-- removed once its outcome is recorded. A row still here when the library is next opened means Folio
-- stopped while reading that file (a crash, a kill, the machine going down): it becomes `abandoned`,
-- and the file is failed with that reason and not read again until its size or modification time
-- change. So a file that takes Folio down cannot do it again at every start.
CREATE TABLE read_attempts (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    abandoned INTEGER NOT NULL DEFAULT 0
);
