//! The reading side of the pipelined export: rows copied as SQLite returns them (integers, and text bytes into
//! one buffer per batch), with no conversion and no allocation per value, so that the thread holding the
//! connection does little but step statements. `encode` turns a batch into bundle text on another thread.
//! A chain's entries come in seq order, each ticket (head, lines, payments, shares: four queries walked in
//! step, ordered by ticket number as `rows::TicketStream`) right after its entry.
use super::format::ChainRange;
use crate::storage::ORG_CHAIN;
use crate::storage::error::CorruptValue;
use crate::storage::journal::SELECT_ENTRY;
use crate::storage::tickets::{HEAD_COLUMNS, LINE_COLUMNS, PAYMENT_COLUMNS, SHARE_COLUMNS};
use anyhow::Result;
use fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, Rows, params};

/// A value as stored: text is a range of the batch's `bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    Null,
    Int(i64),
    Text { at: u32, len: u32 },
    Real,
    Blob,
}

/// One record's rows, in the order of `Batch::vals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rec {
    /// `ENTRY_COLUMNS` values.
    Entry,
    /// `HEAD` values, then the lines', payments' and shares' values.
    Ticket {
        lines: u32,
        payments: u32,
        shares: u32,
    },
}

pub const ENTRY_COLUMNS: usize = 14;
/// The head's columns (`HEAD_COLUMNS`, then `journal_seq`).
pub const HEAD: usize = 16;
/// Each child row's columns, its ticket id last (not copied).
pub const LINE: usize = 12;
pub const PAYMENT: usize = 5;
pub const SHARE: usize = 6;

#[derive(Debug, Default)]
pub struct Batch {
    pub recs: Vec<Rec>,
    pub vals: Vec<Val>,
    pub bytes: Vec<u8>,
}

/// A batch is handed over once it holds this many records or bytes of text.
const RECORDS: usize = 1024;
const BYTES: usize = 1 << 20;

impl Batch {
    pub fn full(&self) -> bool {
        self.recs.len() >= RECORDS || self.bytes.len() >= BYTES
    }

    pub fn text(&self, at: u32, len: u32) -> &[u8] {
        &self.bytes[at as usize..(at + len) as usize]
    }

    fn row(&mut self, r: &Row, n: usize) -> rusqlite::Result<()> {
        for i in 0..n {
            let v = match r.get_ref(i)? {
                ValueRef::Null => Val::Null,
                ValueRef::Integer(n) => Val::Int(n),
                ValueRef::Text(t) => {
                    let at = self.bytes.len() as u32;
                    self.bytes.extend_from_slice(t);
                    Val::Text {
                        at,
                        len: t.len() as u32,
                    }
                }
                ValueRef::Real(_) => Val::Real,
                ValueRef::Blob(_) => Val::Blob,
            };
            self.vals.push(v);
        }
        Ok(())
    }
}

/// Where complete batches go (the channel to the encoding thread).
pub trait Out {
    fn batch(&mut self) -> &mut Batch;
    /// Hands the batch over if it is full.
    fn done_record(&mut self) -> Result<()>;
}

/// Reads one chain's range into `out`; returns (entries, tickets).
pub fn read_chain(conn: &Connection, r: &ChainRange, out: &mut dyn Out) -> Result<(u64, u64)> {
    let p = params![r.chain, r.from_seq as i64, r.to_seq as i64];
    let mut entry_stmt = conn.prepare_cached(&format!(
        "{SELECT_ENTRY} WHERE chain = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
    ))?;
    let mut entries = Entries {
        rows: entry_stmt.query(p)?,
        written: 0,
        count: 0,
    };
    let mut tickets = 0;
    if r.chain != ORG_CHAIN {
        tickets = read_tickets(conn, r, &mut entries, out)?;
    }
    entries.up_to(u64::MAX, out)?;
    Ok((entries.count, tickets))
}

/// Each child table: its columns (alias as in `tickets::*_COLUMNS`), table, alias, order within a ticket and
/// number of columns.
const CHILDREN: [(&str, &str, &str, &str, usize); 3] = [
    (LINE_COLUMNS, "ticket_lines", "l", "line_no", LINE),
    (PAYMENT_COLUMNS, "payments", "p", "pos", PAYMENT),
    (SHARE_COLUMNS, "shares", "s", "exhibitor_code", SHARE),
];

/// Ticket numbers below this have ids (`{chain}-{number:06}`) that sort as the numbers do.
const SIX_DIGITS: i64 = 1_000_000;

/// The chain's tickets in number order, each right after its entry. Lines, payments and shares are read as
/// ranges of their own primary key (ticket ids of the chain sort as their numbers), not joined ticket by ticket;
/// from the first ticket whose id is not `{chain}-{number:06}` (a number past six digits, or an id written
/// behind the program's back), the rest are read joined to the tickets, in number order, as `rows::TicketStream`.
fn read_tickets(
    conn: &Connection,
    r: &ChainRange,
    entries: &mut Entries,
    out: &mut dyn Out,
) -> Result<u64> {
    let p = params![r.chain, r.from_seq as i64, r.to_seq as i64];
    let range = "t.chain = ?1 AND t.journal_seq BETWEEN ?2 AND ?3";
    let mut heads = conn.prepare_cached(&format!(
        "SELECT {HEAD_COLUMNS}, t.journal_seq FROM tickets t WHERE {range} ORDER BY t.number"
    ))?;
    let child = |k: usize, joined: bool| {
        let (cols, table, a, order, _) = CHILDREN[k];
        conn.prepare_cached(&if joined {
            format!(
                "SELECT {cols}, {a}.ticket_id FROM tickets t JOIN {table} {a} ON {a}.ticket_id = t.id
                 WHERE {range} AND t.number >= ?4 ORDER BY t.number, {a}.{order}"
            )
        } else {
            format!(
                "SELECT {cols}, {a}.ticket_id FROM {table} {a} WHERE {a}.ticket_id >= ?1 AND {a}.ticket_id < ?2
                 ORDER BY {a}.ticket_id, {a}.{order}"
            )
        })
    };
    let mut heads = heads.query(p)?;
    heads.advance()?;
    let Some(first) = heads.get() else {
        return Ok(0);
    };
    let mut tickets = 0;
    let mut restart = None;
    {
        let from = std::str::from_utf8(ticket_id(first)?)?.to_string();
        let end = format!("{}.", r.chain); // just after every "{chain}-…" id
        let mut stmts = [child(0, false)?, child(1, false)?, child(2, false)?];
        let [a, b, c] = &mut stmts;
        let by_id = params![from, end];
        let mut children = [a.query(by_id)?, b.query(by_id)?, c.query(by_id)?];
        for rows in &mut children {
            rows.advance()?;
        }
        let mut expected = String::new();
        while let Some(h) = heads.get() {
            let number = h.get::<_, i64>(3)?;
            expected.clear();
            if (1..SIX_DIGITS).contains(&number) {
                expected.push_str(&crate::storage::tickets::ticket_id(&r.chain, number as u64));
            }
            if ticket_id(h)? != expected.as_bytes() {
                restart = Some(number);
                break;
            }
            write_ticket(h, &mut children, true, entries, out)?;
            tickets += 1;
            heads.advance()?;
        }
    }
    if let Some(number) = restart {
        let mut stmts = [child(0, true)?, child(1, true)?, child(2, true)?];
        let [a, b, c] = &mut stmts;
        let joined = params![r.chain, r.from_seq as i64, r.to_seq as i64, number];
        let mut children = [a.query(joined)?, b.query(joined)?, c.query(joined)?];
        for rows in &mut children {
            rows.advance()?;
        }
        while let Some(h) = heads.get() {
            write_ticket(h, &mut children, false, entries, out)?;
            tickets += 1;
            heads.advance()?;
        }
    }
    Ok(tickets)
}

/// One ticket after its entry: its head, then the rows of each child stream that carry its id. Read by id
/// (`by_id`), rows of tickets outside the range, or of none, come between and are passed over.
fn write_ticket(
    h: &Row,
    children: &mut [Rows; 3],
    by_id: bool,
    entries: &mut Entries,
    out: &mut dyn Out,
) -> Result<()> {
    let seq = h.get::<_, i64>(HEAD - 1)? as u64;
    entries.up_to(seq, out)?;
    let id = ticket_id(h)?;
    let batch = out.batch();
    let at = batch.recs.len();
    batch.recs.push(Rec::Entry);
    batch.row(h, HEAD)?;
    let mut n = [0u32; 3];
    for (k, rows) in children.iter_mut().enumerate() {
        let cols = CHILDREN[k].4;
        while let Some(c) = rows.get() {
            let of = c.get_ref(cols)?.as_bytes()?;
            if by_id && of < id {
                rows.advance()?;
                continue;
            }
            if of != id {
                break;
            }
            batch.row(c, cols)?;
            n[k] += 1;
            rows.advance()?;
        }
    }
    batch.recs[at] = Rec::Ticket {
        lines: n[0],
        payments: n[1],
        shares: n[2],
    };
    out.done_record()
}

/// The head's id, which its lines, payments and shares are matched on (text, as every version writes it).
fn ticket_id<'r>(h: &'r Row) -> Result<&'r [u8]> {
    match h.get_ref(0)? {
        ValueRef::Text(t) => Ok(t),
        other => Err(CorruptValue {
            table: "tickets",
            column: "id".into(),
            row: format!("n° {}", h.get::<_, i64>(3).unwrap_or_default()),
            detail: match other {
                ValueRef::Null => "valeur absente".into(),
                ValueRef::Blob(_) => "données binaires au lieu d'un texte".into(),
                _ => "nombre au lieu d'un texte".into(),
            },
        }
        .into()),
    }
}

struct Entries<'s> {
    rows: Rows<'s>,
    written: u64,
    count: u64,
}

impl Entries<'_> {
    /// The entries up to `seq` (the ticket's own included), as `export` always wrote them.
    fn up_to(&mut self, seq: u64, out: &mut dyn Out) -> Result<()> {
        while self.written < seq {
            let Some(e) = self.rows.next()? else { break };
            self.written = e.get::<_, i64>(1)? as u64;
            let batch = out.batch();
            batch.recs.push(Rec::Entry);
            batch.row(e, ENTRY_COLUMNS)?;
            self.count += 1;
            out.done_record()?;
        }
        Ok(())
    }
}
