//! Before a phase closes: every till that sold in it (or was provisioned before its end) has delivered a bundle exported
//! after the phase's last day, and that day is over. Otherwise its sales would arrive late.
use super::identity;
use super::tickets::ticket_id;
use crate::domain::Phase;
use anyhow::{Result, anyhow};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TillCover {
    pub till: String,
    /// Tickets of the phase recorded here from this till.
    pub tickets: u64,
    pub last_ticket: Option<String>,
    /// When the newest bundle merged from this till was exported (UTC).
    pub last_bundle_at: Option<String>,
    /// A bundle exported after the phase's last day was merged.
    pub covered: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preflight {
    pub phase: Phase,
    pub day_over: bool,
    pub tills: Vec<TillCover>,
}

impl Preflight {
    pub fn missing(&self) -> Vec<&TillCover> {
        self.tills.iter().filter(|t| !t.covered).collect()
    }
    pub fn ok(&self) -> bool {
        self.day_over && self.missing().is_empty()
    }
}

/// The first instant after the phase's last day (market time), as stored UTC text.
fn end_instant(phase: &Phase) -> Result<String> {
    let next = phase
        .ends
        .checked_add(jiff::Span::new().days(1))
        .map_err(|e| anyhow!("fin de phase : {e}"))?;
    let at = super::Clock::market()?.at_local(next.at(0, 0, 0, 0))?;
    Ok(at.at_utc)
}

pub fn preflight(conn: &Connection, number: u32, today: jiff::civil::Date) -> Result<Preflight> {
    let phase =
        super::catalogue::phase(conn, number)?.ok_or_else(|| anyhow!("phase {number} inconnue"))?;
    let own = identity::own_chain(conn)?;
    let end = end_instant(&phase)?;
    // A till provisioned after the phase ended cannot have sold in it.
    let mut tills: BTreeSet<String> = identity::provisioned_tills(conn)?
        .into_iter()
        .filter(|p| p.at_utc < end)
        .map(|p| p.till)
        .collect();
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT chain FROM tickets WHERE phase = ?1 AND chain <> ?2")?;
    for c in stmt.query_map(params![number, own], |r| r.get::<_, String>(0))? {
        tills.insert(c?);
    }
    tills.remove(&own);
    let tills = tills
        .into_iter()
        .map(|t| cover(conn, number, &end, t))
        .collect::<Result<_>>()?;
    Ok(Preflight {
        day_over: today > phase.ends,
        phase,
        tills,
    })
}

fn cover(conn: &Connection, phase: u32, end: &str, till: String) -> Result<TillCover> {
    let (tickets, last): (i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT COUNT(*), MAX(number) FROM tickets WHERE chain = ?1 AND phase = ?2",
        )?
        .query_row(params![till, phase], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let last_bundle_at: Option<String> = conn
        .prepare_cached("SELECT MAX(exported_at) FROM merges WHERE chain = ?1")?
        .query_row([&till], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(TillCover {
        tickets: tickets as u64,
        last_ticket: last.map(|n| ticket_id(&till, n as u64)),
        covered: last_bundle_at.as_deref().is_some_and(|at| at >= end),
        last_bundle_at,
        till,
    })
}
