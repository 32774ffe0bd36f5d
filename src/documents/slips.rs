//! The till's slips as typed documents, built from what its screens already hold (a day's sums, a phase's
//! settlement or totals, the tills' status) and printed by `receipts/*.j2` at the printer's width.
use super::paper::{Paper, figures, local, market_header, market_info, method, phase_info};
use crate::domain::money::from_centimes;
use crate::domain::{ByMethod, Market};
use crate::print::{
    Breakdown, DaySlip, DaySlipRow, Due, ExhibitorInfo, GroupLine, LateLine, MethodTotal,
    PhaseSummary, PhaseSummaryRow, PhaseTotalsSlip, ProductLine, StallSlip, TillLine, TillsStatus,
};
use crate::report::numbers::{fmt_date_fr, fmt_datetime_fr};
use crate::report::{DayReport, PhaseTotals, SettlementReport};
use crate::storage::LocalTime;
use crate::storage::settlement::DaySums;
use crate::sync::TillMergeStatus;
use rust_decimal::Decimal;

/// Every method with its amount, in the fixed order (cash, card, mobile, other).
fn methods(amounts: ByMethod<Decimal>) -> Vec<MethodTotal> {
    amounts
        .iter()
        .map(|(m, amount)| MethodTotal {
            method: method(m),
            count: 0,
            amount,
        })
        .collect()
}

/// Who sells at which till, and when the slip is printed.
pub struct StallPrint<'a> {
    pub market: &'a Market,
    pub till: &'a str,
    /// The exhibitor's name (the day's sums carry only its code).
    pub name: &'a str,
    pub printed_at: &'a LocalTime,
}

/// One stall's takings of a day at this till, from the sums the cooperatives' screen shows.
pub fn stall_slip(p: &StallPrint<'_>, d: &DaySums) -> Paper {
    Paper::Stall(Box::new(StallSlip {
        market: market_info(p.market),
        day: d.date.clone(),
        date: fmt_date_fr(&d.date),
        till: p.till.to_string(),
        exhibitor: ExhibitorInfo {
            code: d.exhibitor_code.clone(),
            name: p.name.to_string(),
            ice: None,
        },
        tickets: d.tickets,
        gross: from_centimes(d.gross),
        refunds: from_centimes(d.refunds),
        net: from_centimes(d.net()),
        by_method: methods(d.by_method.map(from_centimes)),
        printed_at: p.printed_at.display(),
        duplicate: false,
    }))
}

/// Takings of a day per exhibitor, as the storage's day report gives them.
pub fn day_slip(r: &DayReport) -> Paper {
    let t = r.totals();
    Paper::Day(Box::new(DaySlip {
        market: market_header(&r.market),
        day: r.date.clone(),
        date: fmt_date_fr(&r.date),
        till: r.till.clone(),
        rows: r
            .rows
            .iter()
            .map(|x| DaySlipRow {
                code: x.exhibitor_code.clone(),
                name: x.exhibitor_name.clone(),
                tickets: x.tickets,
                net: x.net,
            })
            .collect(),
        tickets: t.tickets,
        gross: t.gross,
        refunds: t.refunds,
        net: t.net,
        by_method: methods(ByMethod {
            cash: t.cash,
            card: t.card,
            mobile: t.mobile,
            other: t.other,
        }),
        chain_head: r.chain_head.clone(),
        printed_at: fmt_datetime_fr(&r.generated_at),
        duplicate: false,
    }))
}

/// A phase's settlement on a roll, from the report the settlement screen holds.
pub fn phase_summary(r: &SettlementReport) -> Paper {
    Paper::Phase(Box::new(PhaseSummary {
        market: market_header(&r.market),
        phase: phase_info(&r.phase),
        rows: r
            .rows
            .iter()
            .map(|x| PhaseSummaryRow {
                exhibitor: ExhibitorInfo {
                    code: x.exhibitor_code.clone(),
                    name: x.exhibitor_name.clone(),
                    ice: x.ice.clone(),
                },
                net: x.net,
                due: Due::of(x.due_to_exhibitor),
            })
            .collect(),
        totals: figures(&r.totals()),
        chain_head: r.chain_head.clone(),
        printed_at: fmt_datetime_fr(&r.generated_at),
        duplicate: false,
    }))
}

/// The region's figures of a phase, labels of the breakdowns as people read them.
pub fn phase_totals(p: &PhaseTotals) -> Paper {
    let m = &p.by_method;
    Paper::Totals(Box::new(PhaseTotalsSlip {
        market: market_header(&p.market),
        phase: phase_info(&p.phase),
        exhibitors: p.exhibitors,
        tickets: p.tickets,
        net: p.net,
        average_basket: p.average_basket,
        late: (!p.late.is_empty()).then_some(LateLine {
            tickets: p.late.tickets,
            net: p.late.net,
        }),
        by_method: methods(ByMethod {
            cash: m.cash,
            card: m.card,
            mobile: m.mobile,
            other: m.other,
        }),
        groups: p
            .groups()
            .into_iter()
            .map(|(_, code, rows)| Breakdown {
                code,
                rows: rows
                    .iter()
                    .map(|g| GroupLine {
                        label: crate::report::group_label(code, &g.label),
                        exhibitors: g.exhibitors,
                        net: g.net,
                    })
                    .collect(),
            })
            .collect(),
        top_products: p
            .top_products
            .iter()
            .map(|x| ProductLine {
                code: x.code.clone(),
                name: x.name_fr.clone(),
                net: x.net,
            })
            .collect(),
        chain_head: p.chain_head.clone(),
        printed_at: fmt_datetime_fr(&p.generated_at),
        duplicate: false,
    }))
}

/// `3–4, 9`: the missing numbers of a till's series, or `None`.
fn gaps(t: &TillMergeStatus) -> Option<String> {
    let ranges: Vec<String> = t
        .gaps
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect();
    (!ranges.is_empty()).then(|| ranges.join(", "))
}

/// The market's tills as the tills screen lists them.
pub fn tills_status(market: &Market, rows: &[TillMergeStatus], printed_at: &LocalTime) -> Paper {
    Paper::Tills(Box::new(TillsStatus {
        market: market_info(market),
        day: printed_at.date().to_string(),
        tills: rows
            .iter()
            .map(|t| TillLine {
                till: t.till.clone(),
                name: t.name.clone().filter(|n| !n.trim().is_empty()),
                tickets: t.tickets,
                last_ticket: t.last_ticket.clone(),
                gaps: gaps(t),
                late: t.late_tickets,
                last_merge: t.last_merge_at.as_deref().map(local),
            })
            .collect(),
        printed_at: printed_at.display(),
        duplicate: false,
    }))
}
