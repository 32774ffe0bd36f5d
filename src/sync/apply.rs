//! Writing a checked plan inside the caller's transaction: entries as they were hashed, ticket rows rebuilt
//! from their canonical text, shares recomputed with this database's till collectors.
use super::check::{Bundle, BundleTicket};
use super::plan::BundlePlan;
use crate::domain::JournalKind;
use crate::storage::journal::{self, Entry, NewEntry};
use crate::storage::tickets;
use crate::storage::{LocalTime, ORG_CHAIN};
use anyhow::{Context, Result, anyhow};
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// Inserts what the plans say; returns, per bundle, the seq of its `merge` entry on ORG (if it brought anything).
pub fn apply(
    conn: &Connection,
    bundles: &[Bundle],
    plans: &[BundlePlan],
    at: &LocalTime,
) -> Result<Vec<Option<u64>>> {
    for (b, p) in bundles.iter().zip(plans) {
        for &i in &p.entries {
            journal::insert(conn, &b.entries[i])?;
        }
    }
    let collectors = collectors(conn)?;
    // Sales before refunds: a refund's original must exist when it is inserted (foreign key).
    for refunds in [false, true] {
        for (b, p) in bundles.iter().zip(plans) {
            for t in p.tickets.iter().map(|&i| &b.tickets[i]) {
                if t.head.kind.is_refund() == refunds {
                    insert_ticket(conn, t, &collectors)?;
                }
            }
        }
    }
    for (b, p) in bundles.iter().zip(plans) {
        for &i in &p.late {
            crate::storage::late::flag_late(conn, &b.tickets[i].head, at)?;
        }
    }
    let chain = crate::storage::identity::own_chain(conn)?;
    let mut seqs = Vec::new();
    for (b, p) in bundles.iter().zip(plans) {
        for &i in &p.witness {
            insert_witness(conn, &b.org[i], &b.sha)?;
        }
        seqs.push(record_merge(conn, &chain, b, p, at)?);
    }
    Ok(seqs)
}

fn collectors(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT id, collector FROM tills")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn insert_ticket(
    conn: &Connection,
    t: &BundleTicket,
    collectors: &HashMap<String, String>,
) -> Result<()> {
    let h = &t.head;
    let collector = collectors
        .get(&h.till)
        .ok_or_else(|| anyhow!("caisse inconnue : {}", h.till))?;
    tickets::insert_rows(conn, h, &t.local_date, t.journal_seq, &t.lines, &t.payments)
        .with_context(|| format!("fusion du ticket {}", h.id))?;
    tickets::insert_shares(conn, h, &t.local_date, collector, &t.lines, &t.payments)
}

fn insert_witness(conn: &Connection, e: &Entry, bundle_sha: &str) -> Result<()> {
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

/// Bookkeeping rows and one `merge` entry on ORG naming the bundle's checksum and the ranges it brought.
fn record_merge(
    conn: &Connection,
    chain: &str,
    b: &Bundle,
    p: &BundlePlan,
    at: &LocalTime,
) -> Result<Option<u64>> {
    if !p.brings_anything() {
        return Ok(None);
    }
    let file = b.file.display().to_string();
    let mut parts = Vec::new();
    for (range_chain, from, to) in &p.ranges {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO merges (bundle_sha, chain, from_seq, to_seq, merged_at, file, exported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            b.sha,
            range_chain,
            *from as i64,
            *to as i64,
            at.at_utc,
            file,
            b.created_at
        ])?;
        parts.push(format!("{range_chain} {from}-{to}"));
    }
    if !p.witness.is_empty() {
        parts.push(format!("{ORG_CHAIN} témoin {} entrée(s)", p.witness.len()));
    }
    let name = b
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let detail = format!(
        "{} ; {} tickets ; fichier {name}",
        parts.join(", "),
        p.tickets.len()
    );
    let entry = journal::append(
        conn,
        at,
        &NewEntry {
            chain,
            kind: JournalKind::Merge,
            subject: &b.sha,
            detail: &detail,
            actor: "",
            approver: "",
            amount: 0,
        },
    )?;
    Ok(Some(entry.seq))
}
