//! The print queue: jobs persisted in SQLite (`storage::print_jobs`), printed by a worker thread
//! (`queue_worker.rs`), so a sale (committed with its job) never waits for paper.
//!
//! Duplicate rule: an attempt "may have printed" once any job byte was handed
//! to the driver (a write or the confirmation after it failed, or the worker
//! stopped mid-job). Every later attempt sends the copy rendered with
//! `duplicate = true` ("DUPLICATA"), so a receipt is never out twice as an
//! original. Failures before the first byte (device absent, printer reporting
//! paper out or cover open, no status answer) keep the original.
//!
//! Confirmation: a printer that answers its status after the data confirms the
//! job (`done`); one that cannot (one-way link, `query_status = false`) only
//! received it (`sent`), which the till and `souk printer status` say.
//!
//! Giving up: a failure before the first byte is the printer's state and is
//! retried for as long as it takes. A job is marked `failed` (reason kept in
//! `last_error`, shown by [`summary`]) only when it cannot print: it could
//! not be rendered, a driver rejects it, or it was cut off mid-way
//! [`WorkerOptions::max_interrupted`] times — each such attempt may put a
//! partial copy out, so retrying forever would feed paper forever.

use rusqlite::Connection;

use super::{PrintError, Rendered};
use crate::storage::print_jobs::{self, JobState, NewJob};

pub use super::queue_worker::{Worker, WorkerOptions, spawn_worker};
pub use crate::storage::print_jobs::{JobInfo, list, pending_count, printed_before, retry};

/// A rendered document to enqueue: built by [`crate::print::job`].
#[derive(Debug, Clone)]
pub struct PrintJob {
    pub kind: String,
    pub subject: String,
    pub original: Rendered,
    pub duplicate: Rendered,
}

impl PrintJob {
    /// The row to insert; `reprint`: only the DUPLICATA copy may print.
    pub fn to_row(&self, reprint: bool) -> NewJob {
        NewJob {
            kind: self.kind.clone(),
            subject: self.subject.clone(),
            bytes: self.original.bytes.clone(),
            text: self.original.text.clone(),
            dup_bytes: self.duplicate.bytes.clone(),
            dup_text: self.duplicate.text.clone(),
            duplicate: reprint,
        }
    }
}

/// What the worker tells the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterEvent {
    /// The printer confirmed the job.
    Printed(i64),
    /// The job went to a printer that cannot confirm it.
    Sent(i64),
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

/// Adds a job; returns its id.
pub fn enqueue(conn: &Connection, job: &PrintJob) -> Result<i64, PrintError> {
    Ok(print_jobs::insert(conn, &job.to_row(false))?)
}

/// Records a document that could not even be rendered as a failed job with its reason.
pub fn record_unprintable(
    conn: &Connection,
    kind: &str,
    subject: &str,
    reason: &str,
) -> Result<i64, PrintError> {
    Ok(print_jobs::insert_unprintable(conn, kind, subject, reason)?)
}

/// What is waiting, what went unconfirmed and what was given up, for `souk printer status` and the till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSummary {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// The oldest jobs waiting (at most 10), oldest first.
    pub waiting: Vec<JobInfo>,
    /// The newest jobs sent without confirmation (at most 5), newest first.
    pub recent_sent: Vec<JobInfo>,
    /// The newest failed jobs (at most 5), newest first.
    pub recent_failures: Vec<JobInfo>,
}

pub fn summary(conn: &Connection) -> Result<QueueSummary, PrintError> {
    let mut waiting = print_jobs::list_in(conn, JobState::Pending, 10)?;
    waiting.extend(print_jobs::list_in(conn, JobState::Printing, 10)?);
    waiting.sort_by_key(|j| j.id);
    waiting.truncate(10);
    Ok(QueueSummary {
        pending: print_jobs::pending_count(conn)?,
        sent: print_jobs::count_in(conn, JobState::Sent)?,
        failed: print_jobs::count_in(conn, JobState::Failed)?,
        waiting,
        recent_sent: print_jobs::list_in(conn, JobState::Sent, 5)?,
        recent_failures: print_jobs::list_in(conn, JobState::Failed, 5)?,
    })
}

/// Ticket kinds are codes in the queue; people read them in French.
fn kind_label(kind: &str) -> &str {
    match kind {
        "sale" => "vente",
        "refund" => "remboursement",
        other => other,
    }
}

fn job_line(f: &mut std::fmt::Formatter<'_>, j: &JobInfo, tail: &str) -> std::fmt::Result {
    write!(
        f,
        "\n  n° {} {} {} ({} essai{}) : {tail}",
        j.id,
        kind_label(&j.kind),
        j.subject,
        j.attempts,
        if j.attempts > 1 { "s" } else { "" },
    )
}

impl std::fmt::Display for QueueSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "file d'impression : {} en attente, {} en échec",
            self.pending, self.failed
        )?;
        if self.sent > 0 {
            let s = if self.sent > 1 { "s" } else { "" };
            write!(
                f,
                ", {} envoyé{s} sans confirmation de l'imprimante",
                self.sent
            )?;
        }
        for j in &self.waiting {
            let tail = match &j.last_error {
                Some(e) => format!("{}, dernier essai : {e}", j.state.label()),
                None => j.state.label().to_string(),
            };
            job_line(f, j, &tail)?;
        }
        for j in &self.recent_sent {
            job_line(f, j, j.state.label())?;
        }
        for j in &self.recent_failures {
            job_line(f, j, j.last_error.as_deref().unwrap_or("raison inconnue"))?;
        }
        Ok(())
    }
}
