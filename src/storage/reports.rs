//! Fills the report models from the database. A closed phase is reported from what was stored at its close
//! (figures, witness, time), so its reports are byte-identical on every run.
use super::{Clock, catalogue, journal, settlement};
use crate::domain::money::{from_centimes, from_milli, round_money};
use crate::domain::report::*;
use crate::domain::settlement::SettlementFigures;
use anyhow::{Result, anyhow};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

pub fn market_header(conn: &Connection) -> Result<MarketHeader> {
    let m = catalogue::market(conn)?;
    Ok(MarketHeader {
        name: m.name,
        organiser: m.organiser,
        city: m.city,
    })
}

/// The phase header, and for a closed phase its stored witness.
fn phase_header(conn: &Connection, number: u32) -> Result<(PhaseHeader, Option<String>)> {
    conn.query_row(
        "SELECT number, name, starts, ends, closed_at, closed_by, closed_witness FROM phases WHERE number = ?1",
        [number],
        |r| {
            Ok((
                PhaseHeader {
                    number: r.get(0)?,
                    name: r.get(1)?,
                    starts: r.get(2)?,
                    ends: r.get(3)?,
                    closed_at: r.get(4)?,
                    closed_by: r.get(5)?,
                },
                r.get(6)?,
            ))
        },
    )
    .optional()?
    .ok_or_else(|| anyhow!("phase {number} inconnue"))
}

/// Witness and time printed on a report: frozen at the close, current otherwise.
fn stamp(
    conn: &Connection,
    phase: &PhaseHeader,
    frozen: Option<String>,
) -> Result<(String, String)> {
    match (&phase.closed_at, frozen) {
        (Some(at), Some(w)) => Ok((w, at.clone())),
        _ => Ok((
            journal::witness(conn)?,
            Clock::market()?.now()?.display_iso(),
        )),
    }
}

fn row(phase: u32, figures: SettlementFigures) -> SettlementRow {
    SettlementRow { phase, figures }
}

pub fn settlement_report(conn: &Connection, number: u32) -> Result<SettlementReport> {
    settlement_report_with(conn, number, SettlementParts::ALL)
}

/// The settlement with only the parts asked for (the others are left empty, not computed): a CSV needs
/// neither the per-day breakdown nor the journal witness.
pub fn settlement_report_with(
    conn: &Connection,
    number: u32,
    parts: SettlementParts,
) -> Result<SettlementReport> {
    let (phase, frozen) = phase_header(conn, number)?;
    let rows = settlement::settle_phase(conn, number)?
        .into_iter()
        .map(|f| row(number, f))
        .collect();
    let daily = if parts.daily {
        daily_rows(conn, number)?
    } else {
        Vec::new()
    };
    let (chain_head, generated_at) = if parts.stamp {
        stamp(conn, &phase, frozen)?
    } else {
        (String::new(), String::new())
    };
    Ok(SettlementReport {
        market: market_header(conn)?,
        phase,
        rows,
        daily,
        chain_head,
        generated_at,
    })
}

fn daily_rows(conn: &Connection, number: u32) -> Result<Vec<DailyRow>> {
    Ok(settlement::phase_days(conn, number)?
        .into_iter()
        .map(|d| DailyRow {
            date: d.date.clone(),
            exhibitor_code: d.exhibitor_code.clone(),
            tickets: d.tickets,
            net: from_centimes(d.net()),
            cash: from_centimes(d.by_method.cash),
            card: from_centimes(d.by_method.card),
            mobile: from_centimes(d.by_method.mobile),
            other: from_centimes(d.by_method.other),
        })
        .collect())
}

/// The complement of a phase: its late tickets, same columns, stall fee 0. Closed, it is reported as stored.
pub fn complement_report(conn: &Connection, number: u32) -> Result<SettlementReport> {
    let (mut phase, _) = phase_header(conn, number)?;
    let c = super::late::current_complement(conn, number)?;
    phase.name = format!("{} — complément {}", phase.name, c.number);
    phase.closed_at = c.closed_at.clone();
    phase.closed_by = c.closed_by.clone();
    let rows = c.rows.into_iter().map(|f| row(number, f)).collect();
    let daily = settlement::scope_days(conn, number, settlement::Scope::Complement(c.number))?
        .into_iter()
        .map(|d| DailyRow {
            date: d.date.clone(),
            exhibitor_code: d.exhibitor_code.clone(),
            tickets: d.tickets,
            net: from_centimes(d.net()),
            cash: from_centimes(d.by_method.cash),
            card: from_centimes(d.by_method.card),
            mobile: from_centimes(d.by_method.mobile),
            other: from_centimes(d.by_method.other),
        })
        .collect();
    let (chain_head, generated_at) = match &phase.closed_at {
        Some(at) => (journal::witness(conn)?, at.clone()),
        None => (
            journal::witness(conn)?,
            Clock::market()?.now()?.display_iso(),
        ),
    };
    Ok(SettlementReport {
        market: market_header(conn)?,
        phase,
        rows,
        daily,
        chain_head,
        generated_at,
    })
}

pub fn day_report(conn: &Connection, date: &str, till: Option<&str>) -> Result<DayReport> {
    let names: HashMap<String, String> = catalogue::exhibitors(conn)?
        .into_iter()
        .map(|e| (e.code, e.name))
        .collect();
    let rows = settlement::day(conn, date, till)?
        .into_iter()
        .map(|d| DayReportRow {
            exhibitor_name: names.get(&d.exhibitor_code).cloned().unwrap_or_default(),
            exhibitor_code: d.exhibitor_code.clone(),
            tickets: d.tickets,
            gross: from_centimes(d.gross),
            refunds: from_centimes(d.refunds),
            net: from_centimes(d.net()),
            cash: from_centimes(d.by_method.cash),
            card: from_centimes(d.by_method.card),
            mobile: from_centimes(d.by_method.mobile),
            other: from_centimes(d.by_method.other),
        })
        .collect();
    Ok(DayReport {
        market: market_header(conn)?,
        date: date.into(),
        till: till.map(String::from),
        rows,
        tickets: settlement::day_tickets(conn, date, till)?,
        chain_head: journal::witness(conn)?,
        generated_at: Clock::market()?.now()?.display_iso(),
    })
}

pub fn phase_totals(conn: &Connection, number: u32) -> Result<PhaseTotals> {
    let report = settlement_report_with(
        conn,
        number,
        SettlementParts {
            daily: false,
            stamp: true,
        },
    )?;
    let exhibitors: HashMap<String, crate::domain::Exhibitor> = catalogue::exhibitors(conn)?
        .into_iter()
        .map(|e| (e.code.clone(), e))
        .collect();
    let tickets: i64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE phase = ?1 AND kind = 'sale'
         AND id NOT IN (SELECT ticket_id FROM late_tickets)",
        [number],
        |r| r.get(0),
    )?;
    let net: Decimal = report.rows.iter().map(|r| r.net).sum();
    let group = |key: &dyn Fn(&crate::domain::Exhibitor) -> String| -> Vec<GroupRow> {
        let mut g: BTreeMap<String, GroupRow> = BTreeMap::new();
        for r in &report.rows {
            let label = exhibitors
                .get(&r.exhibitor_code)
                .map(key)
                .unwrap_or_default();
            let label = if label.is_empty() {
                "non renseigné".to_string()
            } else {
                label
            };
            let e = g.entry(label.clone()).or_insert_with(|| GroupRow {
                label,
                ..Default::default()
            });
            e.exhibitors += 1;
            e.tickets += r.tickets;
            e.net += r.net;
        }
        g.into_values().collect()
    };
    let sum = |f: fn(&SettlementRow) -> Decimal| report.rows.iter().map(f).sum::<Decimal>();
    Ok(PhaseTotals {
        market: report.market.clone(),
        phase: report.phase.clone(),
        exhibitors: report.rows.len() as u64,
        tickets: tickets as u64,
        net,
        average_basket: if tickets > 0 {
            round_money(net / Decimal::from(tickets))
        } else {
            Decimal::ZERO
        },
        by_method: MethodTotals {
            cash: sum(|r| r.cash),
            card: sum(|r| r.card),
            mobile: sum(|r| r.mobile),
            other: sum(|r| r.other),
        },
        by_kind: group(&|e| e.kind.clone()),
        by_province: group(&|e| e.province.clone().unwrap_or_default()),
        by_sector: group(&|e| e.sector.clone().unwrap_or_default()),
        women_led: group(&|e| match e.women_led {
            Some(true) => "oui".into(),
            Some(false) => "non".into(),
            None => String::new(),
        }),
        top_products: top_products(conn, number, 10)?,
        chain_head: report.chain_head,
        generated_at: report.generated_at,
    })
}

fn top_products(conn: &Connection, phase: u32, limit: u32) -> Result<Vec<ProductRow>> {
    let mut stmt = conn.prepare(
        "SELECT l.product_code, MAX(l.name_fr), MAX(l.name_ar), MAX(l.exhibitor_code), MAX(l.unit),
         SUM(CASE WHEN t.kind = 'sale' THEN l.quantity ELSE -l.quantity END),
         SUM(CASE WHEN t.kind = 'sale' THEN l.total ELSE -l.total END) AS net
         FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id
         WHERE t.phase = ?1 AND l.product_code IS NOT NULL AND t.id NOT IN (SELECT ticket_id FROM late_tickets)
         GROUP BY l.product_code ORDER BY net DESC, l.product_code LIMIT ?2",
    )?;
    let rows = stmt.query_map([phase, limit], |r| {
        Ok(ProductRow {
            code: r.get(0)?,
            name_fr: r.get(1)?,
            name_ar: r.get(2)?,
            exhibitor_code: r.get(3)?,
            unit: r.get(4)?,
            quantity: from_milli(r.get(5)?),
            net: from_centimes(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
