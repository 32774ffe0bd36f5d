//! Shifts of a till (opening float → cash count → Z report), abandoned baskets, and the figures of X/Z reports.
//! Every event is journalled on the till's chain (chain = till id).
use super::journal::{self, NewEntry};
use super::{Db, LocalTime, StorageResult};
use crate::domain::money::{format_machine, from_centimes, to_centimes};
use crate::domain::{ByMethod, JournalKind, PaymentMethod, TicketKind};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: String,
    pub till: String,
    pub cashier: String,
    pub opened_at: String,
    pub opening_float: Decimal,
    pub closed_at: Option<String>,
}

/// What an X report shows at any time and a Z report freezes at close.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShiftTotals {
    pub shift: String,
    /// Who opened the shift: the one person whose drawer it is.
    pub cashier: String,
    pub opening_float: Decimal,
    pub sales_count: u64,
    pub sales_total: Decimal,
    pub refunds_count: u64,
    pub refunds_total: Decimal,
    /// Net per method (sales − refunds).
    pub by_method: ByMethod<Decimal>,
    /// Cash rounding ("Arrondi") collected over the shift.
    pub rounding: Decimal,
    pub abandoned_count: u64,
    pub abandoned_total: Decimal,
    /// float + cash sales − cash refunds + rounding.
    pub expected_cash: Decimal,
}

impl ShiftTotals {
    pub fn net(&self) -> Decimal {
        self.sales_total - self.refunds_total
    }
}

/// The Z report: the totals plus the count, and the chain head it was journalled under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZReport {
    pub totals: ShiftTotals,
    pub counted: Vec<(Decimal, u32)>,
    pub counted_cash: Decimal,
    pub difference: Decimal,
    pub closed_at: LocalTime,
    pub chain_head: String,
    pub seq: u64,
}

fn shift_from_row(r: &rusqlite::Row) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get(0)?,
        till: r.get(1)?,
        cashier: r.get(2)?,
        opened_at: r.get(3)?,
        opening_float: from_centimes(r.get(4)?),
        closed_at: r.get(5)?,
    })
}

const SELECT_SHIFT: &str =
    "SELECT id, till, cashier, opened_at, opening_float, closed_at FROM shifts";

/// The open shift of a till, if any.
pub fn current_shift(conn: &Connection, till: &str) -> Result<Option<Shift>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT_SHIFT} WHERE till = ?1 AND closed_at IS NULL ORDER BY id DESC LIMIT 1"
        ))?
        .query_row([till], shift_from_row)
        .optional()?)
}

pub fn shift(conn: &Connection, id: &str) -> Result<Option<Shift>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_SHIFT} WHERE id = ?1"))?
        .query_row([id], shift_from_row)
        .optional()?)
}

/// Sum of a count by denomination.
pub fn count_total(counted: &[(Decimal, u32)]) -> Decimal {
    counted.iter().map(|(d, n)| *d * Decimal::from(*n)).sum()
}

fn count_detail(counted: &[(Decimal, u32)]) -> String {
    counted
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| format!("{}x{n}", format_machine(*d)))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Db {
    /// Opens a shift (`T01-S0001`), refusing a second open shift on the same till.
    pub fn open_shift(
        &mut self,
        till: &str,
        cashier: &str,
        float: Decimal,
        at: &LocalTime,
    ) -> StorageResult<Shift> {
        let tx = self.write_tx()?;
        if let Some(open) = current_shift(&tx, till)? {
            crate::refuse!(
                "la session {} est encore ouverte sur {till} : clôturez-la d'abord",
                open.id
            );
        }
        let n: i64 = tx
            .prepare_cached("SELECT COUNT(*) FROM shifts WHERE till = ?1")?
            .query_row([till], |r| r.get(0))?;
        let id = format!("{till}-S{:04}", n + 1);
        tx.execute(
            "INSERT INTO shifts (id, till, cashier, opened_at, opening_float) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, till, cashier, at.at_utc, to_centimes(float)?],
        )?;
        let detail = format!("float={}", format_machine(float));
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain: till,
                kind: JournalKind::ShiftOpen,
                actor: cashier,
                subject: &id,
                detail: &detail,
                approver: "",
                amount: 0,
            },
        )?;
        let s = shift(&tx, &id)?.expect("just inserted");
        tx.commit()?;
        Ok(s)
    }

    /// Records an abandoned basket (counted in the Z report, never a sale).
    pub fn abandon_basket(
        &mut self,
        till: &str,
        shift: Option<&str>,
        cashier: &str,
        lines: u32,
        total: Decimal,
        at: &LocalTime,
    ) -> StorageResult<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO abandoned_baskets (till, shift, at_utc, cashier, lines, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![till, shift, at.at_utc, cashier, lines, to_centimes(total)?],
        )?;
        let detail = format!("lines={lines} total={}", format_machine(total));
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain: till,
                kind: JournalKind::Abandon,
                actor: cashier,
                subject: shift.unwrap_or(""),
                detail: &detail,
                approver: "",
                amount: 0,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes a shift with its cash count; the Z figures go into the journal's "shift_close" entry, whose hash
    /// becomes the chain head printed on the Z report.
    pub fn close_shift(
        &mut self,
        shift_id: &str,
        counted: &[(Decimal, u32)],
        actor: &str,
        approver: &str,
        at: &LocalTime,
    ) -> StorageResult<ZReport> {
        let tx = self.write_tx()?;
        let s = shift(&tx, shift_id)?
            .ok_or_else(|| anyhow::anyhow!("session inconnue : {shift_id}"))?;
        if s.closed_at.is_some() {
            crate::refuse!("la session {shift_id} est déjà clôturée");
        }
        let totals = shift_totals(&tx, shift_id)?;
        let counted_cash = count_total(counted);
        let difference = counted_cash - totals.expected_cash;
        tx.execute(
            "UPDATE shifts SET closed_at = ?2, counted_cash = ?3, expected_cash = ?4, z_detail = ?5 WHERE id = ?1",
            params![
                shift_id,
                at.at_utc,
                to_centimes(counted_cash)?,
                to_centimes(totals.expected_cash)?,
                z_detail(&totals, counted, counted_cash, difference)
            ],
        )?;
        let prev = journal::head(&tx, &s.till)?
            .map(|h| h.1)
            .unwrap_or_default();
        let detail = format!(
            "{} prev={prev}",
            z_detail(&totals, counted, counted_cash, difference)
        );
        let entry = journal::append(
            &tx,
            at,
            &NewEntry {
                chain: &s.till,
                kind: JournalKind::ShiftClose,
                actor,
                approver,
                subject: shift_id,
                detail: &detail,
                amount: 0,
            },
        )?;
        tx.commit()?;
        Ok(ZReport {
            totals,
            counted: counted.to_vec(),
            counted_cash,
            difference,
            closed_at: at.clone(),
            chain_head: entry.hash,
            seq: entry.seq,
        })
    }
}

/// The Z figures as `key=value` pairs, machine format (dot decimals), stable for auditors.
fn z_detail(t: &ShiftTotals, counted: &[(Decimal, u32)], cash: Decimal, diff: Decimal) -> String {
    let m = |d: Decimal| format_machine(d);
    format!(
        "sales={} sales_total={} refunds={} refunds_total={} cash={} card={} mobile={} other={} rounding={} \
         abandoned={} float={} expected={} counted={} difference={} count=[{}]",
        t.sales_count,
        m(t.sales_total),
        t.refunds_count,
        m(t.refunds_total),
        m(t.by_method.cash),
        m(t.by_method.card),
        m(t.by_method.mobile),
        m(t.by_method.other),
        m(t.rounding),
        t.abandoned_count,
        m(t.opening_float),
        m(t.expected_cash),
        m(cash),
        m(diff),
        count_detail(counted)
    )
}

/// Figures of a shift so far (X report) — also what the Z report freezes.
pub fn shift_totals(conn: &Connection, shift_id: &str) -> Result<ShiftTotals> {
    let s =
        shift(conn, shift_id)?.ok_or_else(|| anyhow::anyhow!("session inconnue : {shift_id}"))?;
    let mut t = ShiftTotals {
        shift: s.id.clone(),
        cashier: s.cashier.clone(),
        opening_float: s.opening_float,
        ..Default::default()
    };
    // Summed here as decimals, not by SQLite: a shift holding amounts from before the bounds must still close.
    let mut stmt =
        conn.prepare_cached("SELECT kind, total, rounding FROM tickets WHERE shift = ?1")?;
    let mut rows = stmt.query([shift_id])?;
    while let Some(r) = rows.next()? {
        let (kind, total, rounding): (TicketKind, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        match kind {
            TicketKind::Refund => {
                t.refunds_count += 1;
                t.refunds_total += from_centimes(total);
            }
            TicketKind::Sale => {
                t.sales_count += 1;
                t.sales_total += from_centimes(total);
            }
        }
        t.rounding += from_centimes(rounding);
    }
    method_sums(conn, shift_id, &mut t)?;
    let mut stmt = conn.prepare_cached("SELECT total FROM abandoned_baskets WHERE shift = ?1")?;
    let mut rows = stmt.query([shift_id])?;
    while let Some(r) = rows.next()? {
        t.abandoned_count += 1;
        t.abandoned_total += from_centimes(r.get(0)?);
    }
    t.expected_cash = t.opening_float + t.by_method.cash + t.rounding;
    Ok(t)
}

fn method_sums(conn: &Connection, shift_id: &str, t: &mut ShiftTotals) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, CASE WHEN t.kind = 'refund' THEN -p.amount ELSE p.amount END
         FROM tickets t JOIN payments p ON p.ticket_id = t.id WHERE t.shift = ?1",
    )?;
    let mut rows = stmt.query([shift_id])?;
    while let Some(r) = rows.next()? {
        let method: PaymentMethod = r.get(0)?;
        t.by_method[method] += from_centimes(r.get(1)?);
    }
    Ok(())
}

/// One line of a shift's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSummary {
    pub id: String,
    pub kind: TicketKind,
    pub refund_of: Option<String>,
    pub at_utc: String,
    pub utc_offset: i32,
    pub cashier: String,
    pub total: Decimal,
    pub lines: u32,
}

impl TicketSummary {
    /// Local `HH:MM` of the ticket.
    pub fn local_time(&self) -> String {
        let local = self.at_utc.parse::<jiff::Timestamp>().ok().and_then(|ts| {
            jiff::tz::Offset::from_seconds(self.utc_offset)
                .ok()
                .map(|o| o.to_datetime(ts))
        });
        local
            .map(|d| d.strftime("%H:%M").to_string())
            .unwrap_or_default()
    }
}

/// The tickets of a shift, newest first.
pub fn shift_tickets(conn: &Connection, shift_id: &str) -> Result<Vec<TicketSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.kind, t.refund_of, t.at_utc, t.utc_offset, t.cashier, t.total,
         (SELECT COUNT(*) FROM ticket_lines l WHERE l.ticket_id = t.id)
         FROM tickets t WHERE t.shift = ?1 ORDER BY t.number DESC",
    )?;
    let rows = stmt.query_map([shift_id], |r| {
        Ok(TicketSummary {
            id: r.get(0)?,
            kind: r.get(1)?,
            refund_of: r.get(2)?,
            at_utc: r.get(3)?,
            utc_offset: r.get(4)?,
            cashier: r.get(5)?,
            total: from_centimes(r.get(6)?),
            lines: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
