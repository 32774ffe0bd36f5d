//! What `souk push` reads from this database to send elsewhere: raw phase rows (with what their close froze),
//! the chains held here and ranges of their entries.
use super::journal::{Entry, SELECT_ENTRY, from_row};
use anyhow::Result;
use rusqlite::{Connection, params};

/// A phase as stored, including what its close froze (settlement figures and witness).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseRow {
    pub number: u32,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub settlement_hash: Option<String>,
    pub settlement_json: Option<String>,
    pub closed_witness: Option<String>,
}

pub fn phase_rows(conn: &Connection) -> Result<Vec<PhaseRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, name, starts, ends, closed_at, closed_by, settlement_hash, settlement_json, closed_witness
         FROM phases ORDER BY number",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PhaseRow {
            number: r.get(0)?,
            name: r.get(1)?,
            starts: r.get(2)?,
            ends: r.get(3)?,
            closed_at: r.get(4)?,
            closed_by: r.get(5)?,
            settlement_hash: r.get(6)?,
            settlement_json: r.get(7)?,
            closed_witness: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every chain this database holds entries of, in order.
pub fn chains(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT chain FROM journal ORDER BY chain")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Entries `from..=to` of a chain, in seq order.
pub fn entries(conn: &Connection, chain: &str, from: u64, to: u64) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ENTRY} WHERE chain = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
    ))?;
    let rows = stmt.query_map(params![chain, from as i64, to as i64], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The hash of one entry, if this database holds it.
pub fn entry_hash(conn: &Connection, chain: &str, seq: u64) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?
        .query_row(params![chain, seq as i64], |r| r.get(0))
        .optional()?)
}

/// A closed complement as stored: the settlement of a phase's late tickets frozen at its close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplementRow {
    pub phase: u32,
    pub number: u32,
    pub closed_at: String,
    pub closed_by: String,
    pub settlement_hash: String,
    pub settlement_json: String,
}

pub fn complement_rows(conn: &Connection) -> Result<Vec<ComplementRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT phase, number, closed_at, closed_by, settlement_hash, settlement_json
         FROM complements ORDER BY phase, number",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ComplementRow {
            phase: r.get(0)?,
            number: r.get(1)?,
            closed_at: r.get(2)?,
            closed_by: r.get(3)?,
            settlement_hash: r.get(4)?,
            settlement_json: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
