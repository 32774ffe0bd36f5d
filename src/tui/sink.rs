//! Where receipts and reports go once a sale is committed. The till commits first and hands over after:
//! a failing sink never loses or blocks a sale, its error is shown in the status bar.
//!
//! The ESC/POS print queue will implement [`ReceiptSink`]; [`FileSink`] is the default: one plain-text file per
//! ticket or report in a directory, so the demo and the tests need no printer.
use crate::domain::money::{format_dh, format_qty};
use crate::i18n::I18n;
use crate::storage::Db;
use crate::storage::catalogue;
use crate::storage::tickets::load_ticket;
use anyhow::{Context, Result, anyhow};
use std::fmt::Write as _;
use std::path::PathBuf;

/// What kind of report is handed to the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// X report: the shift so far.
    X,
    /// Z report: the closed shift.
    Z,
    /// A cooperative's takings of the day (short slip).
    Exhibitor,
    /// Takings of a day per exhibitor, all tills of this database.
    Day,
    /// A phase's settlement, all exhibitors.
    Settlement,
    /// One exhibitor's settlement statement.
    Statement,
    /// The phase figures for the region.
    Totals,
    /// The market's tills: merges and gaps.
    Tills,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::X => "X",
            ReportKind::Z => "Z",
            ReportKind::Exhibitor => "EXPO",
            ReportKind::Day => "JOUR",
            ReportKind::Settlement => "REGLEMENT",
            ReportKind::Statement => "RELEVE",
            ReportKind::Totals => "TOTAUX",
            ReportKind::Tills => "CAISSES",
        }
    }
}

/// The till's only link to printing.
pub trait ReceiptSink {
    /// A committed ticket (sale or refund, first print or reprint); read it from `db` by id.
    fn sale(&mut self, db: &Db, ticket_id: &str) -> Result<()>;
    /// A report already laid out as text by the till; `subject` names it (shift id, exhibitor code).
    fn report(&mut self, kind: ReportKind, subject: &str, text: &str) -> Result<()>;
    /// Pulses the cash drawer with no sale (already approved and journalled by the till).
    fn open_drawer(&mut self) -> Result<()>;
    /// One short word or phrase for the status bar ("prêt", "plus de papier"…).
    fn status(&self) -> String;
}

/// Writes `<ticket>.txt` and `<KIND>-<subject>.txt` into a directory.
pub struct FileSink {
    dir: PathBuf,
    tr: I18n,
    last_error: Option<String>,
}

impl FileSink {
    pub fn new(dir: impl Into<PathBuf>, lang: &str) -> FileSink {
        FileSink {
            dir: dir.into(),
            tr: I18n::new(lang),
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

    /// Plain-text rendering of a ticket (the real layouts are the print engine's templates).
    pub fn render(&self, db: &Db, ticket_id: &str) -> Result<String> {
        let t = load_ticket(db.conn(), ticket_id)?.ok_or_else(|| anyhow!("{ticket_id} ?"))?;
        let m = catalogue::market(db.conn())?;
        let tr = &self.tr;
        let mut s = String::new();
        let title = if t.head.kind == "refund" {
            "rcpt-refund"
        } else {
            "rcpt-sale"
        };
        writeln!(s, "{}\n{}", m.name, tr.t(title))?;
        writeln!(s, "{} {}", tr.t("rcpt-ticket"), t.head.id)?;
        if let Some(orig) = &t.head.refund_of {
            writeln!(s, "{} {orig}", tr.t("rcpt-refund-of"))?;
        }
        writeln!(s, "{} {}", tr.t("rcpt-cashier"), t.head.cashier)?;
        let local = t
            .head
            .at_utc
            .parse::<jiff::Timestamp>()
            .ok()
            .and_then(|ts| {
                jiff::tz::Offset::from_seconds(t.head.utc_offset)
                    .ok()
                    .map(|o| o.to_datetime(ts).strftime("%d/%m/%Y %H:%M").to_string())
            });
        writeln!(
            s,
            "{} {}",
            tr.t("rcpt-date"),
            local.unwrap_or_else(|| super::screens::coop::fr_date(&t.local_date))
        )?;
        for l in &t.lines {
            writeln!(
                s,
                "{} {} {}",
                l.exhibitor_code,
                l.name_fr,
                l.name_ar.as_deref().unwrap_or("")
            )?;
            writeln!(
                s,
                "  {} x {} = {}",
                format_qty(l.quantity),
                format_dh(l.unit_price),
                format_dh(l.total)
            )?;
        }
        writeln!(s, "{} {}", tr.t("rcpt-total"), format_dh(t.head.total))?;
        for p in &t.payments {
            let method = tr.t(&format!("method-{}", p.method.as_str()));
            writeln!(s, "{method} {}", format_dh(p.amount))?;
            if let Some(given) = p.tendered {
                writeln!(s, "{} {}", tr.t("rcpt-tendered"), format_dh(given))?;
                writeln!(s, "{} {}", tr.t("rcpt-change"), format_dh(p.change))?;
            }
        }
        if !t.head.rounding.is_zero() {
            writeln!(
                s,
                "{} {}",
                tr.t("rcpt-rounding"),
                format_dh(t.head.rounding)
            )?;
        }
        writeln!(s, "{} {}", tr.t("rcpt-check"), t.short_hash())?;
        Ok(s)
    }
}

impl ReceiptSink for FileSink {
    fn sale(&mut self, db: &Db, ticket_id: &str) -> Result<()> {
        let text = self.render(db, ticket_id)?;
        self.write(&format!("{ticket_id}.txt"), &text)
    }

    fn report(&mut self, kind: ReportKind, subject: &str, text: &str) -> Result<()> {
        self.write(&format!("{}-{subject}.txt", kind.as_str()), text)
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
#[derive(Default)]
pub struct MemorySink {
    pub sales: Vec<String>,
    pub reports: Vec<(ReportKind, String, String)>,
    pub drawer_pulses: u32,
    /// When set, every call fails with this message (to test that a sale survives a broken printer).
    pub fail: Option<String>,
}

impl ReceiptSink for MemorySink {
    fn sale(&mut self, _db: &Db, ticket_id: &str) -> Result<()> {
        if let Some(e) = &self.fail {
            return Err(anyhow!(e.clone()));
        }
        self.sales.push(ticket_id.into());
        Ok(())
    }
    fn report(&mut self, kind: ReportKind, subject: &str, text: &str) -> Result<()> {
        if let Some(e) = &self.fail {
            return Err(anyhow!(e.clone()));
        }
        self.reports.push((kind, subject.into(), text.into()));
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
