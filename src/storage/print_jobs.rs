//! The print queue's rows (`print_jobs`, migration 004). A job is inserted in the transaction of what it prints;
//! the print worker (`print::queue_worker`) reads and updates them on its own connection.
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, Result, params};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for the printer.
    Pending,
    /// Being sent; found so at start, it may have printed.
    Printing,
    /// Handed to a printer that cannot confirm (no status answer on its link): it may not have printed.
    Sent,
    /// The printer confirmed it after the data.
    Done,
    /// Given up: needs a reprint or `souk printer retry`.
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Printing => "printing",
            JobState::Sent => "sent",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// French label for the till and `souk printer status`.
    pub fn label(self) -> &'static str {
        match self {
            JobState::Pending => "en attente",
            JobState::Printing => "en cours",
            JobState::Sent => "envoyé, non confirmé",
            JobState::Done => "imprimé",
            JobState::Failed => "en échec",
        }
    }
}

impl std::str::FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "pending" => JobState::Pending,
            "printing" => JobState::Printing,
            "sent" => JobState::Sent,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            other => return Err(format!("état de travail d'impression inconnu : {other:?}")),
        })
    }
}

impl PartialEq<&str> for JobState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl ToSql for JobState {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for JobState {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        v.as_str()?
            .parse()
            .map_err(|e: String| FromSqlError::Other(e.into()))
    }
}

/// A rendered document to queue: the original, and the copy marked DUPLICATA printed instead once an earlier
/// attempt may have put paper out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub subject: String,
    pub bytes: Vec<u8>,
    pub text: String,
    pub dup_bytes: Vec<u8>,
    pub dup_text: String,
    /// Only the DUPLICATA copy may print (a reprint).
    pub duplicate: bool,
}

/// A job as listed for the till and `souk printer status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    pub id: i64,
    pub created_at: String,
    pub kind: String,
    pub subject: String,
    pub state: JobState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The copy that went out (or will) carries "DUPLICATA".
    pub duplicate: bool,
}

/// The oldest pending job, in the copy its next attempt must send.
#[derive(Debug, Clone)]
pub struct NextJob {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub bytes: Vec<u8>,
    pub text: String,
}

pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Adds a job; returns its id. Inside a ticket's transaction for its receipt.
pub fn insert(conn: &Connection, job: &NewJob) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO print_jobs (created_at, kind, subject, bytes, text, dup_bytes, dup_text, duplicate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        now(),
        job.kind,
        job.subject,
        job.bytes,
        job.text,
        job.dup_bytes,
        job.dup_text,
        job.duplicate
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A document that could not even be rendered (template error), kept as a failed job with its reason: the
/// listing shows it and the cashier knows to reprint once the template is fixed. Nothing was printed.
pub fn insert_unprintable(
    conn: &Connection,
    kind: &str,
    subject: &str,
    reason: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO print_jobs (created_at, kind, subject, bytes, text, dup_bytes, dup_text, state, last_error)
         VALUES (?1, ?2, ?3, x'', '', x'', '', 'failed', ?4)",
    )?
    .execute(params![now(), kind, subject, reason])?;
    Ok(conn.last_insert_rowid())
}

/// Jobs still to print (pending, or caught mid-send).
pub fn pending_count(conn: &Connection) -> Result<u64> {
    conn.prepare_cached("SELECT count(*) FROM print_jobs WHERE state IN ('pending', 'printing')")?
        .query_row([], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

const INFO_COLUMNS: &str = "id, created_at, kind, subject, state, attempts, last_error, duplicate";

fn job_info(r: &rusqlite::Row<'_>) -> Result<JobInfo> {
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
pub fn list(conn: &Connection, limit: u32) -> Result<Vec<JobInfo>> {
    let mut st = conn.prepare(&format!(
        "SELECT {INFO_COLUMNS} FROM print_jobs ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = st.query_map([limit], job_info)?;
    rows.collect()
}

/// The newest `limit` jobs in `state`, newest first.
pub fn list_in(conn: &Connection, state: JobState, limit: u32) -> Result<Vec<JobInfo>> {
    let mut st = conn.prepare(&format!(
        "SELECT {INFO_COLUMNS} FROM print_jobs WHERE state = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = st.query_map(params![state, limit], job_info)?;
    rows.collect()
}

/// Jobs per state.
pub fn count_in(conn: &Connection, state: JobState) -> Result<u64> {
    conn.prepare_cached("SELECT count(*) FROM print_jobs WHERE state = ?1")?
        .query_row([state], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

/// Whether an earlier job for `subject` has printed, may have, or still will: any new print of it must then
/// say "DUPLICATA". A job that failed before sending a byte does not count.
pub fn printed_before(conn: &Connection, subject: &str) -> Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM print_jobs WHERE subject = ?1 AND (state <> 'failed' OR duplicate))",
    )?
    .query_row([subject], |r| r.get(0))
}

/// Puts a failed job back in the queue (after a fix). It keeps its duplicate flag: if a partial copy went
/// out, the next one is a DUPLICATA. False when the job is not failed or has no bytes.
pub fn retry(conn: &Connection, id: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE print_jobs SET state = 'pending', interrupted = 0
         WHERE id = ?1 AND state = 'failed' AND length(bytes) > 0",
        [id],
    )?;
    Ok(n == 1)
}

/// At the worker's start: a job caught mid-send by a crash or a quit may have printed. It counts as
/// interrupted (a job that kills the process each time is given up too) and prints as DUPLICATA.
pub fn recover_interrupted(conn: &Connection, max_interrupted: u32) -> Result<usize> {
    conn.execute(
        "UPDATE print_jobs SET duplicate = 1, interrupted = interrupted + 1,
           state = CASE WHEN interrupted + 1 >= ?1 THEN 'failed' ELSE 'pending' END,
           last_error = CASE WHEN interrupted + 1 >= ?1
             THEN 'abandonné : arrêt du programme pendant ' || (interrupted + 1) || ' impressions'
             ELSE last_error END
         WHERE state = 'printing'",
        [max_interrupted.max(1)],
    )
}

/// The oldest pending job, in the copy this attempt must send.
pub fn next_pending(conn: &Connection) -> Result<Option<NextJob>> {
    conn.prepare_cached(
        "SELECT id, kind, subject,
                CASE WHEN duplicate THEN dup_bytes ELSE bytes END,
                CASE WHEN duplicate THEN dup_text ELSE text END
         FROM print_jobs WHERE state = 'pending' ORDER BY id LIMIT 1",
    )?
    .query_row([], |r| {
        Ok(NextJob {
            id: r.get(0)?,
            kind: r.get(1)?,
            subject: r.get(2)?,
            bytes: r.get(3)?,
            text: r.get(4)?,
        })
    })
    .optional()
}

pub fn set_state(conn: &Connection, id: i64, state: JobState) -> Result<usize> {
    conn.prepare_cached("UPDATE print_jobs SET state = ?2 WHERE id = ?1")?
        .execute(params![id, state])
}

/// The attempt went through: `Done` when the printer confirmed, `Sent` when it cannot.
pub fn record_sent(conn: &Connection, id: i64, state: JobState) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE print_jobs SET state = ?2, attempts = attempts + 1, printed_at = ?3, last_error = NULL
         WHERE id = ?1",
    )?
    .execute(params![id, state, now()])
}

pub fn interrupted(conn: &Connection, id: i64) -> Result<u32> {
    conn.prepare_cached("SELECT interrupted FROM print_jobs WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
}

/// A failed attempt: back to pending (or failed when `given_up`), with its reason.
pub fn record_failure(
    conn: &Connection,
    id: i64,
    given_up: bool,
    error: &str,
    may_have_printed: bool,
    interrupted: u32,
) -> Result<usize> {
    let state = if given_up {
        JobState::Failed
    } else {
        JobState::Pending
    };
    conn.prepare_cached(
        "UPDATE print_jobs SET state = ?2, attempts = attempts + 1, last_error = ?3,
         duplicate = duplicate OR ?4, interrupted = ?5 WHERE id = ?1",
    )?
    .execute(params![id, state, error, may_have_printed, interrupted])
}
