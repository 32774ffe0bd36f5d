//! Reading a range of a till's tickets with their lines, payments and shares: four queries walked in step
//! (ordered by ticket number), rather than three queries per ticket.
use crate::domain::canonical::TicketHead;
use crate::domain::{Line, Payment};
use crate::storage::error::placed;
use crate::storage::tickets::{
    LINE_COLUMNS, PAYMENT_COLUMNS, SHARE_COLUMNS, line_from_row, payment_from_row, share_from_row,
};
use anyhow::Result;
use rusqlite::{Connection, Row, Statement, params};
use std::iter::Peekable;

/// A stored share (signed by its ticket's kind).
pub type ShareRow = crate::domain::settlement::ExhibitorShare;

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
                "SELECT {LINE_COLUMNS}, l.ticket_id
                 FROM tickets t JOIN ticket_lines l ON l.ticket_id = t.id WHERE {RANGE} ORDER BY t.number, l.line_no"
            ))?,
            payments: conn.prepare(&format!(
                "SELECT {PAYMENT_COLUMNS}, p.ticket_id
                 FROM tickets t JOIN payments p ON p.ticket_id = t.id WHERE {RANGE} ORDER BY t.number, p.pos"
            ))?,
            shares: conn.prepare(&format!(
                "SELECT {SHARE_COLUMNS}, s.ticket_id
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
        let mut lines = self
            .lines
            .query_map(p, |r| with_id(r, "ticket_lines", 12, line_from_row))?
            .peekable();
        let mut payments = self
            .payments
            .query_map(p, |r| with_id(r, "payments", 5, payment_from_row))?
            .peekable();
        let mut shares = self
            .shares
            .query_map(p, |r| with_id(r, "shares", 6, share_from_row))?
            .peekable();
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

/// A row read by the shared mapper of its table, with the ticket id in column `id_col` after its columns.
fn with_id<T>(
    r: &Row,
    table: &'static str,
    id_col: usize,
    map: fn(&Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<(String, T)> {
    Ok((r.get(id_col)?, placed(r, table, id_col, map)?))
}
