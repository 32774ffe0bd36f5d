//! Late sales: tickets merged after their phase closed. Nothing is dropped: they are flagged here and settled
//! in a complement of their phase (same formula and columns, stall fee 0); the closed settlement never changes.
//! Complements are numbered per phase; `phase close N` on a closed phase closes its open complement.
use super::journal::{self, NewEntry};
use super::settlement::{Scope, compute_scope};
use super::{Db, LocalTime};
use crate::domain::JournalKind;
use crate::domain::canonical::{TicketHead, settlement_hash};
use crate::domain::settlement::SettlementFigures;
use anyhow::{Result, anyhow, bail};
use rusqlite::{Connection, OptionalExtension, params};

/// The complement late tickets of `phase` go into now: the one after the last closed.
pub fn open_complement(conn: &Connection, phase: u32) -> Result<u32> {
    let closed: u32 = conn
        .prepare_cached("SELECT COALESCE(MAX(number), 0) FROM complements WHERE phase = ?1")?
        .query_row([phase], |r| r.get(0))?;
    Ok(closed + 1)
}

/// Flags a ticket just merged into a closed phase (inside the merge's transaction).
pub fn flag_late(conn: &Connection, head: &TicketHead, at: &LocalTime) -> Result<()> {
    let complement = open_complement(conn, head.phase)?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO late_tickets (ticket_id, phase, complement, merged_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![head.id, head.phase, complement, at.at_utc])?;
    Ok(())
}

/// What the organiser's journal says of a ticket it entered late (a paper sale dated in a closed phase).
pub fn late_detail(phase: u32, complement: u32) -> String {
    format!("vente tardive : complément {complement} de la phase {phase}")
}

/// Paper sales entered after their phase closed: each is flagged late in the phase's open complement, and
/// its own journal entry, right after the ticket's, says so (`verify` tells it from a sale sneaked in).
pub struct LateIntake {
    merged_at: String,
    complements: std::collections::HashMap<u32, u32>,
    /// Late tickets written, per (phase, complement).
    pub counts: std::collections::BTreeMap<(u32, u32), usize>,
}

impl LateIntake {
    pub fn new(now: &LocalTime) -> LateIntake {
        LateIntake {
            merged_at: now.at_utc.clone(),
            complements: Default::default(),
            counts: Default::default(),
        }
    }

    /// Journals and flags `head`, just written in a closed phase (inside the caller's transaction).
    pub fn record(
        &mut self,
        conn: &Connection,
        journal: &mut journal::Appender,
        chain: &str,
        ctx: &super::tickets::SaleContext,
        head: &TicketHead,
    ) -> Result<()> {
        let complement = match self.complements.get(&head.phase) {
            Some(c) => *c,
            None => open_complement(conn, head.phase)?,
        };
        self.complements.insert(head.phase, complement);
        journal.append(
            conn,
            &ctx.at,
            &NewEntry {
                chain,
                kind: JournalKind::LateSale,
                actor: &ctx.cashier,
                approver: "",
                subject: &head.id,
                detail: &late_detail(head.phase, complement),
                amount: 0,
            },
        )?;
        conn.prepare_cached(
            "INSERT INTO late_tickets (ticket_id, phase, complement, merged_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![head.id, head.phase, complement, self.merged_at])?;
        *self.counts.entry((head.phase, complement)).or_default() += 1;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateTicket {
    pub id: String,
    pub till: String,
    pub phase: u32,
    pub complement: u32,
    pub merged_at: String,
}

/// Every late ticket, by phase, complement and id.
pub fn late_tickets(conn: &Connection) -> Result<Vec<LateTicket>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.ticket_id, t.till, l.phase, l.complement, l.merged_at FROM late_tickets l
         JOIN tickets t ON t.id = l.ticket_id ORDER BY l.phase, l.complement, l.ticket_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(LateTicket {
            id: r.get(0)?,
            till: r.get(1)?,
            phase: r.get(2)?,
            complement: r.get(3)?,
            merged_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn late_count(conn: &Connection, phase: u32, complement: u32) -> Result<u64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM late_tickets WHERE phase = ?1 AND complement = ?2")?
        .query_row([phase, complement], |r| r.get::<_, i64>(0))? as u64)
}

/// A complement as a report shows it: its number, its rows, and when it was closed (if it was).
#[derive(Debug, Clone, PartialEq)]
pub struct Complement {
    pub number: u32,
    pub rows: Vec<SettlementFigures>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
}

/// The complement to report: the open one if it has late tickets, else the last closed one.
pub fn current_complement(conn: &Connection, phase: u32) -> Result<Complement> {
    let open = open_complement(conn, phase)?;
    if late_count(conn, phase, open)? > 0 {
        return Ok(Complement {
            number: open,
            rows: compute_scope(conn, phase, Scope::Complement(open))?,
            closed_at: None,
            closed_by: None,
        });
    }
    let closed: Option<(u32, String, String, String)> = conn
        .prepare_cached(
            "SELECT number, closed_at, closed_by, settlement_json FROM complements WHERE phase = ?1
             ORDER BY number DESC LIMIT 1",
        )?
        .query_row([phase], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    match closed {
        Some((number, at, by, json)) => Ok(Complement {
            number,
            rows: serde_json::from_str(&json)?,
            closed_at: Some(at),
            closed_by: Some(by),
        }),
        None => bail!("phase {phase} : aucune vente tardive, pas de complément à régler"),
    }
}

impl Db {
    /// Closes the open complement of a closed phase: its settlement is stored and journalled like a phase's.
    pub fn close_complement(
        &mut self,
        phase: u32,
        by: &str,
        approver: &str,
        at: &LocalTime,
    ) -> Result<(u32, String)> {
        let chain = super::identity::own_chain(self.conn())?;
        let tx = self.write_tx()?;
        let number = open_complement(&tx, phase)?;
        if late_count(&tx, phase, number)? == 0 {
            bail!(
                "la phase {phase} est déjà clôturée, et aucune vente tardive n'attend de complément"
            );
        }
        let rows = compute_scope(&tx, phase, Scope::Complement(number))?;
        let hash = settlement_hash(phase, &rows);
        let subject = format!("phase {phase} complément {number}");
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain: &chain,
                kind: JournalKind::ComplementClose,
                actor: by,
                approver,
                subject: &subject,
                detail: &format!("règlement {hash} ; {} exposants", rows.len()),
                amount: 0,
            },
        )?;
        tx.execute(
            "INSERT INTO complements (phase, number, closed_at, closed_by, settlement_hash, settlement_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![phase, number, at.display_iso(), by, hash, serde_json::to_string(&rows)?],
        )?;
        tx.commit()?;
        Ok((number, hash))
    }
}

/// `Some(phase)` when `phase` is closed here.
pub fn is_closed(conn: &Connection, phase: u32) -> Result<bool> {
    super::catalogue::phase(conn, phase)?
        .map(|p| p.closed)
        .ok_or_else(|| anyhow!("phase {phase} inconnue"))
}
