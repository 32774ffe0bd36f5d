//! Figures across a region's markets, read back from the server and settled by the same Rust code as the
//! organiser's (`domain::settlement`), so that a phase's settlement is the one its organiser printed.
use crate::domain::Exhibitor;
use crate::domain::money::from_centimes;
use crate::domain::settlement::{SettlementFigures, ShareSums, settle};
use crate::domain::{ByMethod, Collector};
use crate::report::model::{MarketHeader, PhaseHeader, SettlementReport, SettlementRow};
use anyhow::{Result, anyhow};
use postgres::Client;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default)]
pub struct RegionFilter {
    pub year: Option<i32>,
    pub market: Option<String>,
}

/// One market's phase, as the region sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseLine {
    pub market_uuid: String,
    pub market: String,
    pub phase: u32,
    pub phase_name: String,
    pub closed: bool,
    /// Sale tickets (each counted once, whatever its exhibitors).
    pub tickets: u64,
    pub net: Decimal,
    pub by_method: ByMethod<Decimal>,
    pub exhibitors: u64,
    /// Exhibitors of the phase known to be women-led.
    pub women_led: u64,
}

/// A province, a sector or a cooperative across markets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupLine {
    pub key: String,
    pub name: String,
    pub markets: u64,
    pub exhibitors: u64,
    pub net: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionReport {
    pub phases: Vec<PhaseLine>,
    pub provinces: Vec<GroupLine>,
    pub sectors: Vec<GroupLine>,
    /// Matched by ICE, else by code and name within a market.
    pub cooperatives: Vec<GroupLine>,
}

impl RegionReport {
    pub fn net(&self) -> Decimal {
        self.phases.iter().map(|p| p.net).sum()
    }
}

#[derive(Default)]
struct Group {
    name: String,
    markets: BTreeSet<String>,
    exhibitors: BTreeSet<(String, String)>,
    net: Decimal,
}

pub fn region_report(client: &mut Client, filter: &RegionFilter) -> Result<RegionReport> {
    let rows = client.query(
        "SELECT p.market, p.number FROM phases p JOIN markets m ON m.uuid = p.market
         WHERE ($1::text IS NULL OR p.market = $1)
           AND ($2::int4 IS NULL OR substr(p.starts, 1, 4) = $2::text)
         ORDER BY m.name, p.market, p.number",
        &[&filter.market, &filter.year],
    )?;
    if rows.is_empty() && filter.market.is_some() {
        return Err(anyhow!(
            "ce marché n'est pas sur le serveur (ou n'a aucune phase cette année-là)"
        ));
    }
    let mut out = RegionReport::default();
    let mut groups: [BTreeMap<String, Group>; 3] = Default::default();
    let mut exhibitors_of: BTreeMap<String, BTreeMap<String, Exhibitor>> = BTreeMap::new();
    for r in rows {
        let (market, phase): (String, i32) = (r.get(0), r.get(1));
        if !exhibitors_of.contains_key(&market) {
            exhibitors_of.insert(market.clone(), exhibitors(client, &market)?);
        }
        let ex = &exhibitors_of[&market];
        let s = phase_settlement(client, &market, phase as u32)?;
        let tickets: i64 = client
            .query_one(
                "SELECT COUNT(*) FROM tickets t WHERE t.market = $1 AND t.phase = $2 AND t.kind = 'sale'
                 AND NOT EXISTS (SELECT 1 FROM late_tickets l WHERE l.market = t.market AND l.ticket_id = t.id)",
                &[&market, &phase],
            )?
            .get(0);
        out.phases.push(phase_line(&market, &s, tickets as u64, ex));
        for f in s.rows.iter().map(|r| &r.figures) {
            let e = ex.get(&f.exhibitor_code);
            let province = e.and_then(|e| e.province.clone()).unwrap_or_default();
            let sector = e.and_then(|e| e.sector.clone()).unwrap_or_default();
            let coop = match f.ice.as_deref().filter(|i| !i.is_empty()) {
                Some(ice) => format!("ICE {ice}"),
                None => format!("{market}/{}/{}", f.exhibitor_code, f.exhibitor_name),
            };
            for (g, key) in groups.iter_mut().zip([province, sector, coop]) {
                let entry = g.entry(key).or_default();
                entry.name = f.exhibitor_name.clone();
                entry.markets.insert(market.clone());
                entry
                    .exhibitors
                    .insert((market.clone(), f.exhibitor_code.clone()));
                entry.net += f.net;
            }
        }
    }
    let [provinces, sectors, coops] = groups;
    out.provinces = lines(provinces, false);
    out.sectors = lines(sectors, false);
    out.cooperatives = lines(coops, true);
    Ok(out)
}

fn lines(groups: BTreeMap<String, Group>, named: bool) -> Vec<GroupLine> {
    groups
        .into_iter()
        .map(|(key, g)| GroupLine {
            name: if named { g.name } else { String::new() },
            key,
            markets: g.markets.len() as u64,
            exhibitors: g.exhibitors.len() as u64,
            net: g.net,
        })
        .collect()
}

fn phase_line(
    market: &str,
    s: &SettlementReport,
    tickets: u64,
    ex: &BTreeMap<String, Exhibitor>,
) -> PhaseLine {
    let t = SettlementRow::totals(&s.rows);
    let women = s
        .rows
        .iter()
        .filter(|r| ex.get(&r.exhibitor_code).and_then(|e| e.women_led) == Some(true))
        .count();
    PhaseLine {
        market_uuid: market.to_string(),
        market: s.market.name.clone(),
        phase: s.phase.number,
        phase_name: s.phase.name.clone(),
        closed: s.phase.is_closed(),
        tickets,
        net: t.net,
        by_method: ByMethod {
            cash: t.cash,
            card: t.card,
            mobile: t.mobile,
            other: t.other,
        },
        exhibitors: s.rows.len() as u64,
        women_led: women as u64,
    }
}

fn exhibitors(client: &mut Client, market: &str) -> Result<BTreeMap<String, Exhibitor>> {
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
    let m = client
        .query_opt(
            "SELECT name, organiser, city FROM markets WHERE uuid = $1",
            &[&market],
        )?
        .ok_or_else(|| anyhow!("marché {market} absent du serveur"))?;
    let p = client
        .query_opt(
            "SELECT number, name, starts, ends, closed_at, closed_by, settlement_json, closed_witness
             FROM phases WHERE market = $1 AND number = $2",
            &[&market, &(phase as i32)],
        )?
        .ok_or_else(|| anyhow!("phase {phase} inconnue pour le marché {market}"))?;
    let header = PhaseHeader {
        number: p.get::<_, i32>(0) as u32,
        name: p.get(1),
        starts: p.get(2),
        ends: p.get(3),
        closed_at: p.get(4),
        closed_by: p.get(5),
    };
    let frozen: Option<String> = p.get(6);
    let figures = match (&header.closed_at, frozen) {
        (Some(_), Some(json)) => serde_json::from_str(&json)?,
        _ => compute(client, market, phase)?,
    };
    let (chain_head, generated_at) = match (&header.closed_at, p.get::<_, Option<String>>(7)) {
        (Some(at), Some(w)) => (w, at.clone()),
        _ => (String::new(), String::new()),
    };
    Ok(SettlementReport {
        market: MarketHeader {
            name: m.get(0),
            organiser: m.get(1),
            city: m.get(2),
        },
        phase: header,
        rows: figures
            .into_iter()
            .map(|figures| SettlementRow { phase, figures })
            .collect(),
        daily: Vec::new(),
        chain_head,
        generated_at,
    })
}

/// The open phase's settlement from the shares on the server (late tickets left to their complement).
fn compute(client: &mut Client, market: &str, phase: u32) -> Result<Vec<SettlementFigures>> {
    let rows = client.query(
        "SELECT exhibitor_code, is_refund, collector, COUNT(*), SUM(net)::int8, SUM(cash)::int8, SUM(card)::int8,
           SUM(mobile)::int8, SUM(other)::int8
         FROM shares s WHERE market = $1 AND phase = $2
           AND NOT EXISTS (SELECT 1 FROM late_tickets l WHERE l.market = s.market AND l.ticket_id = s.ticket_id)
         GROUP BY exhibitor_code, is_refund, collector",
        &[&market, &(phase as i32)],
    )?;
    let mut sums: BTreeMap<String, ShareSums> = BTreeMap::new();
    for r in rows {
        let is_refund: bool = r.get(1);
        let collector: Collector = r.get::<_, String>(2).parse().map_err(anyhow::Error::msg)?;
        let s = sums.entry(r.get(0)).or_default();
        let before = s.tickets;
        s.add(
            is_refund,
            collector,
            r.get(4),
            ByMethod {
                cash: r.get(5),
                card: r.get(6),
                mobile: r.get(7),
                other: r.get(8),
            },
        );
        // `add` counts one ticket per call; a grouped row stands for COUNT(*) tickets.
        if !is_refund {
            s.tickets = before + r.get::<_, i64>(3) as u64;
        }
    }
    let exhibitors = exhibitors(client, market)?;
    let mut codes: BTreeSet<String> = exhibitors
        .values()
        .filter(|e| e.phases.contains(&phase))
        .map(|e| e.code.clone())
        .collect();
    codes.extend(sums.keys().cloned());
    Ok(codes
        .into_iter()
        .map(|code| {
            let ex = exhibitors.get(&code).cloned().unwrap_or_else(|| Exhibitor {
                code: code.clone(),
                name: code.clone(),
                kind: String::new(),
                ice: None,
                phone: None,
                commission_rate: Decimal::ZERO,
                stall_fee: Decimal::ZERO,
                phases: vec![],
                province: None,
                sector: None,
                women_led: None,
            });
            settle(&ex, &sums.get(&code).cloned().unwrap_or_default())
        })
        .collect())
}
