//! The till opened read-only, when the disk is full or the medium read-only: it cannot sell, open or close a
//! shift, or journal a login, but the reports screens still show what was recorded, under a banner that says
//! why and what to do. Nothing is written: PINs are checked without recording failures (the wait after a wrong
//! one is kept in memory), and printing, which queues jobs in the database, is refused with a sentence.
use crate::documents::paper::Paper;
use crate::files::explain::Trouble;
use crate::print::{PrintError, PrintJob, SaleReceipt};
use crate::tui::sink::ReceiptSink;
use anyhow::{Result, anyhow};

/// The banner over every screen of a read-only till.
pub fn banner(t: Trouble) -> String {
    match t {
        Trouble::ReadOnly => {
            "support en lecture seule : consultation seulement, copiez la base sur un disque \
             modifiable pour vendre"
                .into()
        }
        _ => "disque plein : consultation seulement, libérez de la place pour vendre".into(),
    }
}

const NO_PRINT: &str = "consultation seulement : l'impression passe par la base, qui ne peut pas être écrite \
     (disque plein ou en lecture seule)";

/// The printer of a read-only till: nothing can be queued.
pub struct ReadOnlySink;

impl ReceiptSink for ReadOnlySink {
    fn receipt_job(&mut self, _receipt: &SaleReceipt) -> Result<PrintJob, PrintError> {
        Err(PrintError::Template(NO_PRINT.into()))
    }
    fn wake(&mut self) -> Result<()> {
        Ok(())
    }
    fn print(&mut self, _paper: &Paper) -> Result<()> {
        Err(anyhow!(NO_PRINT))
    }
    fn open_drawer(&mut self) -> Result<()> {
        Err(anyhow!(NO_PRINT))
    }
    fn status(&self) -> String {
        "consultation seulement".into()
    }
}
