//! Where paper documents go. A ticket's receipt is rendered and queued inside the ticket's own transaction
//! ([`queue_receipt`]); the printer works after the commit, so a failing printer never loses or blocks a sale.
//!
//! [`QueueSink`] is the till's: jobs in the persisted print queue, printed by a worker thread through the
//! configured driver (the file printer by default).
use crate::print::SaleReceipt;
use crate::print::queue::{self, PrintJob, PrinterEvent, Worker, WorkerOptions};
use crate::print::{self, PrintError, PrinterConfig, PrinterStatus, Profile, Rendered, Templates};
use crate::storage::print_jobs;
use crate::storage::tickets::Ticket;
use crate::storage::{Db, SideConnection};
use anyhow::Result;
use rusqlite::Connection;

/// The till's only link to printing.
pub trait ReceiptSink {
    /// The job of a ticket's receipt; the caller stores it in the ticket's transaction (or, for a reprint,
    /// on its own).
    fn receipt_job(&mut self, receipt: &SaleReceipt) -> Result<PrintJob, PrintError>;
    /// Jobs were committed: print them now.
    fn wake(&mut self) -> Result<()>;
    /// A paper document rendered by the templates at this printer's width.
    fn print(&mut self, paper: &super::paper::Paper) -> Result<()>;
    /// Pulses the cash drawer with no sale (already approved and journalled by the till).
    fn open_drawer(&mut self) -> Result<()>;
    /// One short word or phrase for the status bar ("prêt", "plus de papier"…): a plain read, drawing calls it.
    fn status(&self) -> String;
    /// What the printer reported since the last call (the till's loop turns each into an `Event::Printer`).
    fn take_events(&mut self) -> Vec<PrinterEvent> {
        Vec::new()
    }
    /// An event taken from this sink, handed back by `update`: the status changes.
    fn on_event(&mut self, _ev: &PrinterEvent) {}
}

/// Inside a ticket's transaction: its receipt, rendered and queued. A receipt that cannot be rendered is
/// queued as a failed job with its reason (the sale stands: reprint once the template is fixed); only a
/// database error rolls the sale back.
pub fn queue_receipt(conn: &Connection, t: &Ticket, sink: &mut dyn ReceiptSink) -> Result<()> {
    let receipt = super::receipt_of(conn, t, false)?;
    match sink.receipt_job(&receipt) {
        Ok(job) => print_jobs::insert(conn, &job.to_row(false))?,
        Err(e) => {
            let kind = print::Document::kind(&receipt);
            print_jobs::insert_unprintable(conn, kind, &t.head.id, &e.to_string())?
        }
    };
    Ok(())
}

/// A stored ticket printed again: a DUPLICATA once any earlier copy may have printed.
pub fn queue_reprint(conn: &Connection, ticket_id: &str, sink: &mut dyn ReceiptSink) -> Result<()> {
    // When in doubt (queue unreadable), say DUPLICATA: a second original is the one thing that must never
    // come out.
    let reprint = print_jobs::printed_before(conn, ticket_id).unwrap_or(true);
    let receipt = super::sale_receipt(conn, ticket_id, reprint)?;
    match sink.receipt_job(&receipt) {
        Ok(job) => print_jobs::insert(conn, &job.to_row(reprint))?,
        Err(e) => {
            let kind = print::Document::kind(&receipt);
            print_jobs::insert_unprintable(conn, kind, ticket_id, &e.to_string())?;
            return Err(e.into());
        }
    };
    sink.wake()
}

/// Renders documents for one printer profile with the receipt templates.
pub struct Renderer {
    pub profile: Profile,
    pub templates: Templates,
    /// The till has a cash drawer: a sale's first receipt may open it.
    pub drawer: bool,
}

impl Renderer {
    /// The templates of `receipts/` when run from a folder that has them (an organiser's edits), else the
    /// embedded ones.
    pub fn for_config(config: &PrinterConfig) -> Result<Renderer> {
        Ok(Renderer {
            profile: config.load_profile()?,
            templates: local_templates(),
            drawer: config.drawer,
        })
    }

    pub fn receipt_job(&self, receipt: &SaleReceipt) -> Result<PrintJob, PrintError> {
        let profile = if self.drawer && !receipt.ticket.duplicate {
            self.profile.clone()
        } else {
            self.profile.clone().without_drawer()
        };
        print::job(receipt, &profile, &self.templates)
    }
}

pub fn local_templates() -> Templates {
    if std::path::Path::new("receipts").is_dir() {
        Templates::from_dir("receipts")
    } else {
        Templates::embedded()
    }
}

pub struct QueueSink {
    renderer: Renderer,
    worker: Worker,
    /// The sink's own connection (reports, drawer pulses, the failed count), sharing the database's lock.
    conn: SideConnection,
    state: String,
    /// Jobs given up (state `failed`), shown after the printer state.
    failed: u64,
}

impl QueueSink {
    pub fn start(db: &Db, config: &PrinterConfig) -> Result<QueueSink> {
        Self::start_with(db, config, WorkerOptions::default())
    }

    pub fn start_with(db: &Db, config: &PrinterConfig, opts: WorkerOptions) -> Result<QueueSink> {
        let renderer = Renderer::for_config(config)?;
        let driver = print::open_driver(config)?;
        let worker = queue::spawn_worker(db.side_connection()?, driver, opts)?;
        let conn = db.side_connection()?;
        let failed = print_jobs::count_in(&conn, print_jobs::JobState::Failed).unwrap_or(0);
        Ok(QueueSink {
            renderer,
            worker,
            conn,
            state: PrinterStatus::Ready.label().into(),
            failed,
        })
    }

    fn enqueue(&self, job: &PrintJob) -> Result<()> {
        queue::enqueue(&self.conn, job)?;
        self.worker.retry_now();
        Ok(())
    }
}

impl ReceiptSink for QueueSink {
    fn receipt_job(&mut self, receipt: &SaleReceipt) -> Result<PrintJob, PrintError> {
        let job = self.renderer.receipt_job(receipt);
        if job.is_err() {
            self.failed += 1;
        }
        job
    }

    fn wake(&mut self) -> Result<()> {
        self.worker.retry_now();
        Ok(())
    }

    /// A document of final figures printed before goes out as DUPLICATA; a reading is an original each time.
    fn print(&mut self, paper: &super::paper::Paper) -> Result<()> {
        let reprint = !paper.is_reading()
            && print_jobs::printed_before(&self.conn, &paper.subject()).unwrap_or(true);
        let mut paper = paper.clone();
        if reprint {
            paper.set_duplicate();
        }
        let job = paper.job(&self.renderer)?;
        print_jobs::insert(&self.conn, &job.to_row(reprint))?;
        self.worker.retry_now();
        Ok(())
    }

    /// The profile's drawer pulse as a job of its own (queued like a receipt, so an offline printer delays
    /// it rather than losing it). A profile without drawer pins says so.
    fn open_drawer(&mut self) -> Result<()> {
        let profile = &self.renderer.profile;
        if !self.renderer.drawer {
            anyhow::bail!(
                "aucun tiroir-caisse sur cette caisse (drawer = true dans [printer] de souk.toml)"
            );
        }
        let bytes = print::drawer_kick(profile).ok_or_else(|| {
            anyhow::anyhow!(
                "pas de tiroir-caisse dans le profil d'imprimante {}",
                profile.name
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
        self.enqueue(&job)
    }

    fn status(&self) -> String {
        match self.failed {
            0 => self.state.clone(),
            n => format!("{} · {n} en échec", self.state),
        }
    }

    fn take_events(&mut self) -> Vec<PrinterEvent> {
        self.worker.events.try_iter().collect()
    }

    fn on_event(&mut self, ev: &PrinterEvent) {
        self.state = match ev {
            PrinterEvent::Printed(_) => PrinterStatus::Ready.label().to_string(),
            PrinterEvent::Sent(_) => print_jobs::JobState::Sent.label().to_string(),
            PrinterEvent::Status(s) => s.label().to_string(),
            PrinterEvent::Failed { error, .. } => format!("erreur : {error}"),
            PrinterEvent::Abandoned { subject, error, .. } => {
                self.failed += 1;
                format!("{subject} non imprimé ({error}) : réimprimer")
            }
        };
    }
}
