//! Receipts and reports on thermal printers.
//!
//! Pipeline: a context (plain data, `context.rs`) → a minijinja template
//! (`receipts/*.j2`) → line markup → [`PrintOp`]s → ESC/POS bytes for a
//! [`Profile`] (`encode.rs`) and the plain text the paper shows (`text.rs`).
//! Jobs then go through a persisted queue (`queue.rs`) to a driver
//! (`driver/`), so a sale never waits for paper.

pub mod arabic;
pub mod arabic_shape;
pub mod codepage;
pub mod context;
pub mod cp864;
pub mod decode;
pub mod driver;
pub mod encode;
pub mod money;
pub mod ops;
pub mod profile;
pub mod queue;
pub mod queue_worker;
pub mod slips;
pub mod templates;
pub mod text;

use minijinja::{Value, context};
use serde::Serialize;

pub use context::*;
pub use driver::{PrinterConfig, PrinterDriver, PrinterStatus, open_driver};
pub use money::{Unit, format_dh, format_qty};
pub use ops::PrintOp;
pub use profile::Profile;
pub use queue::{PrintJob, PrinterEvent};
pub use slips::*;
pub use templates::Templates;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("modèle de ticket : {0}")]
    Template(String),
    #[error("modèle de ticket, ligne {line} : {message}")]
    Markup { line: usize, message: String },
    #[error("profil d'imprimante : {0}")]
    Profile(String),
    #[error("configuration de l'imprimante : {0}")]
    Config(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("file d'impression : {0}")]
    Db(#[from] rusqlite::Error),
}

/// A document ready for the printer, and what its paper shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub text: String,
}

/// Something printable: its template, its kind and subject (for job names).
pub trait Document: Serialize + Clone {
    fn template(&self) -> &'static str;
    fn kind(&self) -> &'static str;
    fn subject(&self) -> String;
    fn set_duplicate(&mut self, duplicate: bool);
    fn qr_payload(&self) -> Option<String> {
        None
    }
}

impl Document for SaleReceipt {
    fn template(&self) -> &'static str {
        match self.ticket.kind {
            TicketKind::Sale => "sale.j2",
            TicketKind::Refund => "refund.j2",
        }
    }
    fn kind(&self) -> &'static str {
        self.ticket.kind.as_str()
    }
    fn subject(&self) -> String {
        self.ticket.number.clone()
    }
    fn set_duplicate(&mut self, duplicate: bool) {
        self.ticket.duplicate = duplicate;
    }
    fn qr_payload(&self) -> Option<String> {
        Some(SaleReceipt::qr_payload(self))
    }
}

macro_rules! document {
    ($ty:ty, $tmpl:expr, $kind:expr, |$s:ident| $subject:expr) => {
        impl Document for $ty {
            fn template(&self) -> &'static str {
                $tmpl
            }
            fn kind(&self) -> &'static str {
                $kind
            }
            fn subject(&self) -> String {
                let $s = self;
                $subject
            }
            fn set_duplicate(&mut self, duplicate: bool) {
                self.duplicate = duplicate;
            }
        }
    };
}

document!(ShiftReport, "report.j2", "report", |s| format!(
    "{}-{}",
    if s.kind == ReportKind::Z { "Z" } else { "X" },
    if s.shift.is_empty() {
        &s.till
    } else {
        &s.shift
    }
));
document!(
    SettlementStatement,
    "settlement.j2",
    "settlement",
    |s| format!("RELEVE-{}-phase-{}", s.exhibitor.code, s.phase.number)
);
document!(StallSlip, "stall_slip.j2", "stall", |s| format!(
    "EXPO-{}-{}",
    s.exhibitor.code, s.day
));
document!(DaySlip, "day_slip.j2", "day", |s| match &s.till {
    Some(t) => format!("JOUR-{t}-{}", s.day),
    None => format!("JOUR-{}", s.day),
});
document!(PhaseSummary, "phase_summary.j2", "phase", |s| format!(
    "REGLEMENT-phase-{}",
    s.phase.number
));
document!(PhaseTotalsSlip, "phase_totals.j2", "totals", |s| format!(
    "TOTAUX-phase-{}",
    s.phase.number
));
document!(TillsStatus, "tills.j2", "tills", |s| format!(
    "CAISSES-{}",
    s.day
));
document!(TestPage, "test_page.j2", "test", |_s| "test".into());

/// Renders any document for a profile.
pub fn render<D: Document>(
    doc: &D,
    profile: &Profile,
    templates: &Templates,
) -> Result<Rendered, PrintError> {
    let ops = render_ops(doc, profile, templates)?;
    Ok(Rendered {
        bytes: encode::encode(&ops, profile),
        text: text::render_text(&ops, profile),
    })
}

/// The operations a document renders to (before encoding).
pub fn render_ops<D: Document>(
    doc: &D,
    profile: &Profile,
    templates: &Templates,
) -> Result<Vec<PrintOp>, PrintError> {
    let ctx = context! {
        cols => profile.columns,
        half => profile.columns / 2,
        has_drawer => profile.drawer.is_some(),
        qr_payload => doc.qr_payload(),
        profile => Value::from_serialize(profile),
        ..Value::from_serialize(doc)
    };
    let markup = templates.render(doc.template(), ctx)?;
    ops::parse_markup(&markup, profile)
}

pub fn render_sale(r: &SaleReceipt, p: &Profile, t: &Templates) -> Result<Rendered, PrintError> {
    render(r, p, t)
}

/// A refund ticket (`ticket.kind` should be `Refund`; `refund.j2` is used regardless).
pub fn render_refund(r: &SaleReceipt, p: &Profile, t: &Templates) -> Result<Rendered, PrintError> {
    let mut r = r.clone();
    r.ticket.kind = TicketKind::Refund;
    render(&r, p, t)
}

pub fn render_report(r: &ShiftReport, p: &Profile, t: &Templates) -> Result<Rendered, PrintError> {
    render(r, p, t)
}

pub fn render_settlement(
    s: &SettlementStatement,
    p: &Profile,
    t: &Templates,
) -> Result<Rendered, PrintError> {
    render(s, p, t)
}

pub fn render_test_page(d: &TestPage, p: &Profile, t: &Templates) -> Result<Rendered, PrintError> {
    render(d, p, t)
}

/// A queue job: the document rendered as asked (`duplicate` as set on it) and
/// once more as a duplicate, printed instead if an earlier attempt may have
/// put paper out.
pub fn job<D: Document>(
    doc: &D,
    profile: &Profile,
    templates: &Templates,
) -> Result<PrintJob, PrintError> {
    let original = render(doc, profile, templates)?;
    let mut dup = doc.clone();
    dup.set_duplicate(true);
    let duplicate = render(&dup, profile, templates)?;
    Ok(PrintJob {
        kind: doc.kind().into(),
        subject: doc.subject(),
        original,
        duplicate,
    })
}

/// Bytes that open the cash drawer alone (`ESC p`), if the profile has one.
pub fn drawer_kick(profile: &Profile) -> Option<Vec<u8>> {
    profile.drawer.map(|d| encode::drawer_bytes(d).to_vec())
}
