//! Fills the report models from the database. A closed phase is reported from what was stored at its close
//! (figures, witness, close time), so its figures never change; a report also says when it was printed.
use super::settlement::Scope;
use super::{Clock, catalogue, journal, settlement};
use crate::domain::money::{from_centimes, from_milli, round_money};
use crate::domain::report::*;
use crate::domain::settlement::SettlementFigures;
use anyhow::{Result, anyhow, bail};
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
                    complement: None,
                },
                r.get(6)?,
            ))
        },
    )
    .optional()?
    .ok_or_else(|| anyhow!("phase {number} inconnue"))
}

/// Witness and time printed on a report: the witness frozen at the close (current while open), the time of
/// printing (a closed phase's close time is its header's).
fn stamp(
    conn: &Connection,
    phase: &PhaseHeader,
    frozen: Option<String>,
) -> Result<(String, String)> {
    let witness = match (&phase.closed_at, frozen) {
        (Some(_), Some(w)) => w,
        _ => journal::witness(conn)?,
    };
    Ok((witness, Clock::market()?.now()?.display_iso()))
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
    let tickets = if parts.totals {
        settlement::scope_tickets(conn, number, settlement::Scope::Phase)?
    } else {
        0
    };
    Ok(SettlementReport {
        market: market_header(conn)?,
        phase,
        rows,
        daily,
        tickets,
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

/// A complement of a phase: its late tickets, same columns, stall fee 0; `number` `None` is the latest (the open
/// one if it has late tickets, else the last closed). Closed, it is reported as stored.
pub fn complement_report(
    conn: &Connection,
    number: u32,
    complement: Option<u32>,
) -> Result<SettlementReport> {
    let (phase, _) = phase_header(conn, number)?;
    let c = match complement {
        None => super::late::current_complement(conn, number)?,
        Some(n) => numbered_complement(conn, number, n)?,
    };
    let mut phase = phase.with_complement(c.number);
    phase.closed_at = c.closed_at.clone();
    phase.closed_by = c.closed_by.clone();
    let rows = c.rows.into_iter().map(|f| row(number, f)).collect();
    let scope = settlement::Scope::Complement(c.number);
    let daily = settlement::scope_days(conn, number, scope)?
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
    Ok(SettlementReport {
        market: market_header(conn)?,
        phase,
        rows,
        daily,
        tickets: settlement::scope_tickets(conn, number, scope)?,
        chain_head: journal::witness(conn)?,
        generated_at: Clock::market()?.now()?.display_iso(),
    })
}

/// Complement `n` of a phase, closed (as stored) or the open one; an unknown number names those that exist.
fn numbered_complement(conn: &Connection, phase: u32, n: u32) -> Result<super::late::Complement> {
    let mut existing: Vec<u32> = conn
        .prepare_cached("SELECT DISTINCT complement FROM late_tickets WHERE phase = ?1")?
        .query_map([phase], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    existing.sort_unstable();
    if !existing.contains(&n) {
        if existing.is_empty() {
            bail!("phase {phase} : aucune vente tardive, pas de complément à régler");
        }
        let list: Vec<String> = existing.iter().map(u32::to_string).collect();
        bail!(
            "phase {phase} : pas de complément {n} (compléments : {})",
            list.join(", ")
        );
    }
    let closed: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT closed_at, closed_by, settlement_json FROM complements WHERE phase = ?1 AND number = ?2",
        )?
        .query_row([phase, n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match closed {
        Some((at, by, json)) => super::late::Complement {
            number: n,
            rows: serde_json::from_str(&json)?,
            closed_at: Some(at),
            closed_by: Some(by),
        },
        None => super::late::Complement {
            number: n,
            rows: settlement::compute_scope(conn, phase, settlement::Scope::Complement(n))?,
            closed_at: None,
            closed_by: None,
        },
    })
}

/// A till the market knows (imported, or one whose tickets were merged); otherwise an error naming the known ones.
fn known_till(conn: &Connection, till: &str) -> Result<()> {
    let mut known: Vec<String> = catalogue::tills(conn)?.into_iter().map(|t| t.id).collect();
    let sold: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM tickets WHERE till = ?1)")?
        .query_row([till], |r| r.get(0))?;
    if sold || known.iter().any(|t| t == till) {
        return Ok(());
    }
    known.sort();
    let list = if known.is_empty() {
        "aucune caisse importée".to_string()
    } else {
        format!("caisses : {}", known.join(", "))
    };
    bail!("caisse inconnue : {till} ({list})")
}

pub fn day_report(conn: &Connection, date: &str, till: Option<&str>) -> Result<DayReport> {
    if let Some(t) = till {
        known_till(conn, t)?;
    }
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

/// The region's figures of a phase: every ticket of the phase, late ones (settled in its compléments) included,
/// so that the closed settlement and its compléments add up to them; `late` says how much came late.
pub fn phase_totals(conn: &Connection, number: u32) -> Result<PhaseTotals> {
    let (phase, frozen) = phase_header(conn, number)?;
    let (chain_head, generated_at) = stamp(conn, &phase, frozen)?;
    let exhibitors: HashMap<String, crate::domain::Exhibitor> = catalogue::exhibitors(conn)?
        .into_iter()
        .map(|e| (e.code.clone(), e))
        .collect();
    let sums = settlement::scope_sums(conn, number, Scope::Whole)?;
    let codes: Vec<String> = settlement::phase_exhibitors(conn, number)?;
    let net_of = |code: &str| -> Decimal {
        sums.get(code).map_or(Decimal::ZERO, |s| {
            crate::domain::settlement::settle(&crate::domain::Exhibitor::bare(code), s).net
        })
    };
    let nets: BTreeMap<&str, Decimal> = codes.iter().map(|c| (c.as_str(), net_of(c))).collect();
    let net: Decimal = nets.values().copied().sum();
    let mut by_method = MethodTotals::default();
    for s in sums.values() {
        let f = crate::domain::settlement::settle(&crate::domain::Exhibitor::bare(""), s);
        by_method.cash += f.cash;
        by_method.card += f.card;
        by_method.mobile += f.mobile;
        by_method.other += f.other;
    }
    let (groups, tickets) = breakdowns(conn, number, &exhibitors, &nets)?;
    let [by_kind, by_province, by_sector, women_led] = groups;
    Ok(PhaseTotals {
        market: market_header(conn)?,
        phase,
        exhibitors: codes.len() as u64,
        tickets,
        net,
        late: late_share(conn, number)?,
        average_basket: if tickets > 0 {
            round_money(net / Decimal::from(tickets))
        } else {
            Decimal::ZERO
        },
        by_method,
        by_kind,
        by_province,
        by_sector,
        women_led,
        top_products: top_products(conn, number, 10)?,
        chain_head,
        generated_at,
    })
}

/// The four breakdowns (kind, province, sector, women-led) of a phase's exhibitors and their nets, each group
/// counting a ticket once however many of its exhibitors the ticket has; and the phase's distinct tickets.
fn breakdowns(
    conn: &Connection,
    number: u32,
    exhibitors: &HashMap<String, crate::domain::Exhibitor>,
    nets: &BTreeMap<&str, Decimal>,
) -> Result<([Vec<GroupRow>; 4], u64)> {
    let labels_of = |code: &str| -> [String; 4] {
        let e = exhibitors.get(code);
        let l = [
            e.map(|e| e.kind.clone()),
            e.and_then(|e| e.province.clone()),
            e.and_then(|e| e.sector.clone()),
            e.and_then(|e| e.women_led)
                .map(|w| if w { "oui" } else { "non" }.to_string()),
        ];
        l.map(|l| {
            l.filter(|l| !l.is_empty())
                .unwrap_or_else(|| "non renseigné".into())
        })
    };
    // Each exhibitor's row in each breakdown, so that a ticket is counted by index, without a label per row.
    let mut groups: [BTreeMap<String, GroupRow>; 4] = Default::default();
    for (code, n) in nets {
        for (g, label) in groups.iter_mut().zip(labels_of(code)) {
            let row = g.entry(label.clone()).or_insert_with(|| GroupRow {
                label,
                ..Default::default()
            });
            row.exhibitors += 1;
            row.net += *n;
        }
    }
    let position = |g: &BTreeMap<String, GroupRow>, label: &str| g.keys().position(|k| k == label);
    let slots: HashMap<String, [Option<usize>; 4]> = nets
        .keys()
        .map(|code| {
            let labels = labels_of(code);
            let slot = std::array::from_fn(|k| position(&groups[k], &labels[k]));
            (code.to_string(), slot)
        })
        .collect();
    let mut counts: [Vec<u64>; 4] = std::array::from_fn(|k| vec![0; groups[k].len()]);
    let mut tickets = 0u64;
    let mut seen: Vec<usize> = Vec::new();
    settlement::each_ticket_exhibitors(conn, number, Scope::Whole, |codes| {
        tickets += 1;
        for (k, count) in counts.iter_mut().enumerate() {
            seen.clear();
            seen.extend(codes.iter().filter_map(|c| slots.get(c).and_then(|s| s[k])));
            seen.sort_unstable();
            seen.dedup();
            for &i in &seen {
                count[i] += 1;
            }
        }
    })?;
    let rows = std::array::from_fn(|k| {
        let g = std::mem::take(&mut groups[k]);
        g.into_values()
            .zip(&counts[k])
            .map(|(row, &n)| GroupRow { tickets: n, ..row })
            .collect()
    });
    Ok((rows, tickets))
}

/// The late sale tickets of a phase (every complément) and the net of its late tickets.
fn late_share(conn: &Connection, number: u32) -> Result<LateShare> {
    let (tickets, net): (i64, i64) = conn
        .prepare_cached(
            "SELECT COUNT(DISTINCT CASE WHEN s.is_refund = 0 THEN s.ticket_id END), COALESCE(SUM(s.net), 0)
             FROM late_tickets l JOIN shares s ON s.ticket_id = l.ticket_id WHERE l.phase = ?1",
        )?
        .query_row([number], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(LateShare {
        tickets: tickets as u64,
        net: from_centimes(net),
    })
}

fn top_products(conn: &Connection, phase: u32, limit: u32) -> Result<Vec<ProductRow>> {
    let mut stmt = conn.prepare(
        "SELECT l.product_code, MAX(l.name_fr), MAX(l.name_ar), MAX(l.exhibitor_code), MAX(l.unit),
         SUM(CASE WHEN t.kind = 'sale' THEN l.quantity ELSE -l.quantity END),
         SUM(CASE WHEN t.kind = 'sale' THEN l.total ELSE -l.total END) AS net
         FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id
         WHERE t.phase = ?1 AND l.product_code IS NOT NULL
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
