//! The print queue's worker thread: takes the oldest pending job, sends it,
//! and records the outcome (see `queue.rs` for the duplicate, confirmation and
//! give-up rules).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::PrintError;
use super::driver::{JobRef, PrinterDriver, PrinterStatus};
use super::queue::PrinterEvent;
use crate::storage::SideConnection;
use crate::storage::print_jobs::{self, JobState, NextJob};

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

/// How long a stopping worker may go on printing what is queued (quitting the till must stay quick).
pub const STOP_BUDGET: Duration = Duration::from_millis(1500);

enum Control {
    Wake,
    /// Print what is pending until then, stop at the first failure, and end.
    Stop {
        until: Instant,
    },
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

    /// Stops within `budget`: what is pending prints meanwhile if the printer takes it. A worker still blocked
    /// on the printer then is left to end on its own (its driver times out); it keeps its share of the
    /// database lock until then. Returns whether it had stopped.
    pub fn stop_within(&mut self, budget: Duration) -> bool {
        let until = Instant::now() + budget;
        let _ = self.control.send(Control::Stop { until });
        let Some(t) = self.thread.take() else {
            return true;
        };
        while !t.is_finished() && Instant::now() < until + Duration::from_millis(100) {
            std::thread::sleep(Duration::from_millis(10));
        }
        if t.is_finished() {
            let _ = t.join();
            true
        } else {
            false
        }
    }

    /// Stops within [`STOP_BUDGET`].
    pub fn shutdown(mut self) {
        self.stop_within(STOP_BUDGET);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop_within(STOP_BUDGET);
    }
}

/// Starts the worker on its own connection to the database (which keeps the database locked until it ends).
pub fn spawn_worker(
    conn: SideConnection,
    driver: Box<dyn PrinterDriver>,
    opts: WorkerOptions,
) -> Result<Worker, PrintError> {
    print_jobs::recover_interrupted(&conn, opts.max_interrupted)?;
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
    conn: SideConnection,
    driver: Box<dyn PrinterDriver>,
    opts: WorkerOptions,
    events: Sender<PrinterEvent>,
    last_status: Option<PrinterStatus>,
}

/// Why an attempt failed, and whether paper may have come out.
struct Failure {
    error: String,
    may_have_printed: bool,
    /// Retrying the same job cannot help.
    permanent: bool,
}

impl Failure {
    fn before(error: String) -> Failure {
        Failure {
            error,
            may_have_printed: false,
            permanent: false,
        }
    }
    fn after(error: String) -> Failure {
        Failure {
            error,
            may_have_printed: true,
            permanent: false,
        }
    }
}

impl Runner {
    fn run(mut self, ctl: Receiver<Control>) {
        let mut backoff = self.opts.min_backoff;
        let mut next_try = Instant::now();
        let mut stop_at: Option<Instant> = None;
        loop {
            if let Some(until) = stop_at {
                if Instant::now() >= until {
                    return;
                }
            } else {
                let wait = next_try
                    .saturating_duration_since(Instant::now())
                    .max(Duration::from_millis(1));
                match ctl.recv_timeout(wait) {
                    Ok(Control::Stop { until }) => stop_at = Some(until),
                    Err(RecvTimeoutError::Disconnected) => return,
                    Ok(Control::Wake) => backoff = self.opts.min_backoff,
                    Err(RecvTimeoutError::Timeout) => {}
                }
            }
            next_try = Instant::now() + self.opts.poll;
            let job = match print_jobs::next_pending(&self.conn) {
                Ok(Some(job)) => job,
                Ok(None) if stop_at.is_some() => return,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!("print queue: {e}");
                    if stop_at.is_some() {
                        return;
                    }
                    continue;
                }
            };
            match self.attempt(&job) {
                Ok(state) => {
                    backoff = self.opts.min_backoff;
                    next_try = Instant::now();
                    let _ = self.events.send(match state {
                        JobState::Sent => PrinterEvent::Sent(job.id),
                        _ => PrinterEvent::Printed(job.id),
                    });
                }
                Err(f) => {
                    let given_up = self.record_failure(&job, &f);
                    if stop_at.is_some() {
                        return;
                    }
                    match given_up {
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
                    }
                }
            }
        }
    }

    fn report(&mut self, s: PrinterStatus) {
        if self.last_status != Some(s) {
            self.last_status = Some(s);
            let _ = self.events.send(PrinterEvent::Status(s));
        }
    }

    fn attempt(&mut self, job: &NextJob) -> Result<JobState, Failure> {
        if job.bytes.is_empty() {
            return Err(Failure {
                permanent: true,
                ..Failure::before("travail vide : rien à imprimer".into())
            });
        }
        let result = self.send(job);
        self.driver.finish();
        result
    }

    fn send(&mut self, job: &NextJob) -> Result<JobState, Failure> {
        let status = self.driver.status().map_err(|e| {
            self.report(PrinterStatus::Offline);
            Failure::before(e.to_string())
        })?;
        self.report(status);
        if status.blocks_printing() {
            return Err(Failure::before(format!("imprimante : {}", status.label())));
        }
        print_jobs::set_state(&self.conn, job.id, JobState::Printing)
            .map_err(|e| Failure::before(e.to_string()))?;
        let r = JobRef {
            id: job.id,
            kind: &job.kind,
            subject: &job.subject,
            bytes: &job.bytes,
            text: &job.text,
        };
        if let Err(e) = self.driver.send_job(&r) {
            let mut f = if e.nothing_sent() {
                Failure::before(e.to_string())
            } else {
                Failure::after(e.to_string())
            };
            f.permanent = e.is_permanent();
            return Err(f);
        }
        // A status answer after the data proves the link held to the end; a link that cannot answer only
        // proves the bytes left.
        let status = self
            .driver
            .status()
            .map_err(|e| Failure::after(e.to_string()))?;
        self.report(status);
        if status.blocks_printing() {
            return Err(Failure::after(format!("imprimante : {}", status.label())));
        }
        let state = if status == PrinterStatus::Unknown {
            JobState::Sent
        } else {
            JobState::Done
        };
        print_jobs::record_sent(&self.conn, job.id, state)
            .map_err(|e| Failure::after(e.to_string()))?;
        Ok(state)
    }

    /// Records a failed attempt; `Some(reason)` when the job is given up.
    fn record_failure(&self, job: &NextJob, f: &Failure) -> rusqlite::Result<Option<String>> {
        let interrupted =
            print_jobs::interrupted(&self.conn, job.id)? + u32::from(f.may_have_printed);
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
        print_jobs::record_failure(
            &self.conn,
            job.id,
            give_up.is_some(),
            give_up.as_deref().unwrap_or(&f.error),
            f.may_have_printed,
            interrupted,
        )?;
        Ok(give_up)
    }
}
