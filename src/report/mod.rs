//! Report renderers: settlement, day report and phase totals, as terminal
//! text, CSV, XLSX and PDF. Every renderer is a pure function of the
//! [`model`] data: same input, same bytes (closed phases are reproducible).
//!
//! ```
//! use souk::report::{render_settlement, sample, Format};
//! let text = render_settlement(&sample::settlement(), "text".parse().unwrap()).unwrap();
//! assert!(String::from_utf8(text).unwrap().contains("Empreinte du journal"));
//! ```

mod csv;
/// The data the renderers consume lives in the domain (storage fills it, and storage never imports report).
pub use crate::domain::report as model;
pub mod numbers;
mod pdf;
mod pdf_layout;
pub mod sample;
mod table;
mod text;
mod xlsx;

use std::fmt;
use std::str::FromStr;

pub use model::*;
/// Workbooks of plain tables in the house style (the region report).
pub use xlsx::{Cell as XlsxCell, Sheet as XlsxSheet, tables as xlsx_tables};

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned columns for the terminal, French numbers (UTF-8).
    Text,
    /// Machine CSV: dot decimals, no grouping (UTF-8, header row).
    Csv,
    /// Excel workbook.
    Xlsx,
    /// A4 PDF.
    Pdf,
}

impl Format {
    /// The usual file extension, also the name accepted by `from_str`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            other => other.extension(),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ReportError;

    /// Accepts `text`, `csv`, `xlsx`, `pdf` (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            "pdf" => Ok(Format::Pdf),
            _ => Err(ReportError::UnknownFormat(s.to_string())),
        }
    }
}

/// Why a report could not be rendered. Messages are French: they reach
/// the organiser as the one-line reason of a failed command.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("format inconnu « {0} » : choisir text, csv, xlsx ou pdf")]
    UnknownFormat(String),
    #[error("écriture CSV impossible : {0}")]
    Csv(#[from] ::csv::Error),
    #[error("création du classeur XLSX impossible : {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("création du PDF impossible : {0}")]
    Pdf(String),
}

pub type Result<T> = std::result::Result<T, ReportError>;

impl Format {
    /// The parts of a settlement this format prints: CSV only the figures, text also the witness, XLSX and
    /// PDF everything (their statements carry each exhibitor's days).
    pub fn settlement_parts(self) -> SettlementParts {
        match self {
            Format::Csv => SettlementParts {
                daily: false,
                stamp: false,
                totals: false,
            },
            Format::Text => SettlementParts {
                daily: false,
                stamp: true,
                totals: true,
            },
            Format::Xlsx | Format::Pdf => SettlementParts::ALL,
        }
    }
}

/// The settlement of a phase in the given format.
pub fn render_settlement(report: &SettlementReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Text => Ok(text::settlement(report, text::WIDTH).into_bytes()),
        Format::Csv => csv::settlement(report),
        Format::Xlsx => xlsx::settlement(report),
        Format::Pdf => pdf::settlement(report),
    }
}

/// What people read for a breakdown's stored code (`cooperative` → `Coopérative`, `oui` → `Coopératives de
/// femmes`); `group` is the breakdown's machine name from [`PhaseTotals::groups`]. Machine files keep codes.
pub(crate) fn group_label(group: &str, code: &str) -> String {
    use crate::domain::labels;
    match (group, code.trim()) {
        (_, "") => "Non renseigné".into(),
        ("kind", c) => labels::kind_label(c),
        ("sector", c) => labels::sector_label(c),
        ("women_led", "oui") => "Coopératives de femmes".into(),
        ("women_led", "non") => "Autres".into(),
        (_, c) => c.to_string(),
    }
}

/// A stored unit code as people write it (`piece` → `pièce`).
pub(crate) fn unit_label(code: &str) -> String {
    crate::domain::labels::unit(code)
        .map(|u| crate::domain::labels::unit_label(u).to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// The widest text layout: what goes to a file or a pipe.
pub const TEXT_WIDTH: usize = text::WIDTH;

/// A report as text for a terminal `width` columns wide (at most [`TEXT_WIDTH`] are used).
pub fn render_text(report: TextReport<'_>, width: usize) -> String {
    let width = width.min(text::WIDTH);
    match report {
        TextReport::Settlement(r) => text::settlement(r, width),
        TextReport::Day(r) => text::day(r, width),
        TextReport::PhaseTotals(r) => text::phase_totals(r, width),
    }
}

/// What [`render_text`] lays out.
pub enum TextReport<'a> {
    Settlement(&'a SettlementReport),
    Day(&'a DayReport),
    PhaseTotals(&'a PhaseTotals),
}

/// Takings per exhibitor for one day.
pub fn render_day(report: &DayReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Text => Ok(text::day(report, text::WIDTH).into_bytes()),
        Format::Csv => csv::day(report),
        Format::Xlsx => xlsx::day(report),
        Format::Pdf => pdf::day(report),
    }
}

/// The phase totals for the region.
pub fn render_phase_totals(report: &PhaseTotals, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Text => Ok(text::phase_totals(report, text::WIDTH).into_bytes()),
        Format::Csv => csv::phase_totals(report),
        Format::Xlsx => xlsx::phase_totals(report),
        Format::Pdf => pdf::phase_totals(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in [Format::Text, Format::Csv, Format::Xlsx, Format::Pdf] {
            assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
        }
        assert_eq!(" PDF ".parse::<Format>().unwrap(), Format::Pdf);
    }

    /// A format's output is the same whether or not the parts it does not print were computed.
    #[test]
    fn settlement_parts_cover_what_each_format_prints() {
        let full = sample::settlement();
        assert!(!full.daily.is_empty() && !full.chain_head.is_empty() && full.tickets > 0);
        for f in [Format::Text, Format::Csv, Format::Xlsx, Format::Pdf] {
            let parts = f.settlement_parts();
            let mut only = full.clone();
            if !parts.daily {
                only.daily.clear();
            }
            if !parts.stamp {
                only.chain_head.clear();
                only.generated_at.clear();
            }
            if !parts.totals {
                only.tickets = 0;
            }
            assert_eq!(
                render_settlement(&only, f).unwrap(),
                render_settlement(&full, f).unwrap(),
                "{f} prints a part it says it does not need"
            );
        }
        assert!(!Format::Csv.settlement_parts().daily);
        assert!(!Format::Text.settlement_parts().daily);
    }

    #[test]
    fn unknown_format_is_explained_in_french() {
        let err = "html".parse::<Format>().unwrap_err().to_string();
        assert_eq!(
            err,
            "format inconnu « html » : choisir text, csv, xlsx ou pdf"
        );
    }
}
