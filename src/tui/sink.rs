//! Sinks for a till without a printer queue. The till's real sink is [`crate::documents::sink::QueueSink`];
//! [`FileSink`] writes what the receipt templates render as plain-text files in a directory, [`MemorySink`]
//! keeps everything in memory (tests).
use crate::documents::paper::Paper;
use crate::i18n::I18n;
use crate::print::{PrintError, PrintJob, PrinterConfig, SaleReceipt};
use anyhow::{Context, Result, anyhow};
use std::path::PathBuf;

pub use crate::documents::sink::{ReceiptSink, Renderer};

fn default_renderer() -> Renderer {
    Renderer::for_config(&PrinterConfig::default()).expect("the embedded default profile loads")
}

/// Writes `<ticket>.txt` and `<KIND>-<subject>.txt` into a directory.
pub struct FileSink {
    dir: PathBuf,
    tr: I18n,
    renderer: Renderer,
    /// Receipts rendered in a transaction, written once it committed.
    pending: Vec<(String, String)>,
    last_error: Option<String>,
}

impl FileSink {
    pub fn new(dir: impl Into<PathBuf>, lang: &str) -> FileSink {
        FileSink {
            dir: dir.into(),
            tr: I18n::new(lang),
            renderer: default_renderer(),
            pending: Vec::new(),
            last_error: None,
        }
    }

    fn write(&mut self, name: &str, text: &str) -> Result<()> {
        let res = std::fs::create_dir_all(&self.dir)
            .and_then(|_| std::fs::write(self.dir.join(name), text))
            .with_context(|| format!("{}", self.dir.join(name).display()));
        self.last_error = res.as_ref().err().map(|e| format!("{e:#}"));
        res
    }
}

impl ReceiptSink for FileSink {
    fn receipt_job(&mut self, receipt: &SaleReceipt) -> Result<PrintJob, PrintError> {
        let job = self.renderer.receipt_job(receipt)?;
        let text = if receipt.ticket.duplicate {
            &job.duplicate.text
        } else {
            &job.original.text
        };
        self.pending.push((job.subject.clone(), text.clone()));
        Ok(job)
    }

    fn wake(&mut self) -> Result<()> {
        for (subject, text) in std::mem::take(&mut self.pending) {
            self.write(&format!("{subject}.txt"), &text)?;
        }
        Ok(())
    }

    fn print(&mut self, paper: &Paper) -> Result<()> {
        let job = paper.job(&self.renderer)?;
        self.write(&format!("{}.txt", paper.subject()), &job.original.text)
    }

    /// No drawer on a file printer: the pulse is written down, one file per opening.
    fn open_drawer(&mut self) -> Result<()> {
        let n = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with("TIROIR-"))
                    .count()
            })
            .unwrap_or(0);
        self.write(
            &format!("TIROIR-{:04}.txt", n + 1),
            &self.tr.t("approve-drawer"),
        )
    }

    fn status(&self) -> String {
        match &self.last_error {
            Some(e) => self.tr.a("printer-error", &[("error", e)]),
            None => self.tr.t("printer-file"),
        }
    }
}

/// A sink that keeps everything in memory (tests, and a till without printer).
pub struct MemorySink {
    pub sales: Vec<String>,
    /// Documents printed by template: subject and paper text.
    pub papers: Vec<(String, String)>,
    pub drawer_pulses: u32,
    /// When set, every call fails with this message (to test that a sale survives a broken printer).
    pub fail: Option<String>,
    renderer: Renderer,
}

impl Default for MemorySink {
    fn default() -> Self {
        MemorySink {
            sales: Vec::new(),
            papers: Vec::new(),
            drawer_pulses: 0,
            fail: None,
            renderer: default_renderer(),
        }
    }
}

impl ReceiptSink for MemorySink {
    fn receipt_job(&mut self, receipt: &SaleReceipt) -> Result<PrintJob, PrintError> {
        if let Some(e) = &self.fail {
            return Err(PrintError::Template(e.clone()));
        }
        self.sales.push(receipt.ticket.number.clone());
        self.renderer.receipt_job(receipt)
    }
    fn wake(&mut self) -> Result<()> {
        match &self.fail {
            Some(e) => Err(anyhow!(e.clone())),
            None => Ok(()),
        }
    }
    fn print(&mut self, paper: &Paper) -> Result<()> {
        if let Some(e) = &self.fail {
            return Err(anyhow!(e.clone()));
        }
        let job = paper.job(&self.renderer)?;
        self.papers.push((paper.subject(), job.original.text));
        Ok(())
    }
    fn open_drawer(&mut self) -> Result<()> {
        if let Some(e) = &self.fail {
            return Err(anyhow!(e.clone()));
        }
        self.drawer_pulses += 1;
        Ok(())
    }
    fn status(&self) -> String {
        self.fail.clone().unwrap_or_else(|| "-".into())
    }
}
