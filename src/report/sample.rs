//! A small, consistent sample market for tests, docs and previews.
//! Four exhibitors: one ordinary (E003), one collecting at its own till so
//! it owes its commission (E007, due −104,60, name with a comma), one with
//! a very long name (E012), one with no sales but a stall fee (E015).
//! Figures obey the settlement formula and daily rows sum to the rows.

use rust_decimal::{Decimal, dec};

use super::model::*;

fn market() -> MarketHeader {
    MarketHeader {
        name: "Salon Régional de l'Économie Sociale et Solidaire".into(),
        organiser: "Conseil Régional Fès-Meknès".into(),
        city: "Ifrane".into(),
    }
}

fn phase() -> PhaseHeader {
    PhaseHeader {
        number: 1,
        name: "Printemps".into(),
        starts: "2025-05-01".into(),
        ends: "2025-05-10".into(),
        closed_at: Some("2025-05-10 19:02".into()),
        closed_by: Some("Amina Benali".into()),
        complement: None,
    }
}

/// A sample chain head (64 hex digits).
pub const CHAIN_HEAD: &str = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

#[allow(clippy::too_many_arguments)]
fn row(
    code: &str,
    name: &str,
    ice: Option<&str>,
    kind: &str,
    tickets: u64,
    [gross, refunds]: [Decimal; 2],
    [cash, card, mobile, other]: [Decimal; 4],
    rate: Decimal,
    stall_fee: Decimal,
    by_exhibitor: bool,
) -> SettlementRow {
    let net = gross - refunds;
    let commission = (net * rate)
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let (org, exh) = if by_exhibitor {
        (dec!(0), net)
    } else {
        (net, dec!(0))
    };
    SettlementRow {
        phase: 1,
        figures: SettlementFigures {
            exhibitor_code: code.into(),
            exhibitor_name: name.into(),
            ice: ice.map(Into::into),
            kind: kind.into(),
            tickets,
            gross,
            refunds,
            net,
            cash,
            card,
            mobile,
            other,
            commission_rate: rate,
            commission,
            stall_fee,
            collected_by_organiser: org,
            collected_by_exhibitor: exh,
            due_to_exhibitor: org - commission - stall_fee,
        },
    }
}

fn daily(date: &str, code: &str, tickets: u64, [cash, card, mobile]: [Decimal; 3]) -> DailyRow {
    DailyRow {
        date: date.into(),
        exhibitor_code: code.into(),
        tickets,
        net: cash + card + mobile,
        cash,
        card,
        mobile,
        other: dec!(0),
    }
}

/// The sample settlement of phase 1, closed.
pub fn settlement() -> SettlementReport {
    let z = dec!(0);
    let rows = vec![
        row(
            "E003",
            "Coopérative Tighanimine",
            Some("001234567000089"),
            "coopérative",
            42,
            [dec!(12480.00), dec!(230.00)],
            [dec!(8120.00), dec!(3130.00), dec!(1000.00), z],
            dec!(0.05),
            dec!(200.00),
            false,
        ),
        row(
            "E007",
            "Coopérative Al Baraka, miel & amlou d'Imouzzer",
            None,
            "coopérative",
            18,
            [dec!(1046.00), z],
            [dec!(846.00), z, dec!(200.00), z],
            dec!(0.10),
            z,
            true,
        ),
        row(
            "E012",
            "Groupement d'Intérêt Économique des Producteurs de Safran et de Plantes Aromatiques du Moyen Atlas",
            Some("002345678000012"),
            "GIE",
            7,
            [dec!(3275.50), z],
            [dec!(1275.50), dec!(2000.00), z, z],
            dec!(0.05),
            dec!(150.00),
            false,
        ),
        row(
            "E015",
            "Association Tifawin",
            None,
            "association",
            0,
            [z, z],
            [z, z, z, z],
            z,
            dec!(100.00),
            false,
        ),
    ];
    let daily = vec![
        daily("2025-05-01", "E003", 15, [dec!(2800.00), dec!(1300.00), z]),
        daily("2025-05-01", "E007", 8, [dec!(446.00), z, z]),
        daily(
            "2025-05-02",
            "E003",
            27,
            [dec!(5320.00), dec!(1830.00), dec!(1000.00)],
        ),
        daily("2025-05-02", "E007", 10, [dec!(400.00), z, dec!(200.00)]),
        daily("2025-05-02", "E012", 7, [dec!(1275.50), dec!(2000.00), z]),
    ];
    SettlementReport {
        market: market(),
        phase: phase(),
        rows,
        daily,
        tickets: 67,
        chain_head: CHAIN_HEAD.into(),
        generated_at: "2025-05-10 19:02".into(),
    }
}

/// The sample day report: 2 May at till T01.
pub fn day() -> DayReport {
    let s = settlement();
    let rows: Vec<DayReportRow> = s
        .daily
        .iter()
        .filter(|d| d.date == "2025-05-02")
        .map(|d| DayReportRow {
            exhibitor_code: d.exhibitor_code.clone(),
            exhibitor_name: s
                .rows
                .iter()
                .find(|r| r.exhibitor_code == d.exhibitor_code)
                .map(|r| r.exhibitor_name.clone())
                .unwrap_or_default(),
            tickets: d.tickets,
            gross: d.net
                + if d.exhibitor_code == "E003" {
                    dec!(230.00)
                } else {
                    dec!(0)
                },
            refunds: if d.exhibitor_code == "E003" {
                dec!(230.00)
            } else {
                dec!(0)
            },
            net: d.net,
            cash: d.cash,
            card: d.card,
            mobile: d.mobile,
            other: d.other,
        })
        .collect();
    DayReport {
        market: market(),
        date: "2025-05-02".into(),
        till: Some("T01".into()),
        tickets: rows.iter().map(|r| r.tickets).sum(),
        rows,
        chain_head: CHAIN_HEAD.into(),
        generated_at: "2025-05-02 20:15".into(),
    }
}

fn group(label: &str, exhibitors: u64, tickets: u64, net: Decimal) -> GroupRow {
    GroupRow {
        label: label.into(),
        exhibitors,
        tickets,
        net,
    }
}

/// The sample phase totals, consistent with [`settlement`].
pub fn phase_totals() -> PhaseTotals {
    let product =
        |code: &str, fr: &str, ar: Option<&str>, exh: &str, q, unit: &str, net| ProductRow {
            code: code.into(),
            name_fr: fr.into(),
            name_ar: ar.map(Into::into),
            exhibitor_code: exh.into(),
            quantity: q,
            unit: unit.into(),
            net,
        };
    PhaseTotals {
        market: market(),
        phase: phase(),
        exhibitors: 4,
        tickets: 67,
        net: dec!(16571.50),
        late: LateShare::default(),
        average_basket: dec!(247.34),
        by_method: MethodTotals {
            cash: dec!(10241.50),
            card: dec!(5130.00),
            mobile: dec!(1200.00),
            other: dec!(0),
        },
        by_kind: vec![
            group("association", 1, 0, dec!(0)),
            group("coopérative", 2, 60, dec!(13296.00)),
            group("GIE", 1, 7, dec!(3275.50)),
        ],
        by_province: vec![
            group("Ifrane", 3, 60, dec!(13296.00)),
            group("Taliouine", 1, 7, dec!(3275.50)),
        ],
        by_sector: vec![
            group("agroalimentaire", 2, 25, dec!(4321.50)),
            group("cosmétique", 1, 42, dec!(12250.00)),
            group("services", 1, 0, dec!(0)),
        ],
        women_led: vec![
            group("oui", 2, 42, dec!(12250.00)),
            group("non", 2, 25, dec!(4321.50)),
        ],
        top_products: vec![
            product(
                "ARG-250",
                "Huile d'argan cosmétique 250 ml",
                Some("زيت أركان"),
                "E003",
                dec!(61),
                "piece",
                dec!(7320.00),
            ),
            product(
                "SAF-1G",
                "Safran de Taliouine 1 g",
                Some("زعفران"),
                "E012",
                dec!(45),
                "piece",
                dec!(2250.00),
            ),
            product(
                "MIEL-TH",
                "Miel de thym",
                None,
                "E007",
                dec!(2.5),
                "kg",
                dec!(500.00),
            ),
        ],
        chain_head: CHAIN_HEAD.into(),
        generated_at: "2025-05-10 19:02".into(),
    }
}
