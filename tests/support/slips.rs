//! Fixtures of the till's slips for the print tests: a day, a stall, the tills, a statement the exhibitor pays.
#![allow(dead_code)]

use super::print::{market, settlement};
use rust_decimal::Decimal;
use rust_decimal::dec;
use souk::print::*;

/// A statement the exhibitor pays: an exhibitor named in Arabic who collected its own card sales, in a
/// named phase not closed yet.
pub fn settlement_owed() -> SettlementStatement {
    let mut s = settlement();
    s.phase.name = Some("Printemps".into());
    s.phase.closed_at = None;
    s.phase.closed_by = None;
    s.exhibitor.name = "تعاونية الأمل".into();
    s.exhibitor.ice = None;
    s.figures.collected_by_organiser = dec!(100);
    s.figures.collected_by_exhibitor = dec!(38110);
    s.figures.due = Due::of(dec!(-2310.50));
    s
}

fn methods(amounts: [Decimal; 4]) -> Vec<MethodTotal> {
    [
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Mobile,
        PaymentMethod::Other,
    ]
    .into_iter()
    .zip(amounts)
    .map(|(method, amount)| MethodTotal {
        method,
        count: 0,
        amount,
    })
    .collect()
}

pub fn day_slip() -> DaySlip {
    DaySlip {
        market: market(),
        day: "2025-05-14".into(),
        date: "14/05/2025".into(),
        till: None,
        rows: vec![
            DaySlipRow {
                code: "E017".into(),
                name: "Coopérative Tighanimine".into(),
                tickets: 31,
                net: dec!(5480),
            },
            DaySlipRow {
                code: "E023".into(),
                name: "تعاونية الأمل".into(),
                tickets: 1,
                net: dec!(125),
            },
            DaySlipRow {
                code: "E031".into(),
                name: "Association Tapis Zemmour".into(),
                tickets: 2,
                net: dec!(3540.50),
            },
        ],
        tickets: 34,
        gross: dec!(9385.50),
        refunds: dec!(240),
        net: dec!(9145.50),
        by_method: methods([dec!(6045.50), dec!(2800), dec!(300), dec!(0)]),
        chain_head: "9c1e4b7a0d3f2e6b8a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a".into(),
        printed_at: "14/05/2025 19:10".into(),
        duplicate: false,
    }
}

/// The slip a cooperative takes home at the end of the day.
pub fn stall_slip() -> StallSlip {
    StallSlip {
        market: market(),
        day: "2025-05-14".into(),
        date: "14/05/2025".into(),
        till: "T01".into(),
        exhibitor: ExhibitorInfo {
            code: "E017".into(),
            name: "Coopérative Tighanimine".into(),
            ice: None,
        },
        tickets: 31,
        gross: dec!(5720),
        refunds: dec!(240),
        net: dec!(5480),
        by_method: methods([dec!(3480), dec!(1500), dec!(500), dec!(0)]),
        printed_at: "14/05/2025 19:05".into(),
        duplicate: false,
    }
}

/// Two tills merged at the organiser's desk (one with a gap and late tickets), one never merged.
pub fn tills_status() -> TillsStatus {
    let till = |id: &str, name: Option<&str>, tickets: u64| TillLine {
        till: id.into(),
        name: name.map(Into::into),
        tickets,
        last_ticket: (tickets > 0).then(|| format!("{id}-{tickets:06}")),
        gaps: None,
        late: 0,
        last_merge: (tickets > 0).then(|| "14/05/2025 18:02".into()),
    };
    let mut t02 = till("T02", Some("Caisse de l'entrée principale du salon"), 57);
    t02.gaps = Some("12–14, 31".into());
    t02.late = 3;
    TillsStatus {
        market: market(),
        day: "2025-05-14".into(),
        tills: vec![
            till("T01", Some("Caisse centrale"), 212),
            t02,
            till("T03", None, 0),
        ],
        printed_at: "14/05/2025 19:20".into(),
        duplicate: false,
    }
}
