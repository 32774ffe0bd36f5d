//! A market's phase and its complements settled from what the server holds, as the organiser's database
//! reports them: a closed phase or complement answers with the figures frozen at its close; an open one is
//! computed from the shares with the same Rust code (`domain::settlement::settle`), a complement with no stall fee.
use crate::domain::money::from_centimes;
use crate::domain::settlement::{SettlementFigures, ShareSums, settle};
use crate::domain::{ByMethod, Collector, Exhibitor};
use crate::report::model::{MarketHeader, PhaseHeader, SettlementReport, SettlementRow};
use anyhow::{Result, anyhow, bail};
use postgres::Client;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// A phase's own settlement (tickets merged in time) and each of its complements (late tickets), each with its
/// count of sale tickets.
pub struct PhaseReports {
    pub phase: SettlementReport,
    pub tickets: u64,
    /// (complement number, settlement, sale tickets), in number order.
    pub complements: Vec<(u32, SettlementReport, u64)>,
}

/// Sums of shares per scope (0 = the phase's own tickets, n = complement n), then per exhibitor.
type ScopeSums = BTreeMap<u32, BTreeMap<String, ShareSums>>;

pub fn phase_reports(
    client: &mut Client,
    market: &str,
    phase: u32,
    exhibitors: &BTreeMap<String, Exhibitor>,
) -> Result<PhaseReports> {
    let m = client
        .query_opt(
            "SELECT name, organiser, city FROM markets WHERE uuid = $1",
            &[&market],
        )?
        .ok_or_else(|| anyhow!("marché {market} absent du serveur"))?;
    let header = MarketHeader {
        name: m.get(0),
        organiser: m.get(1),
        city: m.get(2),
    };
    let n = phase as i32;
    let p = client
        .query_opt(
            "SELECT number, name, starts, ends, closed_at, closed_by, settlement_json, closed_witness
             FROM phases WHERE market = $1 AND number = $2",
            &[&market, &n],
        )?
        .ok_or_else(|| anyhow!("phase {phase} inconnue pour le marché {market}"))?;
    let ph = PhaseHeader {
        number: phase,
        name: p.get(1),
        starts: p.get(2),
        ends: p.get(3),
        closed_at: p.get(4),
        closed_by: p.get(5),
        complement: None,
    };
    let frozen = p.get::<_, Option<String>>(6).filter(|_| ph.is_closed());
    let witness: Option<String> = p.get(7);
    let closed: BTreeMap<u32, (String, String, String)> = client
        .query(
            "SELECT number, closed_at, closed_by, settlement_json FROM complements
             WHERE market = $1 AND phase = $2",
            &[&market, &n],
        )?
        .into_iter()
        .map(|r| (r.get::<_, i32>(0) as u32, (r.get(1), r.get(2), r.get(3))))
        .collect();
    let mut numbers: BTreeSet<u32> = client
        .query(
            "SELECT DISTINCT complement FROM late_tickets WHERE market = $1 AND phase = $2",
            &[&market, &n],
        )?
        .into_iter()
        .map(|r| r.get::<_, i32>(0) as u32)
        .collect();
    numbers.extend(closed.keys());
    let tickets: BTreeMap<u32, u64> = client
        .query(
            "SELECT COALESCE(l.complement, 0), COUNT(*) FROM tickets t
             LEFT JOIN late_tickets l ON l.market = t.market AND l.ticket_id = t.id
             WHERE t.market = $1 AND t.phase = $2 AND t.kind = 'sale' GROUP BY 1",
            &[&market, &n],
        )?
        .into_iter()
        .map(|r| (r.get::<_, i32>(0) as u32, r.get::<_, i64>(1) as u64))
        .collect();
    let open_complement = numbers.iter().any(|c| !closed.contains_key(c));
    let sums = if frozen.is_none() || open_complement {
        scope_sums(client, market, phase)?
    } else {
        ScopeSums::new()
    };
    let mut codes: BTreeSet<String> = exhibitors
        .values()
        .filter(|e| e.phases.contains(&phase))
        .map(|e| e.code.clone())
        .collect();
    codes.extend(sums.values().flat_map(|s| s.keys().cloned()));
    // A complement charges the rates of its phase's close (stored in the frozen settlement), as the market does.
    let rates: BTreeMap<String, Decimal> = match &frozen {
        Some(json) => serde_json::from_str::<Vec<SettlementFigures>>(json)?
            .into_iter()
            .map(|r| (r.exhibitor_code, r.commission_rate))
            .collect(),
        None => BTreeMap::new(),
    };
    let computed = |scope: u32| {
        let rates = if scope == 0 { None } else { Some(&rates) };
        rows(&codes, exhibitors, sums.get(&scope), rates)
    };
    let report =
        |ph: PhaseHeader, figures: Vec<SettlementFigures>, head: (String, String), count: u64| {
            SettlementReport {
                market: header.clone(),
                phase: ph,
                rows: figures
                    .into_iter()
                    .map(|figures| SettlementRow { phase, figures })
                    .collect(),
                daily: Vec::new(),
                tickets: count,
                chain_head: head.0,
                generated_at: head.1,
            }
        };
    let head = match (&ph.closed_at, witness) {
        (Some(at), Some(w)) => (w, at.clone()),
        _ => (String::new(), String::new()),
    };
    let own = match &frozen {
        Some(json) => serde_json::from_str(json)?,
        None => computed(0),
    };
    let mut complements = Vec::new();
    for c in numbers {
        let mut h = ph.clone().with_complement(c);
        let figures = match closed.get(&c) {
            Some((at, by, json)) => {
                h.closed_at = Some(at.clone());
                h.closed_by = Some(by.clone());
                serde_json::from_str(json)?
            }
            None => {
                h.closed_at = None;
                h.closed_by = None;
                computed(c)
            }
        };
        let at = h.closed_at.clone().unwrap_or_default();
        let count = tickets.get(&c).copied().unwrap_or(0);
        complements.push((c, report(h, figures, (String::new(), at), count), count));
    }
    Ok(PhaseReports {
        phase: report(ph, own, head, tickets.get(&0).copied().unwrap_or(0)),
        tickets: tickets.get(&0).copied().unwrap_or(0),
        complements,
    })
}

/// One row per exhibitor of the phase, ordered by code; a complement (`closed_rates`: the rates of its phase's
/// close) carries no stall fee.
fn rows(
    codes: &BTreeSet<String>,
    exhibitors: &BTreeMap<String, Exhibitor>,
    sums: Option<&BTreeMap<String, ShareSums>>,
    closed_rates: Option<&BTreeMap<String, Decimal>>,
) -> Vec<SettlementFigures> {
    codes
        .iter()
        .map(|code| {
            let mut ex = exhibitors
                .get(code)
                .cloned()
                .unwrap_or_else(|| Exhibitor::bare(code));
            if let Some(rates) = closed_rates {
                ex.stall_fee = Decimal::ZERO;
                if let Some(rate) = rates.get(code) {
                    ex.commission_rate = *rate;
                }
            }
            let s = sums.and_then(|s| s.get(code)).cloned().unwrap_or_default();
            settle(&ex, &s)
        })
        .collect()
}

/// The phase's shares summed in one pass, split between its own tickets and each complement's.
fn scope_sums(client: &mut Client, market: &str, phase: u32) -> Result<ScopeSums> {
    let rows = client.query(
        "SELECT COALESCE(l.complement, 0), s.exhibitor_code, s.is_refund, s.collector, COUNT(*), SUM(s.net)::int8,
           SUM(s.cash)::int8, SUM(s.card)::int8, SUM(s.mobile)::int8, SUM(s.other)::int8
         FROM shares s LEFT JOIN late_tickets l ON l.market = s.market AND l.ticket_id = s.ticket_id
         WHERE s.market = $1 AND s.phase = $2
         GROUP BY 1, 2, 3, 4",
        &[&market, &(phase as i32)],
    )?;
    let mut out = ScopeSums::new();
    for r in rows {
        let is_refund: bool = r.get(2);
        let collector: Collector = r.get::<_, String>(3).parse().map_err(anyhow::Error::msg)?;
        let s = out
            .entry(r.get::<_, i32>(0) as u32)
            .or_default()
            .entry(r.get(1))
            .or_default();
        let before = s.tickets;
        s.add(
            is_refund,
            collector,
            r.get(5),
            ByMethod {
                cash: r.get(6),
                card: r.get(7),
                mobile: r.get(8),
                other: r.get(9),
            },
        );
        // `add` counts one ticket per call; a grouped row stands for COUNT(*) tickets.
        if !is_refund {
            s.tickets = before + r.get::<_, i64>(4) as u64;
        }
    }
    Ok(out)
}

pub fn exhibitors(client: &mut Client, market: &str) -> Result<BTreeMap<String, Exhibitor>> {
    let phases = client.query(
        "SELECT exhibitor_code, phase FROM exhibitor_phases WHERE market = $1 ORDER BY 1, 2",
        &[&market],
    )?;
    let mut member: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for r in phases {
        member
            .entry(r.get(0))
            .or_default()
            .push(r.get::<_, i32>(1) as u32);
    }
    let rows = client.query(
        "SELECT code, name, kind, ice, commission_rate, stall_fee, province, sector, women_led
         FROM exhibitors WHERE market = $1",
        &[&market],
    )?;
    rows.into_iter()
        .map(|r| {
            let code: String = r.get(0);
            let rate: String = r.get(4);
            let e = Exhibitor {
                name: r.get(1),
                kind: r.get(2),
                ice: r.get(3),
                phone: None,
                commission_rate: rate.parse().map_err(|_| {
                    anyhow!("exposant {code} : taux de commission illisible « {rate} »")
                })?,
                stall_fee: from_centimes(r.get(5)),
                phases: member.remove(&code).unwrap_or_default(),
                province: r.get(6),
                sector: r.get(7),
                women_led: r.get(8),
                code: code.clone(),
            };
            Ok((code, e))
        })
        .collect()
}

/// A market's phase settlement as its organiser's database reports it (the same rows, header and, once
/// closed, the figures and witness frozen at the close).
pub fn phase_settlement(client: &mut Client, market: &str, phase: u32) -> Result<SettlementReport> {
    let ex = exhibitors(client, market)?;
    Ok(phase_reports(client, market, phase, &ex)?.phase)
}

/// The complement the organiser's `report settlement --phase N --complement` shows: the open one if it has
/// late tickets, else the last closed one.
pub fn complement_settlement(
    client: &mut Client,
    market: &str,
    phase: u32,
) -> Result<SettlementReport> {
    let ex = exhibitors(client, market)?;
    let mut all = phase_reports(client, market, phase, &ex)?.complements;
    let open = all.iter().rposition(|c| !c.1.phase.is_closed());
    match open.or(all.len().checked_sub(1)) {
        Some(i) => Ok(all.swap_remove(i).1),
        None => bail!("phase {phase} : aucune vente tardive, pas de complément à régler"),
    }
}
