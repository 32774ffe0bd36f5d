//! Writing a checked plan inside the caller's transaction: entries as they were hashed, ticket rows rebuilt
//! from their canonical text, shares recomputed with this database's till collectors.
use super::check::{Bundle, BundleTicket, recomputed_shares};
use super::plan::BundlePlan;
use crate::domain::money::{to_centimes, to_milli};
use crate::storage::journal::{self, Entry, NewEntry};
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
                if (t.head.kind == "refund") == refunds {
                    insert_ticket(conn, t, &collectors)?;
                }
            }
        }
    }
    let mut seqs = Vec::new();
    for (b, p) in bundles.iter().zip(plans) {
        for &i in &p.witness {
            insert_witness(conn, &b.org[i], &b.sha)?;
        }
        seqs.push(record_merge(conn, b, p, at)?);
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
    conn.prepare_cached(
        "INSERT INTO tickets (id, till, number, kind, refund_of, at_utc, utc_offset, local_date, phase, cashier,
         shift, manual, ticket_ref, total, rounding, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        h.id, h.till, h.number as i64, h.kind, h.refund_of, h.at_utc, h.utc_offset, t.local_date, h.phase,
        h.cashier, h.shift, h.manual, h.ticket_ref, to_centimes(h.total)?, to_centimes(h.rounding)?,
        t.journal_seq as i64
    ])
    .with_context(|| format!("fusion du ticket {}", h.id))?;
    insert_lines(conn, t)?;
    insert_payments(conn, t)?;
    let collector = collectors
        .get(&h.till)
        .ok_or_else(|| anyhow!("caisse inconnue : {}", h.till))?;
    insert_shares(conn, t, collector)
}

fn insert_lines(conn: &Connection, t: &BundleTicket) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO ticket_lines (ticket_id, line_no, product_code, exhibitor_code, name_fr, name_ar, unit,
         quantity, unit_price, discount, vat_rate, total, refund_of_line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for l in &t.lines {
        stmt.execute(params![
            t.head.id,
            l.line_no,
            l.product_code,
            l.exhibitor_code,
            l.name_fr,
            l.name_ar,
            l.unit.as_str(),
            to_milli(l.quantity)?,
            to_centimes(l.unit_price)?,
            to_centimes(l.discount)?,
            l.vat_rate.normalize().to_string(),
            to_centimes(l.total)?,
            l.refund_of_line
        ])?;
    }
    Ok(())
}

fn insert_payments(conn: &Connection, t: &BundleTicket) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO payments (ticket_id, pos, method, amount, tendered, change, reference)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, p) in t.payments.iter().enumerate() {
        stmt.execute(params![
            t.head.id,
            i as i64 + 1,
            p.method.as_str(),
            to_centimes(p.amount)?,
            p.tendered.map(to_centimes).transpose()?,
            to_centimes(p.change)?,
            p.reference
        ])?;
    }
    Ok(())
}

fn insert_shares(conn: &Connection, t: &BundleTicket, collector: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO shares (ticket_id, exhibitor_code, phase, local_date, till, collector, is_refund, net,
         cash, card, mobile, other) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let is_refund = t.head.kind == "refund";
    for (code, net, cash, card, mobile, other) in
        recomputed_shares(&t.lines, &t.payments, if is_refund { -1 } else { 1 })
    {
        stmt.execute(params![
            t.head.id,
            code,
            t.head.phase,
            t.local_date,
            t.head.till,
            collector,
            is_refund,
            net,
            cash,
            card,
            mobile,
            other
        ])?;
    }
    Ok(())
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
    b: &Bundle,
    p: &BundlePlan,
    at: &LocalTime,
) -> Result<Option<u64>> {
    if !p.brings_anything() {
        return Ok(None);
    }
    let file = b.file.display().to_string();
    let mut parts = Vec::new();
    for (chain, from, to) in &p.ranges {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO merges (bundle_sha, chain, from_seq, to_seq, merged_at, file)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            b.sha,
            chain,
            *from as i64,
            *to as i64,
            at.at_utc,
            file
        ])?;
        parts.push(format!("{chain} {from}-{to}"));
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
            chain: ORG_CHAIN,
            kind: "merge",
            subject: &b.sha,
            detail: &detail,
            ..Default::default()
        },
    )?;
    Ok(Some(entry.seq))
}
