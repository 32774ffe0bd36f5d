//! Committing tickets: one transaction holds the ticket, its lines, payments, settlement shares, its gapless
//! per-till number and its journal entry.
use super::journal::{self, NewEntry};
use super::{Db, LocalTime, StorageResult};
use crate::domain::canonical::{TicketHead, encode_ticket};
use crate::domain::money::{from_centimes, from_milli, to_centimes, to_milli};
use crate::domain::settlement::{ExhibitorShare, exhibitor_shares};
use crate::domain::{ByMethod, Line, Payment, Settled, TicketKind};
use anyhow::{Context, Result, anyhow, bail};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// Who sells, where and when.
#[derive(Debug, Clone)]
pub struct SaleContext {
    pub till: String,
    pub cashier: String,
    pub shift: Option<String>,
    pub at: LocalTime,
    pub manual: bool,
    pub ticket_ref: Option<String>,
    /// A supervisor who approved something on this ticket (price override, discount, refund).
    pub approver: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub head: TicketHead,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    pub local_date: String,
    pub journal_hash: String,
}

impl Ticket {
    pub fn kind(&self) -> TicketKind {
        self.head.kind
    }
    pub fn short_hash(&self) -> &str {
        &self.journal_hash[..8.min(self.journal_hash.len())]
    }
}

pub fn ticket_id(chain: &str, number: u64) -> String {
    format!("{chain}-{number:06}")
}

/// What a commit writes with its ticket, in the same transaction (the receipt's print job), is a
/// `with: impl FnOnce(&Connection, &Ticket) -> Result<()>`: an error rolls the whole sale back.
fn nothing(_: &Connection, _: &Ticket) -> Result<()> {
    Ok(())
}

impl Db {
    pub fn commit_sale(&mut self, ctx: &SaleContext, settled: &Settled) -> StorageResult<Ticket> {
        self.commit_sale_with(ctx, settled, nothing)
    }

    /// A sale and, in its transaction, what `with` writes (one fsync for both).
    pub fn commit_sale_with(
        &mut self,
        ctx: &SaleContext,
        settled: &Settled,
        with: impl FnOnce(&Connection, &Ticket) -> Result<()>,
    ) -> StorageResult<Ticket> {
        Ok(self.commit(ctx, settled, TicketKind::Sale, None, with)?)
    }

    pub fn commit_refund(
        &mut self,
        ctx: &SaleContext,
        original: &str,
        settled: &Settled,
    ) -> StorageResult<Ticket> {
        Ok(self.commit(ctx, settled, TicketKind::Refund, Some(original), nothing)?)
    }

    fn commit(
        &mut self,
        ctx: &SaleContext,
        s: &Settled,
        kind: TicketKind,
        refund_of: Option<&str>,
        with: impl FnOnce(&Connection, &Ticket) -> Result<()>,
    ) -> Result<Ticket> {
        let tx = self.write_tx()?;
        let ticket = insert_ticket(&tx, ctx, s, kind, refund_of)?;
        if kind == TicketKind::Sale {
            // The basket became this sale: its draft goes in the same transaction, never offered back.
            super::drafts::clear(&tx, &ctx.till)?;
        }
        with(&tx, &ticket)?;
        tx.commit()?;
        Ok(ticket)
    }
}

/// Inserts a ticket of `ctx.till`, numbered in its own series, inside the caller's transaction.
pub fn insert_ticket(
    conn: &Connection,
    ctx: &SaleContext,
    s: &Settled,
    kind: TicketKind,
    refund_of: Option<&str>,
) -> Result<Ticket> {
    insert_ticket_on(conn, &ctx.till, ctx, s, kind, refund_of)
}

/// Inserts a ticket collected by `ctx.till` but numbered and journalled on `chain` (paper sales entered at
/// another database keep the till that collected the money).
pub fn insert_ticket_on(
    conn: &Connection,
    chain: &str,
    ctx: &SaleContext,
    s: &Settled,
    kind: TicketKind,
    refund_of: Option<&str>,
) -> Result<Ticket> {
    let mut batch = Batch::default();
    let ticket = batch.insert(conn, chain, ctx, s, kind, refund_of)?;
    batch.finish(conn)?;
    Ok(ticket)
}

/// Inserts many tickets in one transaction (an import of paper sales): what every ticket checks against the
/// catalogue (its till's collector, its date's phase, its exhibitors' membership) is read once, and each chain's
/// next number and journal head are carried from one ticket to the next. The checks stay the same; only while
/// its transaction is the only writer (the writer's lock and `BEGIN IMMEDIATE`) and nothing else in it changes
/// tills, phases or memberships.
#[derive(Default)]
pub struct Batch {
    collectors: HashMap<String, String>,
    phases: HashMap<String, u32>,
    members: HashSet<(String, u32)>,
    next: HashMap<String, u64>,
    journal: journal::Appender,
}

impl Batch {
    /// A batch whose journal entries are hashed and signed as `signing` says; call [`Batch::finish`] before the
    /// transaction reads the journal again or commits. With [`journal::Signing::Worker`], use [`Batch::add`]:
    /// the tickets' journal hashes are known only once the batch is finished.
    pub fn new(signing: journal::Signing) -> Batch {
        Batch {
            journal: journal::Appender::new(signing),
            ..Batch::default()
        }
    }

    /// Writes what the batch still holds (the journal entries signed on the worker).
    pub fn finish(&mut self, conn: &Connection) -> Result<()> {
        self.journal.finish(conn)
    }

    pub fn insert(
        &mut self,
        conn: &Connection,
        chain: &str,
        ctx: &SaleContext,
        s: &Settled,
        kind: TicketKind,
        refund_of: Option<&str>,
    ) -> Result<Ticket> {
        let (head, local_date, journal_hash) = self.write(conn, chain, ctx, s, kind, refund_of)?;
        // A batch signing on a worker knows the hash only when finished: its callers use `add`.
        anyhow::ensure!(
            !journal_hash.is_empty(),
            "ticket {} : empreinte pas encore calculée",
            head.id
        );
        Ok(Ticket {
            head,
            lines: s.lines.clone(),
            payments: s.payments.clone(),
            local_date,
            journal_hash,
        })
    }

    /// As [`Batch::insert`], for a caller that does not need the ticket back (an import).
    pub fn add(
        &mut self,
        conn: &Connection,
        chain: &str,
        ctx: &SaleContext,
        s: &Settled,
        kind: TicketKind,
        refund_of: Option<&str>,
    ) -> Result<()> {
        self.write(conn, chain, ctx, s, kind, refund_of).map(|_| ())
    }

    /// Writes a ticket's rows: (head, local date, journal hash).
    fn write(
        &mut self,
        conn: &Connection,
        chain: &str,
        ctx: &SaleContext,
        s: &Settled,
        kind: TicketKind,
        refund_of: Option<&str>,
    ) -> Result<(TicketHead, String, String)> {
        crate::domain::bounds::check_settled(s).map_err(super::Error::OutOfBounds)?;
        let collector = self.collector(conn, &ctx.till)?;
        let local_date = ctx.at.date().to_string();
        let phase = self.phase(conn, &local_date)?;
        for ex in distinct_exhibitors(&s.lines) {
            self.check_member(conn, ex, phase)?;
        }
        if let Some(orig) = refund_of {
            check_refund_target(conn, orig)?;
        }
        let number = match self.next.get(chain) {
            Some(n) => *n,
            None => next_number(conn, chain)?,
        };
        let head = TicketHead {
            id: ticket_id(chain, number),
            chain: chain.to_string(),
            till: ctx.till.clone(),
            number,
            kind,
            refund_of: refund_of.map(String::from),
            at_utc: ctx.at.at_utc.clone(),
            utc_offset: ctx.at.utc_offset,
            phase,
            cashier: ctx.cashier.clone(),
            shift: ctx.shift.clone(),
            manual: ctx.manual,
            ticket_ref: ctx.ticket_ref.clone(),
            total: s.total,
            rounding: s.rounding,
        };
        let body = encode_ticket(&head, &s.lines, &s.payments);
        let total = to_centimes(s.total)?;
        let entry = self.journal.append_body(
            conn,
            &ctx.at,
            &NewEntry {
                chain,
                kind: kind.into(),
                actor: &ctx.cashier,
                approver: ctx.approver.as_deref().unwrap_or(""),
                subject: &head.id,
                detail: "",
                amount: total * kind.sign(),
            },
            body,
        )?;
        insert_rows(conn, &head, &local_date, entry.seq, &s.lines, &s.payments)?;
        insert_shares(conn, &head, &local_date, &collector, &s.lines, &s.payments)?;
        self.next.insert(chain.to_string(), number + 1);
        Ok((head, local_date, entry.hash))
    }

    fn collector(&mut self, conn: &Connection, till: &str) -> Result<String> {
        if let Some(c) = self.collectors.get(till) {
            return Ok(c.clone());
        }
        let c = till_collector(conn, till)?;
        self.collectors.insert(till.to_string(), c.clone());
        Ok(c)
    }

    /// Only a date inside an open phase is kept: any other is refused, here as on every ticket.
    fn phase(&mut self, conn: &Connection, local_date: &str) -> Result<u32> {
        if let Some(p) = self.phases.get(local_date) {
            return Ok(*p);
        }
        let p = super::catalogue::phase_for_sale(conn, local_date)?;
        self.phases.insert(local_date.to_string(), p);
        Ok(p)
    }

    fn check_member(&mut self, conn: &Connection, ex: &str, phase: u32) -> Result<()> {
        let key = (ex.to_string(), phase);
        if self.members.contains(&key) {
            return Ok(());
        }
        if !super::catalogue::exhibitor_in_phase(conn, ex, phase)? {
            bail!("l'exposant {ex} ne participe pas à la phase {phase} : vente refusée");
        }
        self.members.insert(key);
        Ok(())
    }
}

fn distinct_exhibitors(lines: &[Line]) -> Vec<&str> {
    let mut v: Vec<&str> = lines.iter().map(|l| l.exhibitor_code.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn till_collector(conn: &Connection, till: &str) -> Result<String> {
    conn.prepare_cached("SELECT collector FROM tills WHERE id = ?1")?
        .query_row([till], |r| r.get(0))
        .optional()?
        .ok_or_else(|| anyhow!("caisse inconnue : {till} (importez les caisses d'abord)"))
}

fn check_refund_target(conn: &Connection, orig: &str) -> Result<()> {
    let kind: Option<TicketKind> = conn
        .prepare_cached("SELECT kind FROM tickets WHERE id = ?1")?
        .query_row([orig], |r| r.get(0))
        .optional()?;
    match kind {
        None => Err(super::Error::NotFound {
            what: "ticket",
            key: orig.into(),
        })?,
        Some(TicketKind::Refund) => bail!("{orig} est déjà un remboursement"),
        Some(TicketKind::Sale) => Ok(()),
    }
}

fn next_number(conn: &Connection, chain: &str) -> Result<u64> {
    let max: Option<i64> = conn
        .prepare_cached("SELECT MAX(number) FROM tickets WHERE chain = ?1")?
        .query_row([chain], |r| r.get(0))?;
    Ok(max.unwrap_or(0) as u64 + 1)
}

/// Inserts a ticket's rows as they are (also used by merge, for tickets recorded on another till).
pub fn insert_rows(
    conn: &Connection,
    h: &TicketHead,
    local_date: &str,
    seq: u64,
    lines: &[Line],
    payments: &[Payment],
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO tickets (id, chain, till, number, kind, refund_of, at_utc, utc_offset, local_date, phase,
         cashier, shift, manual, ticket_ref, total, rounding, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        h.id, h.chain, h.till, h.number as i64, h.kind, h.refund_of, h.at_utc, h.utc_offset, local_date, h.phase,
        h.cashier, h.shift, h.manual, h.ticket_ref, to_centimes(h.total)?, to_centimes(h.rounding)?, seq as i64
    ])
    .with_context(|| format!("enregistrement du ticket {}", h.id))?;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO ticket_lines (ticket_id, line_no, product_code, exhibitor_code, name_fr, name_ar, unit,
         quantity, unit_price, discount, vat_rate, total, refund_of_line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for l in lines {
        line_stmt.execute(params![
            h.id,
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
    let mut pay_stmt = conn.prepare_cached(
        "INSERT INTO payments (ticket_id, pos, method, amount, tendered, change, reference)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, p) in payments.iter().enumerate() {
        let tendered = p.tendered.map(to_centimes).transpose()?;
        pay_stmt.execute(params![
            h.id,
            i as i64 + 1,
            p.method.as_str(),
            to_centimes(p.amount)?,
            tendered,
            to_centimes(p.change)?,
            p.reference
        ])?;
    }
    Ok(())
}

/// The per-exhibitor shares the settlement reads (signed by the ticket's kind).
pub fn insert_shares(
    conn: &Connection,
    h: &TicketHead,
    local_date: &str,
    collector: &str,
    lines: &[Line],
    payments: &[Payment],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO shares (ticket_id, exhibitor_code, phase, local_date, till, collector, is_refund, net,
         cash, card, mobile, other) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let kind = h.kind;
    let sign = kind.sign();
    for sh in exhibitor_shares(lines, payments) {
        stmt.execute(params![
            h.id,
            sh.exhibitor_code,
            h.phase,
            local_date,
            h.till,
            collector,
            kind == TicketKind::Refund,
            sh.net * sign,
            sh.by_method.cash * sign,
            sh.by_method.card * sign,
            sh.by_method.mobile * sign,
            sh.by_method.other * sign
        ])?;
    }
    Ok(())
}

/// The ticket columns `head_from_row` reads, in order (prefix `t.`).
pub const HEAD_COLUMNS: &str = "t.id, t.chain, t.till, t.number, t.kind, t.refund_of, t.at_utc, t.utc_offset, \
     t.phase, t.cashier, t.shift, t.manual, t.ticket_ref, t.total, t.rounding";

/// A ticket header from the first 15 columns of a row, as listed in `HEAD_COLUMNS`.
pub fn head_from_row(r: &rusqlite::Row) -> rusqlite::Result<TicketHead> {
    super::error::placed(r, "tickets", 0, read_head)
}

fn read_head(r: &rusqlite::Row) -> rusqlite::Result<TicketHead> {
    Ok(TicketHead {
        id: r.get(0)?,
        chain: r.get(1)?,
        till: r.get(2)?,
        number: r.get::<_, i64>(3)? as u64,
        kind: r.get(4)?,
        refund_of: r.get(5)?,
        at_utc: r.get(6)?,
        utc_offset: r.get(7)?,
        phase: r.get(8)?,
        cashier: r.get(9)?,
        shift: r.get(10)?,
        manual: r.get(11)?,
        ticket_ref: r.get(12)?,
        total: from_centimes(r.get(13)?),
        rounding: from_centimes(r.get(14)?),
    })
}

/// Reads a ticket back from its rows (as `verify` and reprints see it).
pub fn load_ticket(conn: &Connection, id: &str) -> Result<Option<Ticket>> {
    let head = conn
        .prepare_cached(&format!(
            "SELECT {HEAD_COLUMNS}, t.local_date, j.hash
             FROM tickets t LEFT JOIN journal j ON j.chain = t.chain AND j.seq = t.journal_seq WHERE t.id = ?1"
        ))?
        .query_row([id], |r| {
            Ok((
                head_from_row(r)?,
                r.get::<_, String>(15)?,
                r.get::<_, Option<String>>(16)?,
            ))
        })
        .optional()?;
    let Some((head, local_date, hash)) = head else {
        return Ok(None);
    };
    let lines = load_lines(conn, id)?;
    let payments = load_payments(conn, id)?;
    Ok(Some(Ticket {
        head,
        lines,
        payments,
        local_date,
        journal_hash: hash.unwrap_or_default(),
    }))
}

/// The line columns `line_from_row` reads, in order (prefix `l.`).
pub const LINE_COLUMNS: &str = "l.line_no, l.product_code, l.exhibitor_code, l.name_fr, l.name_ar, l.unit, \
     l.quantity, l.unit_price, l.discount, l.vat_rate, l.total, l.refund_of_line";

pub fn load_lines(conn: &Connection, id: &str) -> Result<Vec<Line>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINE_COLUMNS}, l.ticket_id FROM ticket_lines l WHERE l.ticket_id = ?1 ORDER BY l.line_no"
    ))?;
    let rows = stmt.query_map([id], |r| {
        super::error::placed(r, "ticket_lines", 12, line_from_row)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Column `i` read as text and parsed: a stored value no version writes is an error, never a default.
fn parsed<T: std::str::FromStr>(r: &rusqlite::Row, i: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let text: String = r.get(i)?;
    text.parse().map_err(|e: T::Err| {
        let msg = format!("valeur enregistrée illisible en colonne {i} : {text:?} ({e})");
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, msg.into())
    })
}

/// A line from the first 12 columns of a row, as in `LINE_COLUMNS`.
pub fn line_from_row(r: &rusqlite::Row) -> rusqlite::Result<Line> {
    Ok(Line {
        line_no: r.get(0)?,
        product_code: r.get(1)?,
        exhibitor_code: r.get(2)?,
        name_fr: r.get(3)?,
        name_ar: r.get(4)?,
        unit: parsed(r, 5)?,
        quantity: from_milli(r.get(6)?),
        unit_price: from_centimes(r.get(7)?),
        discount: from_centimes(r.get(8)?),
        vat_rate: parsed(r, 9)?,
        total: from_centimes(r.get(10)?),
        refund_of_line: r.get(11)?,
    })
}

/// The payment columns `payment_from_row` reads, in order (prefix `p.`).
pub const PAYMENT_COLUMNS: &str = "p.method, p.amount, p.tendered, p.change, p.reference";

pub fn load_payments(conn: &Connection, id: &str) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS}, p.ticket_id FROM payments p WHERE p.ticket_id = ?1 ORDER BY p.pos"
    ))?;
    let rows = stmt.query_map([id], |r| {
        super::error::placed(r, "payments", 5, payment_from_row)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A payment from the first 5 columns of a row, as in `PAYMENT_COLUMNS`.
pub fn payment_from_row(r: &rusqlite::Row) -> rusqlite::Result<Payment> {
    Ok(Payment {
        method: parsed(r, 0)?,
        amount: from_centimes(r.get(1)?),
        tendered: r.get::<_, Option<i64>>(2)?.map(from_centimes),
        change: from_centimes(r.get(3)?),
        reference: r.get(4)?,
    })
}

/// The share columns `share_from_row` reads, in order (prefix `s.`).
pub const SHARE_COLUMNS: &str = "s.exhibitor_code, s.net, s.cash, s.card, s.mobile, s.other";

/// A stored share (signed by its ticket's kind) from the first 6 columns of a row, as in `SHARE_COLUMNS`.
pub fn share_from_row(r: &rusqlite::Row) -> rusqlite::Result<ExhibitorShare> {
    Ok(ExhibitorShare {
        exhibitor_code: r.get(0)?,
        net: r.get(1)?,
        by_method: ByMethod::try_from_fn(|m| r.get(2 + m as usize))?,
    })
}

/// Already refunded per original line: (quantity, amount).
pub fn refunded_so_far(
    conn: &Connection,
    original: &str,
) -> Result<crate::domain::sale::AlreadyRefunded> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.refund_of_line, SUM(l.quantity), SUM(l.total) FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id
         WHERE t.refund_of = ?1 GROUP BY l.refund_of_line",
    )?;
    let rows = stmt.query_map([original], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            (from_milli(r.get(1)?), from_centimes(r.get(2)?)),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Db {
    /// Refunds chosen lines `(line_no, quantity)` of a sale, checked against what was already refunded inside
    /// the same transaction, paid back by `payouts`.
    pub fn refund(
        &mut self,
        ctx: &SaleContext,
        original: &str,
        request: &[(u32, Decimal)],
        payouts: &[crate::domain::PaymentDraft],
    ) -> StorageResult<Ticket> {
        self.refund_with(ctx, original, request, payouts, nothing)
    }

    /// A refund and, in its transaction, what `with` writes.
    pub fn refund_with(
        &mut self,
        ctx: &SaleContext,
        original: &str,
        request: &[(u32, Decimal)],
        payouts: &[crate::domain::PaymentDraft],
        with: impl FnOnce(&Connection, &Ticket) -> Result<()>,
    ) -> StorageResult<Ticket> {
        let tx = self.write_tx()?;
        let orig = load_ticket(&tx, original)?.ok_or_else(|| super::Error::NotFound {
            what: "ticket",
            key: original.into(),
        })?;
        if orig.kind() == TicketKind::Refund {
            crate::refuse!("{original} est déjà un remboursement");
        }
        let already = refunded_so_far(&tx, original)?;
        let lines = crate::domain::sale::build_refund_lines(&orig.lines, &already, request)?;
        let settled = crate::domain::sale::build_refund(lines, payouts)?;
        let ticket = insert_ticket(&tx, ctx, &settled, TicketKind::Refund, Some(original))?;
        with(&tx, &ticket)?;
        tx.commit()?;
        Ok(ticket)
    }
}
