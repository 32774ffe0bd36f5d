-- The print queue: one row per paper document to print, inserted in the transaction of what it prints (a sale's
-- receipt commits with the sale). Databases from before this migration may already hold a queue made at run time,
-- with or without the `interrupted` column: it is rebuilt here with its rows.

-- The shape the run-time code created first, so that the copy below finds a table in every case.
CREATE TABLE IF NOT EXISTS print_jobs (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    bytes BLOB NOT NULL,
    text TEXT NOT NULL,
    dup_bytes BLOB NOT NULL,
    dup_text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0,
    printed_at TEXT
);

-- state: pending (to print), printing (being sent: after a crash it may have printed), sent (handed to a printer
-- that cannot confirm), done (the printer confirmed), failed (given up, reason in last_error).
-- duplicate: an attempt may have put paper out, every later one prints the copy marked DUPLICATA.
-- interrupted: attempts cut off after bytes went out (a job is given up after a few).
CREATE TABLE print_jobs_004 (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    bytes BLOB NOT NULL,
    text TEXT NOT NULL,
    dup_bytes BLOB NOT NULL,
    dup_text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'printing', 'sent', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    duplicate INTEGER NOT NULL DEFAULT 0 CHECK (duplicate IN (0, 1)),
    printed_at TEXT,
    interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted >= 0)
);

-- `interrupted` is read from the old table when it has the column, else it is 0: inside the subquery the name
-- resolves to `old` first, and only when `old` lacks it to the outer constant `d`.
INSERT INTO print_jobs_004 (id, created_at, kind, subject, bytes, text, dup_bytes, dup_text, state, attempts,
                            last_error, duplicate, printed_at, interrupted)
SELECT p.id, p.created_at, p.kind, p.subject, p.bytes, p.text, p.dup_bytes, p.dup_text, p.state, p.attempts,
       p.last_error, p.duplicate <> 0, p.printed_at,
       (SELECT interrupted FROM print_jobs AS old WHERE old.id = p.id)
FROM print_jobs AS p, (SELECT 0 AS interrupted) AS d;

DROP TABLE print_jobs;
ALTER TABLE print_jobs_004 RENAME TO print_jobs;
CREATE INDEX print_jobs_state ON print_jobs (state, id);
CREATE INDEX print_jobs_subject ON print_jobs (subject);
