//! Paper documents other than receipts, built from what the caller already holds (the shift's totals, the Z
//! report a close returned) and rendered by the templates of `receipts/` at the printer profile's width.
use crate::domain::{Market, PaymentMethod};
use crate::print::{
    self, DaySlip, DenominationCount, Due, ExhibitorInfo, MarketInfo, MethodTotal, PhaseInfo,
    PhaseSummary, PhaseTotalsSlip, PrintError, PrintJob, Profile, ReportKind, SettlementFigures,
    SettlementStatement, ShiftReport, StallSlip, Templates, TillsStatus,
};
use crate::report::{MarketHeader, PhaseHeader, SettlementReport};
use crate::storage::LocalTime;
use crate::storage::shifts::{Shift, ShiftTotals, ZReport};

/// A document the till prints besides receipts.
#[derive(Debug, Clone)]
pub enum Paper {
    /// X (so far) or Z (closed) report of a shift.
    Shift(Box<ShiftReport>),
    /// One exhibitor's settlement statement for a phase.
    Statement(Box<SettlementStatement>),
    /// One stall's takings of the day at this till.
    Stall(Box<StallSlip>),
    /// Takings of a day per exhibitor.
    Day(Box<DaySlip>),
    /// A phase's settlement, all exhibitors.
    Phase(Box<PhaseSummary>),
    /// The phase's figures for the region.
    Totals(Box<PhaseTotalsSlip>),
    /// The market's tills: tickets, gaps, merges.
    Tills(Box<TillsStatus>),
}

/// Runs `$body` with `$d` bound to the document inside any [`Paper`].
macro_rules! each {
    ($paper:expr, $d:ident => $body:expr) => {
        match $paper {
            Paper::Shift($d) => $body,
            Paper::Statement($d) => $body,
            Paper::Stall($d) => $body,
            Paper::Day($d) => $body,
            Paper::Phase($d) => $body,
            Paper::Totals($d) => $body,
            Paper::Tills($d) => $body,
        }
    };
}

impl Paper {
    /// Names the printed file and the queue entry: `Z-T01-S0001`, `EXPO-E017-2026-05-14`.
    pub fn subject(&self) -> String {
        each!(self, d => print::Document::subject(d.as_ref()))
    }

    /// This document rendered for a printer, as a queue job (with its DUPLICATA copy).
    pub fn job(&self, renderer: &super::sink::Renderer) -> Result<PrintJob, PrintError> {
        self.job_for(
            &renderer.profile.clone().without_drawer(),
            &renderer.templates,
        )
    }

    fn job_for(&self, profile: &Profile, templates: &Templates) -> Result<PrintJob, PrintError> {
        each!(self, d => print::job(d.as_ref(), profile, templates))
    }

    /// A reading of figures that may still change (an X report, a stall's or a day's takings, the tills, a
    /// phase not closed): each print is an original stamped with its time. Final figures (a Z report, a
    /// closed phase) print as DUPLICATA once printed before.
    pub fn is_reading(&self) -> bool {
        match self {
            Paper::Shift(r) => r.kind == ReportKind::X,
            Paper::Statement(s) => s.phase.closed_at.is_none(),
            Paper::Phase(s) => s.phase.closed_at.is_none(),
            Paper::Totals(s) => s.phase.closed_at.is_none(),
            Paper::Stall(_) | Paper::Day(_) | Paper::Tills(_) => true,
        }
    }

    /// The same document marked DUPLICATA (a reprint).
    pub fn set_duplicate(&mut self) {
        each!(self, d => print::Document::set_duplicate(d.as_mut(), true))
    }

    /// What the paper will show, line by line, as an 80 mm roll prints it: the till shows it before printing.
    pub fn preview(&self) -> Vec<String> {
        let job = Profile::embedded("generic-80")
            .and_then(|profile| self.job_for(&profile, &super::sink::local_templates()));
        match job {
            Ok(job) => job
                .original
                .text
                .lines()
                .filter(|l| !l.starts_with('✂'))
                .map(String::from)
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    }
}

pub fn market_info(m: &Market) -> MarketInfo {
    MarketInfo {
        name: m.name.clone(),
        organiser: m.organiser.clone(),
        city: m.city.clone(),
    }
}

pub(super) fn market_header(m: &MarketHeader) -> MarketInfo {
    MarketInfo {
        name: m.name.clone(),
        organiser: m.organiser.clone(),
        city: m.city.clone(),
    }
}

/// The phase as printed: its name only when it says more than `Phase 1`, dates as people read them.
pub(super) fn phase_info(p: &PhaseHeader) -> PhaseInfo {
    let date = crate::report::numbers::fmt_date_fr;
    let name = p.name.trim();
    let plain = name.is_empty() || name.eq_ignore_ascii_case(&format!("phase {}", p.number));
    PhaseInfo {
        number: p.number,
        name: (!plain).then(|| name.to_string()),
        starts: date(&p.starts),
        ends: date(&p.ends),
        closed_at: p
            .closed_at
            .as_deref()
            .map(crate::report::numbers::fmt_datetime_fr),
        closed_by: p.closed_by.clone(),
    }
}

pub(super) fn method(m: PaymentMethod) -> print::PaymentMethod {
    match m {
        PaymentMethod::Cash => print::PaymentMethod::Cash,
        PaymentMethod::Card => print::PaymentMethod::Card,
        PaymentMethod::Mobile => print::PaymentMethod::Mobile,
        PaymentMethod::Other => print::PaymentMethod::Other,
    }
}

/// Local `dd/mm/yyyy HH:MM` of a stored UTC instant, in the market's time zone.
pub(super) fn local(at_utc: &str) -> String {
    let Ok(ts) = at_utc.parse::<jiff::Timestamp>() else {
        return at_utc.to_string();
    };
    match jiff::tz::TimeZone::get(crate::storage::clock::MARKET_TZ) {
        Ok(tz) => ts.to_zoned(tz).strftime("%d/%m/%Y %H:%M").to_string(),
        Err(_) => at_utc.to_string(),
    }
}

/// Who and when a shift report is printed.
pub struct ShiftPrint<'a> {
    pub market: &'a Market,
    pub shift: &'a Shift,
    pub printed_at: &'a LocalTime,
    /// The supervisor who approved the close (Z).
    pub approver: Option<&'a str>,
}

/// The X report of a shift so far.
pub fn x_report(p: &ShiftPrint<'_>, t: &ShiftTotals) -> Paper {
    Paper::Shift(Box::new(shift_report(p, t, None)))
}

/// The Z report of a closed shift, as its close returned it.
pub fn z_report(p: &ShiftPrint<'_>, z: &ZReport) -> Paper {
    Paper::Shift(Box::new(shift_report(p, &z.totals, Some(z))))
}

fn shift_report(p: &ShiftPrint<'_>, t: &ShiftTotals, z: Option<&ZReport>) -> ShiftReport {
    let by_method = t
        .by_method
        .iter()
        .filter(|(_, amount)| !amount.is_zero())
        .map(|(m, amount)| MethodTotal {
            method: method(m),
            count: 0,
            amount,
        })
        .collect();
    let counted = z
        .map(|z| {
            z.counted
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(d, n)| DenominationCount {
                    denomination: *d,
                    typed: !crate::domain::money::DENOMINATIONS.contains(d),
                    count: *n,
                    amount: *d * rust_decimal::Decimal::from(*n),
                })
                .collect()
        })
        .unwrap_or_default();
    ShiftReport {
        kind: if z.is_some() {
            ReportKind::Z
        } else {
            ReportKind::X
        },
        market: market_info(p.market),
        till: p.shift.till.clone(),
        shift: p.shift.id.clone(),
        cashier: p.shift.cashier.clone(),
        approver: p.approver.map(String::from),
        opened: local(&p.shift.opened_at),
        closed: z.map(|z| z.closed_at.display()),
        opening_float: t.opening_float,
        by_method,
        takings: t.net(),
        tickets: t.sales_count as u32,
        sales_total: t.sales_total,
        refunds: t.refunds_count as u32,
        refunds_total: -t.refunds_total,
        abandoned: t.abandoned_count as u32,
        rounding_total: t.rounding,
        expected_cash: t.expected_cash,
        counted,
        counted_total: z.map(|z| z.counted_cash),
        difference: z.map(|z| z.difference),
        chain_head: z.map(|z| z.chain_head.clone()).unwrap_or_default(),
        printed_at: p.printed_at.display(),
        duplicate: false,
    }
}

/// The statement of exhibitor `code` in a phase's settlement, as the settlement screen holds it.
pub fn statement(r: &SettlementReport, code: &str) -> Option<Paper> {
    let x = r.rows.iter().find(|x| x.exhibitor_code == code)?;
    Some(Paper::Statement(Box::new(SettlementStatement {
        market: market_header(&r.market),
        phase: phase_info(&r.phase),
        exhibitor: ExhibitorInfo {
            code: x.exhibitor_code.clone(),
            name: x.exhibitor_name.clone(),
            ice: x.ice.clone(),
        },
        figures: figures(x),
        chain_head: r.chain_head.clone(),
        printed_at: crate::report::numbers::fmt_datetime_fr(&r.generated_at),
        duplicate: false,
    })))
}

/// A settlement row's figures as printed (a totals row included).
pub(super) fn figures(x: &crate::domain::settlement::SettlementFigures) -> SettlementFigures {
    SettlementFigures {
        tickets: x.tickets as u32,
        gross: x.gross,
        refunds: x.refunds,
        net: x.net,
        cash: x.cash,
        card: x.card,
        mobile: x.mobile,
        other: x.other,
        commission_rate: x.commission_rate,
        commission: x.commission,
        stall_fee: x.stall_fee,
        collected_by_organiser: x.collected_by_organiser,
        collected_by_exhibitor: x.collected_by_exhibitor,
        due: Due::of(x.due_to_exhibitor),
    }
}
