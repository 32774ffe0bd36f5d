//! The print queue's worker thread: takes the oldest pending job, sends it,
//! and records the outcome (see `queue.rs` for the duplicate and give-up
//! rules).

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};

use super::PrintError;
use super::driver::{DriverError, JobRef, PrinterDriver, PrinterStatus};
use super::queue::{PrinterEvent, ensure_schema, now};

/// Worker pacing. Defaults suit a till; tests shorten them.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// How often an idle worker looks for new jobs.
    pub poll: Duration,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// Attempts cut off after bytes went out before the job is given up.
    pub max_interrupted: u32,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            poll: Duration::from_millis(300),
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_interrupted: 5,
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
    // A job cut short by a crash or power cut may have printed. It counts as
    // interrupted: a job that kills the process each time is given up too.
    conn.execute(
        "UPDATE print_jobs SET duplicate = 1, interrupted = interrupted + 1,
           state = CASE WHEN interrupted + 1 >= ?1 THEN 'failed' ELSE 'pending' END,
           last_error = CASE WHEN interrupted + 1 >= ?1
             THEN 'abandonné : arrêt du programme pendant ' || (interrupted + 1) || ' impressions'
             ELSE last_error END
         WHERE state = 'printing'",
        [opts.max_interrupted.max(1)],
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
    /// Retrying the same job cannot help.
    permanent: bool,
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
                Err(f) => match self.record_failure(&job, &f) {
                    Ok(Some(error)) => {
                        // Given up: the next job need not wait.
                        backoff = self.opts.min_backoff;
                        next_try = Instant::now();
                        let _ = self.events.send(PrinterEvent::Abandoned {
                            id: job.id,
                            subject: job.subject.clone(),
                            error,
                        });
                    }
                    outcome => {
                        if let Err(e) = outcome {
                            tracing::warn!("print queue: {e}");
                        }
                        let _ = self.events.send(PrinterEvent::Failed {
                            id: job.id,
                            error: f.error,
                        });
                        next_try = Instant::now() + backoff;
                        backoff = (backoff * 2).min(self.opts.max_backoff);
                    }
                },
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
        if job.bytes.is_empty() {
            return Err(Failure {
                error: "travail vide : rien à imprimer".into(),
                may_have_printed: false,
                permanent: true,
            });
        }
        let before = |e: String| Failure {
            error: e,
            may_have_printed: false,
            permanent: false,
        };
        let after = |e: String| Failure {
            error: e,
            may_have_printed: true,
            permanent: false,
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
            let mut f = if e.nothing_sent() {
                before(e.to_string())
            } else {
                after(e.to_string())
            };
            f.permanent = e.is_permanent();
            return Err(f);
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

    /// Records a failed attempt; `Some(reason)` when the job is given up.
    fn record_failure(&self, job: &Pending, f: &Failure) -> rusqlite::Result<Option<String>> {
        let interrupted: u32 = self.conn.query_row(
            "SELECT interrupted FROM print_jobs WHERE id = ?1",
            [job.id],
            |r| r.get(0),
        )?;
        let interrupted = interrupted + u32::from(f.may_have_printed);
        let give_up = if f.permanent {
            Some(f.error.clone())
        } else if f.may_have_printed && interrupted >= self.opts.max_interrupted.max(1) {
            Some(format!(
                "abandonné après {interrupted} envois interrompus : {}",
                f.error
            ))
        } else {
            None
        };
        self.conn.execute(
            "UPDATE print_jobs SET state = ?2, attempts = attempts + 1, last_error = ?3,
             duplicate = duplicate OR ?4, interrupted = ?5 WHERE id = ?1",
            params![
                job.id,
                if give_up.is_some() {
                    "failed"
                } else {
                    "pending"
                },
                give_up.as_deref().unwrap_or(&f.error),
                f.may_have_printed,
                interrupted
            ],
        )?;
        Ok(give_up)
    }
}
