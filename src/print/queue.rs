//! The print queue: jobs persisted in SQLite, printed by a worker thread, so
//! a sale (committed before `enqueue`) never waits for paper.
//!
//! Duplicate rule: an attempt "may have printed" once any job byte was handed
//! to the driver (a write or the confirmation after it failed, or the worker
//! stopped mid-job). Every later attempt sends the copy rendered with
//! `duplicate = true` ("DUPLICATA"), so a receipt is never out twice as an
//! original. Failures before the first byte (device absent, printer reporting
//! paper out or cover open, no status answer) keep the original.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

use super::driver::{DriverError, JobRef, PrinterDriver, PrinterStatus};
use super::{PrintError, Rendered};

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
    Failed { id: i64, error: String },
    Status(PrinterStatus),
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
  printed_at TEXT
);
CREATE INDEX IF NOT EXISTS print_jobs_state ON print_jobs(state, id);
";

/// Creates the queue table if missing (callable from storage migrations).
pub fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)
}

fn now() -> String {
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

/// The newest `limit` jobs, newest first.
pub fn list(conn: &Connection, limit: u32) -> Result<Vec<JobInfo>, PrintError> {
    ensure_schema(conn)?;
    let mut st = conn.prepare(
        "SELECT id, created_at, kind, subject, state, attempts, last_error, duplicate
         FROM print_jobs ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = st.query_map([limit], |r| {
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
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Worker pacing. Defaults suit a till; tests shorten them.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// How often an idle worker looks for new jobs.
    pub poll: Duration,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            poll: Duration::from_millis(300),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

enum Control {
    Wake,
    Shutdown,
}

/// The running worker: its events, and the handle to nudge or stop it.
pub struct Worker {
    pub events: Receiver<PrinterEvent>,
    control: Sender<Control>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Try now, without waiting for the backoff (the "Réimprimer" key, or a
    /// new job just enqueued).
    pub fn retry_now(&self) {
        let _ = self.control.send(Control::Wake);
    }

    /// Stops after the job in progress, if any.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the worker on its own connection to the database at `db`.
pub fn spawn_worker(
    db: impl Into<PathBuf>,
    driver: Box<dyn PrinterDriver>,
    opts: WorkerOptions,
) -> Result<Worker, PrintError> {
    let conn = Connection::open(db.into())?;
    conn.busy_timeout(Duration::from_secs(5))?;
    ensure_schema(&conn)?;
    // A job cut short by a crash or power cut may have printed.
    conn.execute(
        "UPDATE print_jobs SET state = 'pending', duplicate = 1 WHERE state = 'printing'",
        [],
    )?;
    let (ev_tx, events) = mpsc::channel();
    let (control, ctl_rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("souk-print".into())
        .spawn(move || {
            Runner {
                conn,
                driver,
                opts,
                events: ev_tx,
                last_status: None,
            }
            .run(ctl_rx)
        })?;
    Ok(Worker {
        events,
        control,
        thread: Some(thread),
    })
}

struct Runner {
    conn: Connection,
    driver: Box<dyn PrinterDriver>,
    opts: WorkerOptions,
    events: Sender<PrinterEvent>,
    last_status: Option<PrinterStatus>,
}

struct Pending {
    id: i64,
    kind: String,
    subject: String,
    bytes: Vec<u8>,
    text: String,
}

/// Why an attempt failed, and whether paper may have come out.
struct Failure {
    error: String,
    may_have_printed: bool,
}

impl Runner {
    fn run(mut self, ctl: Receiver<Control>) {
        let mut backoff = self.opts.min_backoff;
        let mut next_try = Instant::now();
        loop {
            let wait = next_try
                .saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1));
            match ctl.recv_timeout(wait) {
                Ok(Control::Shutdown) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Control::Wake) => backoff = self.opts.min_backoff,
                Err(RecvTimeoutError::Timeout) => {}
            }
            next_try = Instant::now() + self.opts.poll;
            let job = match self.next_job() {
                Ok(Some(job)) => job,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!("print queue: {e}");
                    continue;
                }
            };
            match self.attempt(&job) {
                Ok(()) => {
                    backoff = self.opts.min_backoff;
                    next_try = Instant::now();
                    let _ = self.events.send(PrinterEvent::Printed(job.id));
                }
                Err(f) => {
                    let _ = self.record_failure(&job, &f);
                    let _ = self.events.send(PrinterEvent::Failed {
                        id: job.id,
                        error: f.error,
                    });
                    next_try = Instant::now() + backoff;
                    backoff = (backoff * 2).min(self.opts.max_backoff);
                }
            }
        }
    }

    /// Oldest pending job, in the copy this attempt must send.
    fn next_job(&self) -> rusqlite::Result<Option<Pending>> {
        self.conn
            .query_row(
                "SELECT id, kind, subject,
                        CASE WHEN duplicate THEN dup_bytes ELSE bytes END,
                        CASE WHEN duplicate THEN dup_text ELSE text END
                 FROM print_jobs WHERE state = 'pending' ORDER BY id LIMIT 1",
                [],
                |r| {
                    Ok(Pending {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        subject: r.get(2)?,
                        bytes: r.get(3)?,
                        text: r.get(4)?,
                    })
                },
            )
            .optional()
    }

    fn report(&mut self, s: PrinterStatus) {
        if self.last_status != Some(s) {
            self.last_status = Some(s);
            let _ = self.events.send(PrinterEvent::Status(s));
        }
    }

    fn attempt(&mut self, job: &Pending) -> Result<(), Failure> {
        let before = |e: String| Failure {
            error: e,
            may_have_printed: false,
        };
        let after = |e: String| Failure {
            error: e,
            may_have_printed: true,
        };
        let result = self.send(job, before, after);
        self.driver.finish();
        result
    }

    fn send(
        &mut self,
        job: &Pending,
        before: impl Fn(String) -> Failure,
        after: impl Fn(String) -> Failure,
    ) -> Result<(), Failure> {
        let status = self.driver.status().map_err(|e| {
            self.report(PrinterStatus::Offline);
            before(e.to_string())
        })?;
        self.report(status);
        if status.blocks_printing() {
            return Err(before(format!("imprimante : {}", status.label())));
        }
        self.set_state(job.id, "printing")
            .map_err(|e| before(e.to_string()))?;
        let r = JobRef {
            id: job.id,
            kind: &job.kind,
            subject: &job.subject,
            bytes: &job.bytes,
            text: &job.text,
        };
        if let Err(e) = self.driver.send_job(&r) {
            return Err(if e.nothing_sent() {
                before(e.to_string())
            } else {
                after(e.to_string())
            });
        }
        // A status answer after the data proves the link held to the end.
        let status = self
            .driver
            .status()
            .map_err(|e: DriverError| after(e.to_string()))?;
        self.report(status);
        if status.blocks_printing() {
            return Err(after(format!("imprimante : {}", status.label())));
        }
        self.conn
            .execute(
                "UPDATE print_jobs SET state = 'done', attempts = attempts + 1, printed_at = ?2,
                 last_error = NULL WHERE id = ?1",
                params![job.id, now()],
            )
            .map_err(|e| after(e.to_string()))?;
        Ok(())
    }

    fn set_state(&self, id: i64, state: &str) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE print_jobs SET state = ?2 WHERE id = ?1",
            params![id, state],
        )
    }

    fn record_failure(&self, job: &Pending, f: &Failure) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE print_jobs SET state = 'pending', attempts = attempts + 1, last_error = ?2,
             duplicate = duplicate OR ?3 WHERE id = ?1",
            params![job.id, f.error, f.may_have_printed],
        )
    }
}
