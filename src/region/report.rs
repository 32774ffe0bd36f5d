//! Figures across a region's markets, read back from the server and settled by the same Rust code as the
//! organiser's (`domain::settlement`), so that a phase's settlement is the one its organiser printed.
use super::settle::{exhibitors, phase_reports};
use crate::domain::{ByMethod, Exhibitor};
use crate::report::model::{SettlementReport, SettlementRow};
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
    /// `Some(n)`: complement n of the phase (its late tickets), shown apart and counted in the totals.
    pub complement: Option<u32>,
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
    /// Every phase's own settlement and every complement's.
    pub fn net(&self) -> Decimal {
        self.phases.iter().map(|p| p.net).sum()
    }

    pub fn complements_net(&self) -> Decimal {
        self.phases
            .iter()
            .filter(|p| p.complement.is_some())
            .map(|p| p.net)
            .sum()
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
        let r = phase_reports(client, &market, phase as u32, ex)?;
        let mut reports = vec![(None, &r.phase, r.tickets)];
        reports.extend(r.complements.iter().map(|(n, s, t)| (Some(*n), s, *t)));
        for (complement, s, tickets) in reports {
            out.phases
                .push(phase_line(&market, s, complement, tickets, ex));
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
    complement: Option<u32>,
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
        complement,
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
