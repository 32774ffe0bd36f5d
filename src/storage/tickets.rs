//! Committing tickets: one transaction holds the ticket, its lines, payments, settlement shares, its gapless
//! per-till number and its journal entry.
use super::journal::{self, NewEntry};
use super::{Db, LocalTime, StorageResult};
use crate::domain::canonical::{TicketHead, encode_ticket};
use crate::domain::money::{from_centimes, from_milli, to_centimes};
use crate::domain::{Line, Payment, Settled, TicketKind};
use anyhow::{Result, anyhow, bail};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

pub use super::ticket_rows::{
    HEAD_COLUMNS, LINE_COLUMNS, PAYMENT_COLUMNS, SHARE_COLUMNS, head_from_row, insert_rows,
    insert_shares, line_from_row, load_lines, load_payments, load_ticket, payment_from_row,
    share_from_row,
};

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
    /// A sale paid one way is refunded the same way (a card sale back to the card); a split sale in cash.
    pub fn refund_method(&self) -> crate::domain::PaymentMethod {
        match self.payments.as_slice() {
            [only] => only.method,
            _ => crate::domain::PaymentMethod::Cash,
        }
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
    /// Per local date: its phase, and whether that phase is closed (a late ticket).
    phases: HashMap<String, (u32, bool)>,
    members: HashSet<(String, u32)>,
    next: HashMap<String, u64>,
    journal: journal::Appender,
    /// Set by [`Batch::accepting_late`]: a ticket dated in a closed phase is kept, flagged late.
    late: Option<super::late::LateIntake>,
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

    /// A batch journalling with `signer` instead of this database's own key ([`journal::Appender::signed_by`]),
    /// signing inline.
    pub fn signed_by(signer: super::keys::Signer) -> Batch {
        Batch {
            journal: journal::Appender::signed_by(journal::Signing::Inline, signer),
            ..Batch::default()
        }
    }

    /// A batch that keeps a ticket dated in a closed phase as a late sale (paper sales entered after the
    /// close) in that phase's open complement, instead of refusing it; `now` is when it is entered.
    pub fn accepting_late(mut self, now: &LocalTime) -> Batch {
        self.late = Some(super::late::LateIntake::new(now));
        self
    }

    /// The late tickets written so far, per (phase, complement).
    pub fn late_counts(&self) -> std::collections::BTreeMap<(u32, u32), usize> {
        self.late
            .as_ref()
            .map(|l| l.counts.clone())
            .unwrap_or_default()
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
        let (phase, late) = self.phase(conn, &local_date)?;
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
        if late && let Some(intake) = self.late.as_mut() {
            intake.record(conn, &mut self.journal, chain, ctx, &head)?;
        }
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

    /// Only a date inside an open phase is kept: any other is refused, here as on every ticket; a batch
    /// accepting late sales also keeps a date in a closed phase: (phase, late).
    fn phase(&mut self, conn: &Connection, local_date: &str) -> Result<(u32, bool)> {
        if let Some(p) = self.phases.get(local_date) {
            return Ok(*p);
        }
        let p = match super::catalogue::phase_for_sale(conn, local_date) {
            Ok(p) => (p, false),
            Err(e) => match e.downcast_ref::<super::Error>() {
                Some(super::Error::PhaseClosed { phase, .. }) if self.late.is_some() => {
                    (*phase, true)
                }
                _ => return Err(e),
            },
        };
        self.phases.insert(local_date.to_string(), p);
        Ok(p)
    }

    fn check_member(&mut self, conn: &Connection, ex: &str, phase: u32) -> Result<()> {
        let key = (ex.to_string(), phase);
        if self.members.contains(&key) {
            return Ok(());
        }
        if !super::catalogue::exhibitor_in_phase(conn, ex, phase)? {
            return Err(super::Error::NotInPhase {
                exhibitor: ex.to_string(),
                phase,
            }
            .into());
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
        if ctx.till == super::ORG_CHAIN {
            crate::refuse!(
                "le poste de l'organisateur ne rembourse pas à l'écran : « souk refund {original} --by NOM » \
                 rembourse une vente papier saisie ici"
            );
        }
        let tx = self.write_tx()?;
        let (_, lines) = refund_lines(&tx, original, request)?;
        let settled = crate::domain::sale::build_refund(lines, payouts)?;
        let ticket = insert_ticket(&tx, ctx, &settled, TicketKind::Refund, Some(original))?;
        with(&tx, &ticket)?;
        tx.commit()?;
        Ok(ticket)
    }
}

/// The sale `original` and the lines refunding `request` of it, never more than what is left.
pub(super) fn refund_lines(
    conn: &Connection,
    original: &str,
    request: &[(u32, Decimal)],
) -> StorageResult<(Ticket, Vec<Line>)> {
    let orig = load_ticket(conn, original)?.ok_or_else(|| super::Error::NotFound {
        what: "ticket",
        key: original.into(),
    })?;
    if orig.kind() == TicketKind::Refund {
        crate::refuse!("{original} est déjà un remboursement");
    }
    let already = refunded_so_far(conn, original)?;
    let lines = crate::domain::sale::build_refund_lines(&orig.lines, &already, request)?;
    Ok((orig, lines))
}

/// What the till offers to pay back by `method` on `original`: what it took that way, less what its refunds
/// already gave back that way. Bounded for cash (the drawer holds only what came in) and card (credited against
/// its charge); `None` for mobile and other (a transfer, a voucher), which may repay any sale. A policy of the
/// till's screen, not of the ledger: a refund recorded otherwise is still a valid refund.
pub fn payout_room(
    conn: &Connection,
    original: &str,
    method: crate::domain::PaymentMethod,
) -> Result<Option<Decimal>> {
    use crate::domain::PaymentMethod as M;
    if matches!(method, M::Mobile | M::Other) {
        return Ok(None);
    }
    let (paid, given): (i64, i64) = conn
        .prepare_cached(
            "SELECT
               (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE ticket_id = ?1 AND method = ?2),
               (SELECT COALESCE(SUM(p.amount), 0) FROM payments p JOIN tickets t ON t.id = p.ticket_id
                WHERE t.refund_of = ?1 AND p.method = ?2)",
        )?
        .query_row(rusqlite::params![original, method], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(Some(from_centimes(paid - given)))
}
