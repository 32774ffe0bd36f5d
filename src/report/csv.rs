//! Machine CSV (UTF-8, LF line ends, header row, `1234.50` numbers, no totals row: a
//! spreadsheet sums columns itself, and a totals row would be read back
//! as one more exhibitor).
//!
//! A text field (code, name, label) that starts with `=`, `+`, `-`, `@`, tab or CR is written
//! with a leading apostrophe, so that a spreadsheet shows it as text and never evaluates it
//! (`=HYPERLINK(…)` in an exhibitor's name stays a name). Numbers are never touched.
//!
//! Headers:
//! - settlement (contract): [`SETTLEMENT_HEADER`], one row per exhibitor,
//!   ordered by code.
//! - day report: [`DAY_HEADER`]; `till` is empty for all tills.
//! - phase totals: [`PHASE_TOTALS_HEADER`], long format, one row per figure:
//!   `section` is `total` (key `net`, `average_basket`, and `late` when some tickets came late: the part of
//!   the phase's tickets and net settled in its compléments), `method` (key
//!   `cash`/`card`/`mobile`/`other`), `kind`, `province`, `sector`,
//!   `women_led` (label = group, key empty) or `product` (key = product
//!   code, label = French name, `label_ar`, `exhibitor_code`, `quantity`,
//!   `unit`). Columns that do not apply are empty.

use rust_decimal::Decimal;

use super::Result;
use super::model::*;
use super::numbers::fmt_machine;

pub const SETTLEMENT_HEADER: [&str; 16] = [
    "phase",
    "exhibitor_code",
    "exhibitor_name",
    "tickets",
    "gross",
    "refunds",
    "net",
    "cash",
    "card",
    "mobile",
    "other",
    "commission",
    "stall_fee",
    "collected_by_organiser",
    "collected_by_exhibitor",
    "due_to_exhibitor",
];

pub const DAY_HEADER: [&str; 12] = [
    "date",
    "till",
    "exhibitor_code",
    "exhibitor_name",
    "tickets",
    "gross",
    "refunds",
    "net",
    "cash",
    "card",
    "mobile",
    "other",
];

pub const PHASE_TOTALS_HEADER: [&str; 11] = [
    "phase",
    "section",
    "key",
    "label",
    "label_ar",
    "exhibitor_code",
    "exhibitors",
    "tickets",
    "quantity",
    "unit",
    "net",
];

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()).into())
}

/// Would a spreadsheet read this text as the start of a formula?
pub(crate) fn starts_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A text field, neutralised if a spreadsheet would evaluate it.
fn t(s: &str) -> String {
    if starts_formula(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// `money` in machine format.
fn m(d: Decimal) -> String {
    fmt_machine(d)
}

pub(crate) fn settlement(r: &SettlementReport) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record(SETTLEMENT_HEADER)?;
    for row in &r.rows {
        let mut rec = vec![
            row.phase.to_string(),
            t(&row.exhibitor_code),
            t(&row.exhibitor_name),
        ];
        rec.push(row.tickets.to_string());
        rec.extend(
            [
                row.gross,
                row.refunds,
                row.net,
                row.cash,
                row.card,
                row.mobile,
                row.other,
                row.commission,
                row.stall_fee,
                row.collected_by_organiser,
                row.collected_by_exhibitor,
                row.due_to_exhibitor,
            ]
            .map(m),
        );
        w.write_record(&rec)?;
    }
    finish(w)
}

pub(crate) fn day(r: &DayReport) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record(DAY_HEADER)?;
    let till = t(r.till.as_deref().unwrap_or_default());
    for d in &r.rows {
        let mut rec = vec![
            r.date.clone(),
            till.clone(),
            t(&d.exhibitor_code),
            t(&d.exhibitor_name),
        ];
        rec.push(d.tickets.to_string());
        rec.extend([d.gross, d.refunds, d.net, d.cash, d.card, d.mobile, d.other].map(m));
        w.write_record(&rec)?;
    }
    finish(w)
}

/// One long-format record; `None` fields stay empty.
#[derive(Default)]
struct Fact {
    section: &'static str,
    key: String,
    label: String,
    label_ar: String,
    exhibitor_code: String,
    exhibitors: Option<u64>,
    tickets: Option<u64>,
    quantity: Option<Decimal>,
    unit: String,
    net: Option<Decimal>,
}

impl Fact {
    fn record(self, phase: u32) -> [String; 11] {
        let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        [
            phase.to_string(),
            self.section.to_string(),
            t(&self.key),
            t(&self.label),
            t(&self.label_ar),
            t(&self.exhibitor_code),
            num(self.exhibitors),
            num(self.tickets),
            self.quantity
                .map(|q| q.normalize().to_string())
                .unwrap_or_default(),
            t(&self.unit),
            self.net.map(m).unwrap_or_default(),
        ]
    }
}

fn facts(p: &PhaseTotals) -> Vec<Fact> {
    let mut out = vec![
        Fact {
            section: "total",
            key: "net".into(),
            exhibitors: Some(p.exhibitors),
            tickets: Some(p.tickets),
            net: Some(p.net),
            ..Fact::default()
        },
        Fact {
            section: "total",
            key: "average_basket".into(),
            net: Some(p.average_basket),
            ..Fact::default()
        },
    ];
    if !p.late.is_empty() {
        out.push(Fact {
            section: "total",
            key: "late".into(),
            tickets: Some(p.late.tickets),
            net: Some(p.late.net),
            ..Fact::default()
        });
    }
    let methods = [
        ("cash", p.by_method.cash),
        ("card", p.by_method.card),
        ("mobile", p.by_method.mobile),
        ("other", p.by_method.other),
    ];
    out.extend(methods.map(|(k, v)| Fact {
        section: "method",
        key: k.into(),
        net: Some(v),
        ..Fact::default()
    }));
    for (_, section, rows) in p.groups() {
        out.extend(rows.iter().map(|g| Fact {
            section,
            label: g.label.clone(),
            exhibitors: Some(g.exhibitors),
            tickets: Some(g.tickets),
            net: Some(g.net),
            ..Fact::default()
        }));
    }
    out.extend(p.top_products.iter().map(|t| Fact {
        section: "product",
        key: t.code.clone(),
        label: t.name_fr.clone(),
        label_ar: t.name_ar.clone().unwrap_or_default(),
        exhibitor_code: t.exhibitor_code.clone(),
        quantity: Some(t.quantity),
        unit: t.unit.clone(),
        net: Some(t.net),
        ..Fact::default()
    }));
    out
}

pub(crate) fn phase_totals(p: &PhaseTotals) -> Result<Vec<u8>> {
    let mut w = writer();
    w.write_record(PHASE_TOTALS_HEADER)?;
    for fact in facts(p) {
        w.write_record(fact.record(p.phase.number))?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn formula_text_is_neutralised_numbers_are_not() {
        let mut r = sample::settlement();
        let names = [
            "=HYPERLINK(\"http://x\",\"clic\")",
            "+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "-2+3",
            "\tx",
            "\rx",
        ];
        for (row, name) in r.rows.iter_mut().zip(names) {
            row.figures.exhibitor_name = name.to_string();
        }
        let out = String::from_utf8(settlement(&r).unwrap()).unwrap();
        let mut read = ::csv::Reader::from_reader(out.as_bytes());
        let rows: Vec<::csv::StringRecord> = read.records().map(|x| x.unwrap()).collect();
        for (rec, name) in rows.iter().zip(names) {
            assert_eq!(&rec[2], format!("'{name}"));
        }
        assert!(
            rows.iter().all(|rec| !rec[15].starts_with('\'')),
            "numbers untouched"
        );
        assert_eq!(t("Coopérative Tighanimine"), "Coopérative Tighanimine");
        assert_eq!(t("E017"), "E017");
    }
}
