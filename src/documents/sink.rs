//! The till's printer: committed tickets become ESC/POS jobs in the persisted print queue, printed by a worker
//! thread through the configured driver (the file printer by default). A printer that is off never blocks a sale.
use crate::print::ops::{PrintOp, parse_markup};
use crate::print::queue::{self, PrintJob, PrinterEvent, Worker, WorkerOptions};
use crate::print::{self, PrintError, PrinterConfig, PrinterStatus, Profile, Rendered, Templates};
use crate::storage::Db;
use crate::tui::sink::{ReceiptSink, ReportKind};
use anyhow::Result;
use std::cell::RefCell;

pub struct QueueSink {
    profile: Profile,
    templates: Templates,
    worker: Worker,
    drawer: bool,
    db_path: std::path::PathBuf,
    state: RefCell<String>,
    /// Jobs given up (state `failed`), shown after the printer state.
    failed: std::cell::Cell<u64>,
}

impl QueueSink {
    pub fn start(db_path: &std::path::Path, config: &PrinterConfig) -> Result<QueueSink> {
        let profile = config.load_profile()?;
        let templates = if std::path::Path::new("receipts").is_dir() {
            Templates::from_dir("receipts")
        } else {
            Templates::embedded()
        };
        let driver = print::open_driver(config)?;
        let worker = queue::spawn_worker(db_path, driver, WorkerOptions::default())?;
        let failed = rusqlite::Connection::open(db_path)
            .map_err(PrintError::from)
            .and_then(|c| queue::summary(&c))
            .map(|s| s.failed)
            .unwrap_or(0);
        Ok(QueueSink {
            profile,
            templates,
            worker,
            drawer: config.drawer,
            db_path: db_path.to_path_buf(),
            state: RefCell::new("prête".into()),
            failed: std::cell::Cell::new(failed),
        })
    }

    fn enqueue(&self, db: &Db, job: &PrintJob) -> Result<()> {
        queue::ensure_schema(db.conn())?;
        queue::enqueue(db.conn(), job)?;
        self.worker.retry_now();
        Ok(())
    }

    /// The till hands reports and drawer pulses without its database handle: queue them through a short-lived
    /// connection.
    fn enqueue_apart(&self, job: &PrintJob) -> Result<()> {
        let conn = rusqlite::Connection::open(&self.db_path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        queue::ensure_schema(&conn)?;
        queue::enqueue(&conn, job)?;
        self.worker.retry_now();
        Ok(())
    }

    fn text_job(&self, kind: &str, subject: &str, text: &str) -> Result<PrintJob> {
        let mut ops: Vec<PrintOp> = parse_markup(&escape_markup(text), &self.profile)?;
        ops.push(PrintOp::Feed(3));
        ops.push(PrintOp::Cut);
        let render = |ops: &[PrintOp]| Rendered {
            bytes: print::encode::encode(ops, &self.profile),
            text: print::text::render_text(ops, &self.profile),
        };
        let original = render(&ops);
        let mut dup = vec![PrintOp::Line {
            text: "DUPLICATA".into(),
            style: Default::default(),
        }];
        dup.extend(ops);
        Ok(PrintJob {
            kind: kind.into(),
            subject: subject.into(),
            original,
            duplicate: render(&dup),
        })
    }
}

/// Report text from the till is plain: a leading '@' must not be read as a layout directive.
fn escape_markup(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('@') {
                format!(" {l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ReceiptSink for QueueSink {
    fn sale(&mut self, db: &Db, ticket_id: &str) -> Result<()> {
        // When in doubt (queue unreadable), say DUPLICATA: a second original
        // is the one thing that must never come out.
        let reprint = queue::printed_before(db.conn(), ticket_id).unwrap_or(true);
        let receipt = super::sale_receipt(db.conn(), ticket_id, reprint)?;
        let mut profile = self.profile.clone();
        if !self.drawer || reprint {
            profile = profile.without_drawer();
        }
        let mut job = match print::job(&receipt, &profile, &self.templates) {
            Ok(job) => job,
            Err(e) => {
                // Kept in the queue listing as failed, with its reason; the
                // sale itself is already committed.
                let kind = print::Document::kind(&receipt);
                let _ = queue::record_unprintable(db.conn(), kind, ticket_id, &e.to_string());
                self.failed.set(self.failed.get() + 1);
                return Err(e.into());
            }
        };
        if reprint {
            job.original = job.duplicate.clone();
        }
        self.enqueue(db, &job)
    }

    fn report(&mut self, kind: ReportKind, subject: &str, text: &str) -> Result<()> {
        let job = self.text_job(kind.as_str(), subject, text)?;
        self.enqueue_apart(&job)
    }

    /// The profile's drawer pulse as a job of its own (queued like a receipt, so an offline printer delays
    /// it rather than losing it). A profile without drawer pins says so.
    fn open_drawer(&mut self) -> Result<()> {
        if !self.drawer {
            anyhow::bail!(
                "aucun tiroir-caisse sur cette caisse (drawer = true dans [printer] de souk.toml)"
            );
        }
        let bytes = print::drawer_kick(&self.profile).ok_or_else(|| {
            anyhow::anyhow!(
                "pas de tiroir-caisse dans le profil d'imprimante {}",
                self.profile.name
            )
        })?;
        let text = "[tiroir-caisse]\n".to_string();
        let pulse = Rendered { bytes, text };
        let job = PrintJob {
            kind: "TIROIR".into(),
            subject: String::new(),
            original: pulse.clone(),
            duplicate: pulse,
        };
        self.enqueue_apart(&job)
    }

    fn status(&self) -> String {
        let mut state = self.state.borrow_mut();
        while let Ok(ev) = self.worker.events.try_recv() {
            *state = match ev {
                PrinterEvent::Printed(_) => PrinterStatus::Ready.label().to_string(),
                PrinterEvent::Status(s) => s.label().to_string(),
                PrinterEvent::Failed { error, .. } => format!("erreur : {error}"),
                PrinterEvent::Abandoned { subject, error, .. } => {
                    self.failed.set(self.failed.get() + 1);
                    format!("{subject} non imprimé ({error}) : réimprimer")
                }
            };
        }
        match self.failed.get() {
            0 => state.clone(),
            n => format!("{state} · {n} en échec"),
        }
    }
}

impl Drop for QueueSink {
    /// Quitting the till gives the printer a few seconds to finish what is queued; what is left stays queued
    /// and prints at the next start.
    fn drop(&mut self) {
        let Ok(conn) = rusqlite::Connection::open(&self.db_path) else {
            return;
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while queue::pending_count(&conn).unwrap_or(0) > 0 && std::time::Instant::now() < deadline {
            self.worker.retry_now();
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}
