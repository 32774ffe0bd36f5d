//! Writing what a checked bundle brings, inside the caller's transaction: entries as they were hashed, ticket
//! rows rebuilt from their canonical text, shares recomputed with this database's till collectors, and the
//! bookkeeping of each merge.
use super::check::BundleTicket;
use super::stream::Outcome;
use crate::domain::JournalKind;
use crate::storage::journal::{self, Entry, NewEntry};
use crate::storage::tickets;
use crate::storage::{LocalTime, ORG_CHAIN};
use anyhow::{Context, Result};
use rusqlite::{Connection, params};

pub fn insert_ticket(conn: &Connection, t: &BundleTicket, collector: &str) -> Result<()> {
    let h = &t.head;
    tickets::insert_rows(conn, h, &t.local_date, t.journal_seq, &t.lines, &t.payments)
        .with_context(|| format!("fusion du ticket {}", h.id))?;
    tickets::insert_shares(conn, h, &t.local_date, collector, &t.lines, &t.payments)
}

pub fn insert_witness(conn: &Connection, e: &Entry, bundle_sha: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO org_witness (hash, seq, at_utc, utc_offset, kind, actor, approver, subject, detail,
         amount, grand_total, prev_hash, bundle_sha) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.hash, e.seq as i64, e.at_utc, e.utc_offset, e.kind, e.actor, e.approver, e.subject, e.detail, e.amount,
        e.grand_total, e.prev_hash, bundle_sha
    ])?;
    Ok(())
}

/// Bookkeeping rows and one `merge` entry on our chain naming the bundle's checksum and the ranges it brought.
pub fn record_merge(
    conn: &Connection,
    chain: &str,
    o: &Outcome,
    at: &LocalTime,
) -> Result<Option<u64>> {
    if !o.brings_anything() {
        return Ok(None);
    }
    let file = o.file.display().to_string();
    let mut parts = Vec::new();
    for (range_chain, from, to) in &o.ranges {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO merges (bundle_sha, chain, from_seq, to_seq, merged_at, file, exported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            o.sha,
            range_chain,
            *from as i64,
            *to as i64,
            at.at_utc,
            file,
            o.created_at
        ])?;
        parts.push(format!("{range_chain} {from}-{to}"));
    }
    if o.witness > 0 {
        parts.push(format!("{ORG_CHAIN} témoin {} entrée(s)", o.witness));
    }
    let name = o
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let detail = format!(
        "{} ; {} tickets ; fichier {name}",
        parts.join(", "),
        o.new_tickets
    );
    let entry = journal::append(
        conn,
        at,
        &NewEntry {
            chain,
            kind: JournalKind::Merge,
            subject: &o.sha,
            detail: &detail,
            actor: "",
            approver: "",
            amount: 0,
        },
    )?;
    Ok(Some(entry.seq))
}
