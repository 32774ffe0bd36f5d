//! Rows a merge writes, buffered and written table by table with multi-row `INSERT`s: one statement keeps its
//! cursors on the pages it appends to from one row to the next, where a statement per row descends every index
//! from its root again (most of a merge's time). Used only by `sync`'s merge, inside its transaction.
//! A failing statement writes none of its rows (SQLite undoes it from its statement journal, kept in memory:
//! `sync::merge` keeps it in memory).
use super::journal::Entry;
use crate::domain::canonical::TicketHead;
use crate::domain::money::{to_centimes, to_milli};
use crate::domain::settlement::ExhibitorShare;
use crate::domain::{Line, Payment, TicketKind};
use anyhow::{Context, Result};
use rusqlite::{Connection, Statement, ToSql};

/// A ticket's rows as a merge writes them: checked against its entry, shares already computed.
#[derive(Debug, Clone)]
pub struct TicketRows {
    pub head: TicketHead,
    pub local_date: String,
    pub journal_seq: u64,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    /// Unsigned, as `exhibitor_shares` computes them; signed by the ticket's kind when written.
    pub shares: Vec<ExhibitorShare>,
    pub collector: String,
}

/// A ticket of a batch refused by a unique key or another constraint (nothing of it was written).
#[derive(Debug)]
pub struct Rejected {
    pub index: usize,
    pub error: anyhow::Error,
}

/// Rows per statement, largest first: a batch is written in as few statements as these sizes allow.
const CHUNKS: &[usize] = &[64, 8, 1];

/// Binds the parameters of a multi-row statement, row after row.
struct Binder<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    at: usize,
}

impl Binder<'_, '_> {
    fn put<T: ToSql>(&mut self, value: T) -> Result<()> {
        self.at += 1;
        self.stmt.raw_bind_parameter(self.at, value)?;
        Ok(())
    }
}

fn statement_sql(head: &str, cols: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(","));
    format!("{head} VALUES {}", vec![one; rows].join(","))
}

/// Writes `rows` with statements of `CHUNKS` rows; a failing statement writes nothing (SQLite undoes it).
/// On a failure, `locate` is given the chunk's first index so that the caller may find the row at fault.
fn insert_all<R>(
    conn: &Connection,
    chunks: &[usize],
    head: &str,
    cols: usize,
    rows: &[R],
    bind: impl Fn(&mut dyn FnMut(&dyn ToSql) -> Result<()>, &R) -> Result<()>,
) -> Result<(), (usize, usize, anyhow::Error)> {
    let mut done = 0;
    for &k in chunks {
        if rows.len() - done < k {
            continue;
        }
        let sql = statement_sql(head, cols, k);
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| (done, k, e.into()))?;
        while rows.len() - done >= k {
            let run = (|| -> Result<()> {
                let mut b = Binder {
                    stmt: &mut stmt,
                    at: 0,
                };
                for r in &rows[done..done + k] {
                    bind(&mut |v| b.put(v), r)?;
                }
                stmt.raw_execute()?;
                Ok(())
            })();
            run.map_err(|e| (done, k, e))?;
            done += k;
        }
    }
    Ok(())
}

const JOURNAL: &str = "INSERT INTO journal (chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, \
     amount, grand_total, prev_hash, hash, signature)";

/// Journal entries, checked and linked by the caller, in chain order.
pub fn insert_entries(conn: &Connection, entries: &[Entry]) -> Result<()> {
    insert_all(conn, CHUNKS, JOURNAL, 14, entries, |put, e| {
        put(&e.chain)?;
        put(&(e.seq as i64))?;
        put(&e.at_utc)?;
        put(&e.utc_offset)?;
        put(&e.kind)?;
        put(&e.actor)?;
        put(&e.approver)?;
        put(&e.subject)?;
        put(&e.detail)?;
        put(&e.amount)?;
        put(&e.grand_total)?;
        put(&e.prev_hash)?;
        put(&e.hash)?;
        put(&e.signature)
    })
    .map_err(|(_, _, e)| e.context("fusion des entrées du journal"))?;
    // Entries come in chain order: the head file needs only each run's last.
    for (i, e) in entries.iter().enumerate() {
        if entries.get(i + 1).is_none_or(|next| next.chain != e.chain) {
            super::heads::note(conn, &e.chain, e.seq, &e.hash)?;
        }
    }
    Ok(())
}

const TICKETS: &str = "INSERT INTO tickets (id, chain, till, number, kind, refund_of, at_utc, utc_offset, local_date, \
     phase, cashier, shift, manual, ticket_ref, total, rounding, journal_seq)";

fn bind_ticket(put: &mut dyn FnMut(&dyn ToSql) -> Result<()>, t: &TicketRows) -> Result<()> {
    let h = &t.head;
    put(&h.id)?;
    put(&h.chain)?;
    put(&h.till)?;
    put(&(h.number as i64))?;
    put(&h.kind)?;
    put(&h.refund_of)?;
    put(&h.at_utc)?;
    put(&h.utc_offset)?;
    put(&t.local_date)?;
    put(&h.phase)?;
    put(&h.cashier)?;
    put(&h.shift)?;
    put(&h.manual)?;
    put(&h.ticket_ref)?;
    put(&to_centimes(h.total)?)?;
    put(&to_centimes(h.rounding)?)?;
    put(&(t.journal_seq as i64))
}

/// Every row of `tickets`: their heads, then their lines, payments and shares, table by table. A ticket
/// refused by a constraint of `tickets` (one already here) is named by its index.
pub fn insert_tickets(conn: &Connection, tickets: &[TicketRows]) -> Result<(), Rejected> {
    if let Err((from, k, error)) = insert_all(conn, CHUNKS, TICKETS, 17, tickets, bind_ticket) {
        return Err(locate(conn, &tickets[from..from + k], from, error));
    }
    let whole = |error: anyhow::Error| Rejected { index: 0, error };
    insert_lines(conn, tickets).map_err(whole)?;
    insert_payments(conn, tickets).map_err(whole)?;
    insert_shares(conn, tickets).map_err(whole)
}

/// The ticket of a failed chunk at fault: its rows written one by one until one fails.
fn locate(
    conn: &Connection,
    chunk: &[TicketRows],
    from: usize,
    chunk_error: anyhow::Error,
) -> Rejected {
    for (i, t) in chunk.iter().enumerate() {
        if let Err((_, _, error)) = insert_all(
            conn,
            CHUNKS,
            TICKETS,
            17,
            std::slice::from_ref(t),
            bind_ticket,
        ) {
            return Rejected {
                index: from + i,
                error,
            };
        }
    }
    Rejected {
        index: from,
        error: chunk_error,
    }
}

const LINES: &str = "INSERT INTO ticket_lines (ticket_id, line_no, product_code, exhibitor_code, name_fr, name_ar, \
     unit, quantity, unit_price, discount, vat_rate, total, refund_of_line)";

fn insert_lines(conn: &Connection, tickets: &[TicketRows]) -> Result<()> {
    let rows: Vec<(&str, &Line)> = tickets
        .iter()
        .flat_map(|t| t.lines.iter().map(move |l| (t.head.id.as_str(), l)))
        .collect();
    insert_all(conn, CHUNKS, LINES, 13, &rows, |put, (id, l)| {
        put(id)?;
        put(&l.line_no)?;
        put(&l.product_code)?;
        put(&l.exhibitor_code)?;
        put(&l.name_fr)?;
        put(&l.name_ar)?;
        put(&l.unit.as_str())?;
        put(&to_milli(l.quantity)?)?;
        put(&to_centimes(l.unit_price)?)?;
        put(&to_centimes(l.discount)?)?;
        put(&l.vat_rate.normalize().to_string())?;
        put(&to_centimes(l.total)?)?;
        put(&l.refund_of_line)
    })
    .map_err(|(_, _, e)| e.context("fusion des lignes de tickets"))
}

const PAYMENTS: &str =
    "INSERT INTO payments (ticket_id, pos, method, amount, tendered, change, reference)";

fn insert_payments(conn: &Connection, tickets: &[TicketRows]) -> Result<()> {
    let rows: Vec<(&str, i64, &Payment)> = tickets
        .iter()
        .flat_map(|t| {
            let id = t.head.id.as_str();
            t.payments
                .iter()
                .enumerate()
                .map(move |(i, p)| (id, i as i64 + 1, p))
        })
        .collect();
    insert_all(conn, CHUNKS, PAYMENTS, 7, &rows, |put, (id, pos, p)| {
        put(id)?;
        put(pos)?;
        put(&p.method.as_str())?;
        put(&to_centimes(p.amount)?)?;
        put(&p.tendered.map(to_centimes).transpose()?)?;
        put(&to_centimes(p.change)?)?;
        put(&p.reference)
    })
    .map_err(|(_, _, e)| e.context("fusion des paiements"))
}

const SHARES: &str = "INSERT INTO shares (ticket_id, exhibitor_code, phase, local_date, till, collector, \
     is_refund, net, cash, card, mobile, other)";

fn insert_shares(conn: &Connection, tickets: &[TicketRows]) -> Result<()> {
    write_shares(conn, tickets).context("fusion des parts par exposant")
}

/// One row per statement: a multi-row statement copies each page it changes to its statement journal first
/// (foreign keys make any multi-row insert abortable), and shares' two covering indexes take rows at random
/// pages, about two copied pages per row; a single-row statement needs no journal. A statement keeps its values
/// from one run to the next, so a ticket's own columns are bound once for all its shares.
fn write_shares(conn: &Connection, tickets: &[TicketRows]) -> Result<()> {
    let mut stmt = conn.prepare_cached(&statement_sql(SHARES, 12, 1))?;
    for t in tickets {
        let h = &t.head;
        let sign = h.kind.sign();
        stmt.raw_bind_parameter(1, &h.id)?;
        stmt.raw_bind_parameter(3, h.phase)?;
        stmt.raw_bind_parameter(4, &t.local_date)?;
        stmt.raw_bind_parameter(5, &h.till)?;
        stmt.raw_bind_parameter(6, &t.collector)?;
        stmt.raw_bind_parameter(7, h.kind == TicketKind::Refund)?;
        for s in &t.shares {
            let m = &s.by_method;
            stmt.raw_bind_parameter(2, &s.exhibitor_code)?;
            stmt.raw_bind_parameter(8, s.net * sign)?;
            stmt.raw_bind_parameter(9, m.cash * sign)?;
            stmt.raw_bind_parameter(10, m.card * sign)?;
            stmt.raw_bind_parameter(11, m.mobile * sign)?;
            stmt.raw_bind_parameter(12, m.other * sign)?;
            stmt.raw_execute()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_holds_its_rows_placeholders() {
        assert_eq!(
            statement_sql("INSERT INTO t (a, b)", 2, 1),
            "INSERT INTO t (a, b) VALUES (?,?)"
        );
        assert_eq!(
            statement_sql("INSERT INTO t (a)", 1, 3),
            "INSERT INTO t (a) VALUES (?),(?),(?)"
        );
    }
}
