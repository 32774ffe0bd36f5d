//! The print queue: jobs persisted in SQLite, printed by a worker thread
//! (`queue_worker.rs`), so a sale (committed before `enqueue`) never waits
//! for paper.
//!
//! Duplicate rule: an attempt "may have printed" once any job byte was handed
//! to the driver (a write or the confirmation after it failed, or the worker
//! stopped mid-job). Every later attempt sends the copy rendered with
//! `duplicate = true` ("DUPLICATA"), so a receipt is never out twice as an
//! original. Failures before the first byte (device absent, printer reporting
//! paper out or cover open, no status answer) keep the original.
//!
//! Giving up: a failure before the first byte is the printer's state and is
//! retried for as long as it takes. A job is marked `failed` (reason kept in
//! `last_error`, shown by [`summary`]) only when it cannot print: it could
//! not be rendered, a driver rejects it, or it was cut off mid-way
//! [`WorkerOptions::max_interrupted`] times — each such attempt may put a
//! partial copy out, so retrying forever would feed paper forever.

use rusqlite::{Connection, params};

use super::{PrintError, Rendered};

pub use super::queue_worker::{Worker, WorkerOptions, spawn_worker};

/// A job to enqueue: built by [`crate::print::job`].
#[derive(Debug, Clone)]
pub struct PrintJob {
    pub kind: String,
    pub subject: String,
    pub original: Rendered,
    pub duplicate: Rendered,
}

/// What the worker tells the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterEvent {
    Printed(i64),
    /// An attempt failed; the job stays queued and is retried.
    Failed {
        id: i64,
        error: String,
    },
    /// The job was given up (state `failed`): it needs a reprint.
    Abandoned {
        id: i64,
        subject: String,
        error: String,
    },
    Status(super::PrinterStatus),
}

/// A job as listed for the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    pub id: i64,
    pub created_at: String,
    pub kind: String,
    pub subject: String,
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The copy that went out (or will) carries "DUPLICATA".
    pub duplicate: bool,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS print_jobs(
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  bytes BLOB NOT NULL,
  text TEXT NOT NULL,
  dup_bytes BLOB NOT NULL,
  dup_text TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending','printing','done','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  duplicate INTEGER NOT NULL DEFAULT 0,
  printed_at TEXT,
  interrupted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS print_jobs_state ON print_jobs(state, id);
CREATE INDEX IF NOT EXISTS print_jobs_subject ON print_jobs(subject);
";

/// Creates the queue table if missing (callable from storage migrations),
/// and adds columns a queue from an older version lacks.
pub fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    let has_interrupted: bool = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('print_jobs') WHERE name = 'interrupted'",
        [],
        |r| r.get(0),
    )?;
    if !has_interrupted {
        // Counts attempts cut off after bytes went out (see module doc).
        conn.execute_batch(
            "ALTER TABLE print_jobs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0",
        )?;
    }
    Ok(())
}

pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Adds a job; returns its id. Call after the sale is committed.
pub fn enqueue(conn: &Connection, job: &PrintJob) -> Result<i64, PrintError> {
    ensure_schema(conn)?;
    conn.execute(
        "INSERT INTO print_jobs(created_at, kind, subject, bytes, text, dup_bytes, dup_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            now(),
            job.kind,
            job.subject,
            job.original.bytes,
            job.original.text,
            job.duplicate.bytes,
            job.duplicate.text
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn pending_count(conn: &Connection) -> Result<u64, PrintError> {
    ensure_schema(conn)?;
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM print_jobs WHERE state IN ('pending','printing')",
        [],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

const INFO_COLUMNS: &str = "id, created_at, kind, subject, state, attempts, last_error, duplicate";

fn job_info(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobInfo> {
    Ok(JobInfo {
        id: r.get(0)?,
        created_at: r.get(1)?,
        kind: r.get(2)?,
        subject: r.get(3)?,
        state: r.get(4)?,
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        duplicate: r.get(7)?,
    })
}

/// The newest `limit` jobs, newest first.
pub fn list(conn: &Connection, limit: u32) -> Result<Vec<JobInfo>, PrintError> {
    ensure_schema(conn)?;
    let mut st = conn.prepare(&format!(
        "SELECT {INFO_COLUMNS} FROM print_jobs ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = st.query_map([limit], job_info)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records a document that could not even be rendered (template error) as a
/// failed job: the queue listing then shows it with its reason, and the
/// cashier knows to reprint once the template is fixed. Nothing was printed.
pub fn record_unprintable(
    conn: &Connection,
    kind: &str,
    subject: &str,
    reason: &str,
) -> Result<i64, PrintError> {
    ensure_schema(conn)?;
    conn.execute(
        "INSERT INTO print_jobs(created_at, kind, subject, bytes, text, dup_bytes, dup_text,
                                state, last_error)
         VALUES (?1, ?2, ?3, x'', '', x'', '', 'failed', ?4)",
        params![now(), kind, subject, reason],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Whether an earlier job for `subject` has printed, may have, or still
/// will: any new print of it must then say "DUPLICATA". A job that failed
/// before sending a byte does not count.
pub fn printed_before(conn: &Connection, subject: &str) -> Result<bool, PrintError> {
    ensure_schema(conn)?;
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM print_jobs WHERE subject = ?1
                       AND (state <> 'failed' OR duplicate))",
        [subject],
        |r| r.get(0),
    )?)
}

/// Puts a failed job back in the queue (after a fix). It keeps its
/// duplicate flag: if a partial copy went out, the next one is a DUPLICATA.
/// Returns false when the job is not in `failed` state or has no bytes.
pub fn retry(conn: &Connection, id: i64) -> Result<bool, PrintError> {
    ensure_schema(conn)?;
    let n = conn.execute(
        "UPDATE print_jobs SET state = 'pending', interrupted = 0
         WHERE id = ?1 AND state = 'failed' AND length(bytes) > 0",
        [id],
    )?;
    Ok(n == 1)
}

/// What is waiting and what was given up, for `souk printer status` and the
/// till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSummary {
    pub pending: u64,
    pub failed: u64,
    /// The newest failed jobs (at most 5), newest first.
    pub recent_failures: Vec<JobInfo>,
}

pub fn summary(conn: &Connection) -> Result<QueueSummary, PrintError> {
    ensure_schema(conn)?;
    let failed: i64 = conn.query_row(
        "SELECT count(*) FROM print_jobs WHERE state = 'failed'",
        [],
        |r| r.get(0),
    )?;
    let mut st = conn.prepare(&format!(
        "SELECT {INFO_COLUMNS} FROM print_jobs WHERE state = 'failed' ORDER BY id DESC LIMIT 5"
    ))?;
    let recent_failures = st.query_map([], job_info)?.collect::<Result<_, _>>()?;
    Ok(QueueSummary {
        pending: pending_count(conn)?,
        failed: failed as u64,
        recent_failures,
    })
}

impl std::fmt::Display for QueueSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "file d'impression : {} en attente, {} en échec",
            self.pending, self.failed
        )?;
        for j in &self.recent_failures {
            write!(
                f,
                "\n  n° {} {} {} ({} essai{}) : {}",
                j.id,
                j.kind,
                j.subject,
                j.attempts,
                if j.attempts > 1 { "s" } else { "" },
                j.last_error.as_deref().unwrap_or("raison inconnue")
            )?;
        }
        Ok(())
    }
}
