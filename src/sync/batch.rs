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
        let range = "t.chain = ?1 AND t.journal_seq BETWEEN ?2 AND ?3";
        let mut heads = conn.prepare_cached(&format!(
            "SELECT {HEAD_COLUMNS}, t.journal_seq FROM tickets t WHERE {range} ORDER BY t.number"
        ))?;
        let mut lines = conn.prepare_cached(&format!(
            "SELECT {LINE_COLUMNS}, l.ticket_id FROM tickets t JOIN ticket_lines l ON l.ticket_id = t.id
             WHERE {range} ORDER BY t.number, l.line_no"
        ))?;
        let mut payments = conn.prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS}, p.ticket_id FROM tickets t JOIN payments p ON p.ticket_id = t.id
             WHERE {range} ORDER BY t.number, p.pos"
        ))?;
        let mut shares = conn.prepare_cached(&format!(
            "SELECT {SHARE_COLUMNS}, s.ticket_id FROM tickets t JOIN shares s ON s.ticket_id = t.id
             WHERE {range} ORDER BY t.number, s.exhibitor_code"
        ))?;
        let mut children = [
            (lines.query(p)?, LINE),
            (payments.query(p)?, PAYMENT),
            (shares.query(p)?, SHARE),
        ];
        for (rows, _) in &mut children {
            rows.advance()?;
        }
        let mut heads = heads.query(p)?;
        while let Some(h) = heads.next()? {
            let seq = h.get::<_, i64>(HEAD - 1)? as u64;
            entries.up_to(seq, out)?;
            let id = ticket_id(h)?;
            let batch = out.batch();
            let at = batch.recs.len();
            batch.recs.push(Rec::Entry);
            batch.row(h, HEAD)?;
            let mut n = [0u32; 3];
            for (k, (rows, cols)) in children.iter_mut().enumerate() {
                while let Some(c) = rows.get() {
                    if c.get_ref(*cols)?.as_bytes()? != id {
                        break;
                    }
                    batch.row(c, *cols)?;
                    n[k] += 1;
                    rows.advance()?;
                }
            }
            batch.recs[at] = Rec::Ticket {
                lines: n[0],
                payments: n[1],
                shares: n[2],
            };
            tickets += 1;
            out.done_record()?;
        }
    }
    entries.up_to(u64::MAX, out)?;
    Ok((entries.count, tickets))
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
