//! Per-till consolidation status, as plain data for `souk verify` and the organiser's screen.
use crate::storage::verify::{self, Verdict};
use crate::storage::{Db, ORG_CHAIN, journal};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TillMergeStatus {
    pub till: String,
    /// From the tills table; `None` for a chain whose till is not configured here.
    pub name: Option<String>,
    pub collector: Option<String>,
    pub tickets: u64,
    /// Last ticket recorded here (merged or sold here), e.g. `T01-000042`.
    pub last_ticket: Option<String>,
    /// Missing ticket numbers, inclusive ranges.
    pub gaps: Vec<(u64, u64)>,
    /// Journal head of the till's chain here: seq 0 when nothing was recorded.
    pub head_seq: u64,
    pub head_hash: Option<String>,
    pub last_merge_at: Option<String>,
    /// Checksum of the last bundle that brought entries of this till.
    pub last_merge_bundle: Option<String>,
    pub last_merge_file: Option<String>,
    pub last_export_at: Option<String>,
    pub last_exported_seq: Option<u64>,
    /// Tickets of this chain merged after their phase closed (settled in a complement).
    pub late_tickets: u64,
}

/// Runs `verify` (which rechecks everything) and reports per till.
pub fn till_status(db: &Db) -> Result<Vec<TillMergeStatus>> {
    let verdict = verify::verify(db.conn())?;
    till_status_with(db.conn(), &verdict)
}

/// The same without rechecking hashes (numbering only): for the organiser's screen, which opens at once.
pub fn till_status_quick(conn: &Connection) -> Result<Vec<TillMergeStatus>> {
    till_status_with(conn, &verify::numbering(conn)?)
}

/// The same from a verdict the caller already has (`souk verify` prints both).
pub fn till_status_with(conn: &Connection, verdict: &Verdict) -> Result<Vec<TillMergeStatus>> {
    let mut ids: BTreeSet<String> = verdict.tills.iter().map(|t| t.till.clone()).collect();
    let mut stmt = conn.prepare("SELECT id FROM tills UNION SELECT DISTINCT chain FROM journal")?;
    for id in stmt.query_map([], |r| r.get::<_, String>(0))? {
        ids.insert(id?);
    }
    ids.remove(ORG_CHAIN);
    ids.into_iter().map(|id| one(conn, verdict, id)).collect()
}

fn one(conn: &Connection, verdict: &Verdict, till: String) -> Result<TillMergeStatus> {
    let mut s = TillMergeStatus::default();
    if let Some(v) = verdict.tills.iter().find(|t| t.till == till) {
        s.tickets = v.tickets;
        s.last_ticket = v.last_ticket.clone();
        s.gaps = v.gaps.clone();
    }
    (s.name, s.collector) = conn
        .query_row(
            "SELECT name, collector FROM tills WHERE id = ?1",
            [&till],
            |r| Ok((Some(r.get::<_, String>(0)?), Some(r.get::<_, String>(1)?))),
        )
        .optional()?
        .unwrap_or_default();
    if let Some((seq, hash, _)) = journal::head(conn, &till)? {
        (s.head_seq, s.head_hash) = (seq, Some(hash));
    }
    (s.last_merge_at, s.last_merge_bundle, s.last_merge_file) = conn
        .query_row(
            "SELECT merged_at, bundle_sha, file FROM merges WHERE chain = ?1 ORDER BY to_seq DESC LIMIT 1",
            [&till],
            |r| {
                Ok((
                    Some(r.get::<_, String>(0)?),
                    Some(r.get::<_, String>(1)?),
                    Some(r.get::<_, String>(2)?),
                ))
            },
        )
        .optional()?
        .unwrap_or_default();
    (s.last_export_at, s.last_exported_seq) = conn
        .query_row(
            "SELECT exported_at, to_seq FROM exports WHERE chain = ?1 ORDER BY to_seq DESC, id DESC LIMIT 1",
            [&till],
            |r| Ok((Some(r.get::<_, String>(0)?), r.get::<_, Option<i64>>(1)?.map(|v| v as u64))),
        )
        .optional()?
        .unwrap_or_default();
    s.late_tickets = conn.query_row(
        "SELECT COUNT(*) FROM late_tickets l JOIN tickets t ON t.id = l.ticket_id WHERE t.chain = ?1",
        [&till],
        |r| r.get::<_, i64>(0),
    )? as u64;
    s.till = till;
    Ok(s)
}
