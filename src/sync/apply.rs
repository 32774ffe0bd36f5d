//! Writing what a checked bundle brings, inside the caller's transaction: entries as they were hashed, ticket
//! rows rebuilt from their canonical text, shares recomputed with this database's till collectors, and the
//! bookkeeping of each merge.
use super::check::BundleTicket;
use super::stream::Outcome;
use crate::domain::JournalKind;
use crate::storage::journal::{self, Entry, NewEntry};
use crate::storage::merge_rows::{self, Rejected, TicketRows};
use crate::storage::{LocalTime, ORG_CHAIN};
use anyhow::Result;
use rusqlite::{Connection, params};

/// A checked ticket's rows, its shares computed with this database's collector for its till.
pub fn ticket_rows(t: BundleTicket, collector: &str) -> TicketRows {
    TicketRows {
        shares: t.shares,
        head: t.head,
        local_date: t.local_date,
        journal_seq: t.journal_seq,
        lines: t.lines,
        payments: t.payments,
        collector: collector.to_string(),
    }
}

pub fn insert_entries(conn: &Connection, entries: &[Entry]) -> Result<()> {
    merge_rows::insert_entries(conn, entries)
}

/// The tickets' rows; a ticket refused by `tickets`' keys is named by its index.
pub fn insert_tickets(conn: &Connection, tickets: &[TicketRows]) -> Result<(), Rejected> {
    merge_rows::insert_tickets(conn, tickets).map_err(|mut r| {
        if let Some(t) = tickets.get(r.index) {
            r.error = r.error.context(format!("fusion du ticket {}", t.head.id));
        }
        r
    })
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
