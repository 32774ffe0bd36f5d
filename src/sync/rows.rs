//! Reading a range of a till's tickets with their lines, payments and shares: four queries walked in step
//! (ordered by ticket number), rather than three queries per ticket.
use crate::domain::canonical::TicketHead;
use crate::domain::money::{from_centimes, from_milli};
use crate::domain::{Line, Payment, PaymentMethod, Unit};
use anyhow::Result;
use rusqlite::{Connection, Row, Statement, params};
use rust_decimal::Decimal;
use std::iter::Peekable;

pub type ShareRow = (String, i64, i64, i64, i64, i64);

#[derive(Debug, Clone)]
pub struct StoredTicket {
    pub head: TicketHead,
    pub journal_seq: u64,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    pub shares: Vec<ShareRow>,
}

const RANGE: &str = "t.chain = ?1 AND t.journal_seq BETWEEN ?2 AND ?3";

pub struct TicketStream<'c> {
    heads: Statement<'c>,
    lines: Statement<'c>,
    payments: Statement<'c>,
    shares: Statement<'c>,
}

impl<'c> TicketStream<'c> {
    pub fn prepare(conn: &'c Connection) -> Result<Self> {
        Ok(TicketStream {
            heads: conn.prepare(&format!(
                "SELECT {}, t.journal_seq FROM tickets t WHERE {RANGE} ORDER BY t.number",
                crate::storage::tickets::HEAD_COLUMNS
            ))?,
            lines: conn.prepare(&format!(
                "SELECT l.ticket_id, l.line_no, l.product_code, l.exhibitor_code, l.name_fr, l.name_ar, l.unit,
                 l.quantity, l.unit_price, l.discount, l.vat_rate, l.total, l.refund_of_line
                 FROM tickets t JOIN ticket_lines l ON l.ticket_id = t.id WHERE {RANGE} ORDER BY t.number, l.line_no"
            ))?,
            payments: conn.prepare(&format!(
                "SELECT p.ticket_id, p.method, p.amount, p.tendered, p.change, p.reference
                 FROM tickets t JOIN payments p ON p.ticket_id = t.id WHERE {RANGE} ORDER BY t.number, p.pos"
            ))?,
            shares: conn.prepare(&format!(
                "SELECT s.ticket_id, s.exhibitor_code, s.net, s.cash, s.card, s.mobile, s.other
                 FROM tickets t JOIN shares s ON s.ticket_id = t.id WHERE {RANGE} ORDER BY t.number, s.exhibitor_code"
            ))?,
        })
    }

    /// Calls `f` with each ticket of `till` journalled at a seq in `from..=to`, in number order.
    pub fn for_each(
        &mut self,
        till: &str,
        from: u64,
        to: u64,
        mut f: impl FnMut(StoredTicket) -> Result<()>,
    ) -> Result<()> {
        let (from, to) = (from as i64, to as i64);
        let p = params![till, from, to];
        let mut lines = self.lines.query_map(p, line_row)?.peekable();
        let mut payments = self.payments.query_map(p, payment_row)?.peekable();
        let mut shares = self.shares.query_map(p, share_row)?.peekable();
        let mut heads = self.heads.query(p)?;
        while let Some(r) = heads.next()? {
            let (head, journal_seq) = head_row(r)?;
            let id = head.id.clone();
            f(StoredTicket {
                head,
                journal_seq,
                lines: take_for(&mut lines, &id)?,
                payments: take_for(&mut payments, &id)?,
                shares: take_for(&mut shares, &id)?,
            })?;
        }
        Ok(())
    }
}

/// The rows of the next ticket from a stream ordered like the heads.
fn take_for<T, I>(it: &mut Peekable<I>, id: &str) -> Result<Vec<T>>
where
    I: Iterator<Item = rusqlite::Result<(String, T)>>,
{
    let mut out = Vec::new();
    while let Some(Ok((tid, _))) = it.peek() {
        if tid != id {
            break;
        }
        let (_, v) = it.next().expect("peeked")?;
        out.push(v);
    }
    if let Some(Err(_)) = it.peek() {
        it.next().expect("peeked")?;
    }
    Ok(out)
}

fn head_row(r: &Row) -> rusqlite::Result<(TicketHead, u64)> {
    Ok((
        crate::storage::tickets::head_from_row(r)?,
        r.get::<_, i64>(15)? as u64,
    ))
}

fn line_row(r: &Row) -> rusqlite::Result<(String, Line)> {
    Ok((
        r.get(0)?,
        Line {
            line_no: r.get(1)?,
            product_code: r.get(2)?,
            exhibitor_code: r.get(3)?,
            name_fr: r.get(4)?,
            name_ar: r.get(5)?,
            unit: r.get::<_, String>(6)?.parse().unwrap_or(Unit::Piece),
            quantity: from_milli(r.get(7)?),
            unit_price: from_centimes(r.get(8)?),
            discount: from_centimes(r.get(9)?),
            vat_rate: r.get::<_, String>(10)?.parse().unwrap_or(Decimal::ZERO),
            total: from_centimes(r.get(11)?),
            refund_of_line: r.get(12)?,
        },
    ))
}

fn payment_row(r: &Row) -> rusqlite::Result<(String, Payment)> {
    Ok((
        r.get(0)?,
        Payment {
            method: r
                .get::<_, String>(1)?
                .parse()
                .unwrap_or(PaymentMethod::Other),
            amount: from_centimes(r.get(2)?),
            tendered: r.get::<_, Option<i64>>(3)?.map(from_centimes),
            change: from_centimes(r.get(4)?),
            reference: r.get(5)?,
        },
    ))
}

fn share_row(r: &Row) -> rusqlite::Result<(String, ShareRow)> {
    Ok((
        r.get(0)?,
        (
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ),
    ))
}
