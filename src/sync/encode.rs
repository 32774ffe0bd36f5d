//! The encoding side of the pipelined export: a batch of stored values (`batch`) becomes bundle text, each
//! value read as the row mappers read it (`FromSql` codes, strict integers, `FromStr` units, methods and VAT
//! rates) and each ticket's canonical text written as `canonical::encode_ticket` writes it from those values,
//! straight into reused buffers. The tests compare the result with the plain path byte for byte.
use super::batch::{Batch, ENTRY_COLUMNS, HEAD, LINE, PAYMENT, Rec, SHARE, Val};
use super::wire;
use crate::domain::canonical::{TICKET_V1, TICKET_V2, text_into};
use crate::domain::{JournalKind, PaymentMethod, TicketKind, Unit};
use crate::storage::error::CorruptValue;
use crate::storage::journal::SELECT_ENTRY;
use crate::storage::tickets::{HEAD_COLUMNS, LINE_COLUMNS, PAYMENT_COLUMNS, SHARE_COLUMNS};
use anyhow::Result;
use rusqlite::types::{FromSql, FromSqlError, ValueRef};
use rust_decimal::Decimal;

pub struct Encoder {
    canonical: String,
    names: [Vec<&'static str>; 5],
}

const ENTRY: usize = 0;
const TICKET: usize = 1;
const LINES: usize = 2;
const PAYMENTS: usize = 3;
const SHARES: usize = 4;

/// Column names of a select list (`t.id, t.chain` → `id`, `chain`), for messages.
fn names(list: &'static str) -> Vec<&'static str> {
    list.split(',')
        .map(|c| c.trim())
        .map(|c| c.split_once('.').map_or(c, |(_, n)| n))
        .collect()
}

impl Default for Encoder {
    fn default() -> Self {
        let entry = SELECT_ENTRY
            .trim_start_matches("SELECT ")
            .split(" FROM ")
            .next()
            .unwrap_or_default();
        let mut head = names(HEAD_COLUMNS);
        head.push("journal_seq");
        Encoder {
            canonical: String::with_capacity(4096),
            names: [
                names(entry),
                head,
                names(LINE_COLUMNS),
                names(PAYMENT_COLUMNS),
                names(SHARE_COLUMNS),
            ],
        }
    }
}

impl Encoder {
    /// Appends the batch's records to `out`, one line each.
    pub fn batch(&mut self, b: &Batch, out: &mut Vec<u8>) -> Result<()> {
        let mut v = 0;
        for rec in &b.recs {
            match *rec {
                Rec::Entry => {
                    let r = self.row(b, &b.vals[v..v + ENTRY_COLUMNS], ENTRY, 12, None);
                    entry(&r, out)?;
                    v += ENTRY_COLUMNS;
                }
                Rec::Ticket {
                    lines,
                    payments,
                    shares,
                } => {
                    let (l, p, s) = (lines as usize, payments as usize, shares as usize);
                    let n = HEAD + l * LINE + p * PAYMENT + s * SHARE;
                    self.ticket(b, &b.vals[v..v + n], [l, p, s], out)?;
                    v += n;
                }
            }
        }
        Ok(())
    }

    fn row<'a>(
        &'a self,
        b: &'a Batch,
        vals: &'a [Val],
        table: usize,
        key: usize,
        id: Option<&'a str>,
    ) -> R<'a> {
        R {
            b,
            vals,
            table,
            names: &self.names[table],
            key,
            id,
        }
    }

    fn ticket(&mut self, b: &Batch, vals: &[Val], n: [usize; 3], out: &mut Vec<u8>) -> Result<()> {
        let mut c = std::mem::take(&mut self.canonical);
        c.clear();
        let h = self.row(b, &vals[..HEAD], TICKET, 0, None);
        let id = h.str(0)?;
        head(&h, &mut c)?;
        let mut at = HEAD;
        for _ in 0..n[0] {
            line(
                &self.row(b, &vals[at..at + LINE], LINES, 0, Some(id)),
                &mut c,
            )?;
            at += LINE;
        }
        for _ in 0..n[1] {
            payment(
                &self.row(b, &vals[at..at + PAYMENT], PAYMENTS, 0, Some(id)),
                &mut c,
            )?;
            at += PAYMENT;
        }
        wire::ticket_start(out, h.int(HEAD - 1)? as u64, &c);
        for k in 0..n[2] {
            let s = self.row(b, &vals[at..at + SHARE], SHARES, 0, Some(id));
            let figures = [s.int(1)?, s.int(2)?, s.int(3)?, s.int(4)?, s.int(5)?];
            wire::share(out, k == 0, s.str(0)?, figures);
            at += SHARE;
        }
        wire::ticket_end(out);
        self.canonical = c;
        Ok(())
    }
}

fn entry(r: &R, out: &mut Vec<u8>) -> Result<()> {
    use wire::{int, string};
    let fields: [(&[u8], usize); 14] = [
        (br#"{"t":"entry","chain":"#, 0),
        (br#","seq":"#, 1),
        (br#","at_utc":"#, 2),
        (br#","utc_offset":"#, 3),
        (br#","kind":"#, 4),
        (br#","actor":"#, 5),
        (br#","approver":"#, 6),
        (br#","subject":"#, 7),
        (br#","detail":"#, 8),
        (br#","amount":"#, 9),
        (br#","grand_total":"#, 10),
        (br#","prev_hash":"#, 11),
        (br#","hash":"#, 12),
        (br#","signature":"#, 13),
    ];
    for (name, i) in fields {
        out.extend_from_slice(name);
        match i {
            1 => int(out, r.int(i)? as u64),
            3 => int(out, r.get::<i32>(i)?),
            4 => string(out, r.get::<JournalKind>(i)?.as_str()),
            9 | 10 => int(out, r.int(i)?),
            _ => string(out, r.str(i)?),
        }
    }
    out.extend_from_slice(b"}\n");
    Ok(())
}

/// `encode_ticket`'s version and head lines.
fn head(h: &R, c: &mut String) -> Result<()> {
    let (chain, till) = (h.str(1)?, h.str(2)?);
    c.push_str(if chain == till { TICKET_V1 } else { TICKET_V2 });
    c.push('\n');
    text_into(c, h.str(0)?);
    c.push('|');
    text_into(c, till);
    c.push('|');
    num(c, h.int(3)? as u64);
    c.push('|');
    c.push_str(h.get::<TicketKind>(4)?.as_str());
    c.push('|');
    opt_text(c, h.opt_str(5)?);
    c.push('|');
    c.push_str(h.str(6)?);
    c.push('|');
    num(c, h.get::<i32>(7)?);
    c.push('|');
    num(c, h.get::<u32>(8)?);
    c.push('|');
    text_into(c, h.str(9)?);
    c.push('|');
    opt_text(c, h.opt_str(10)?);
    c.push('|');
    num(c, h.get::<bool>(11)? as u8);
    c.push('|');
    opt_text(c, h.opt_str(12)?);
    c.push('|');
    num(c, h.int(13)?);
    c.push('|');
    num(c, h.int(14)?);
    if chain != till {
        c.push('|');
        text_into(c, chain);
    }
    c.push('\n');
    Ok(())
}

fn line(l: &R, c: &mut String) -> Result<()> {
    c.push_str("L|");
    num(c, l.get::<u32>(0)?);
    c.push('|');
    opt_text(c, l.opt_str(1)?);
    c.push('|');
    text_into(c, l.str(2)?);
    c.push('|');
    text_into(c, l.str(3)?);
    c.push('|');
    opt_text(c, l.opt_str(4)?);
    c.push('|');
    c.push_str(l.parsed::<Unit>(5)?.as_str());
    for i in [6, 7, 8] {
        c.push('|');
        num(c, l.int(i)?);
    }
    c.push('|');
    use std::fmt::Write;
    let _ = write!(c, "{}", l.parsed::<Decimal>(9)?.normalize());
    c.push('|');
    num(c, l.int(10)?);
    c.push('|');
    if let Some(n) = l.get::<Option<u32>>(11)? {
        num(c, n);
    }
    c.push('\n');
    Ok(())
}

fn payment(p: &R, c: &mut String) -> Result<()> {
    c.push_str("P|");
    c.push_str(p.parsed::<PaymentMethod>(0)?.as_str());
    c.push('|');
    num(c, p.int(1)?);
    c.push('|');
    if let Some(n) = p.get::<Option<i64>>(2)? {
        num(c, n);
    }
    c.push('|');
    num(c, p.int(3)?);
    c.push('|');
    opt_text(c, p.opt_str(4)?);
    c.push('\n');
    Ok(())
}

fn num(c: &mut String, n: impl itoa::Integer) {
    c.push_str(itoa::Buffer::new().format(n));
}

fn opt_text(c: &mut String, s: Option<&str>) {
    if let Some(s) = s {
        text_into(c, s);
    }
}

/// One stored row of a batch, read as its table's row mapper reads it; a value it cannot read is an error
/// naming the table, the row (its key, or its ticket) and the column.
struct R<'a> {
    b: &'a Batch,
    vals: &'a [Val],
    table: usize,
    names: &'a [&'static str],
    key: usize,
    id: Option<&'a str>,
}

impl<'a> R<'a> {
    fn value(&self, i: usize) -> ValueRef<'a> {
        match self.vals[i] {
            Val::Null => ValueRef::Null,
            Val::Int(n) => ValueRef::Integer(n),
            Val::Text { at, len } => ValueRef::Text(self.b.text(at, len)),
            Val::Real => ValueRef::Real(0.0),
            Val::Blob => ValueRef::Blob(&[]),
        }
    }

    fn get<T: FromSql>(&self, i: usize) -> Result<T> {
        T::column_result(self.value(i)).map_err(|e| self.corrupt(i, e))
    }

    fn int(&self, i: usize) -> Result<i64> {
        self.get(i)
    }

    fn str(&self, i: usize) -> Result<&'a str> {
        self.value(i).as_str().map_err(|e| self.corrupt(i, e))
    }

    fn opt_str(&self, i: usize) -> Result<Option<&'a str>> {
        match self.value(i) {
            ValueRef::Null => Ok(None),
            v => v.as_str().map(Some).map_err(|e| self.corrupt(i, e)),
        }
    }

    /// A stored code read as text then parsed, as `ticket_rows::parsed` does.
    fn parsed<T: std::str::FromStr>(&self, i: usize) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        let s = self.str(i)?;
        s.parse().map_err(|e: T::Err| {
            let detail = format!("{s:?} ({e})");
            self.corrupt(i, FromSqlError::Other(detail.into()))
        })
    }

    fn corrupt(&self, i: usize, e: FromSqlError) -> anyhow::Error {
        let detail = match e {
            FromSqlError::InvalidType => match self.vals[i] {
                Val::Null => "valeur absente".to_string(),
                Val::Int(n) => format!("nombre {n} au lieu d'un texte"),
                Val::Text { .. } => "texte au lieu d'un nombre".to_string(),
                Val::Real | Val::Blob => "type de valeur inattendu".to_string(),
            },
            FromSqlError::OutOfRange(n) => format!("{n} hors limites"),
            other => other.to_string(),
        };
        let row = match (self.id, self.value(self.key)) {
            (Some(id), _) => format!("ticket {id}"),
            (None, ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
            (None, ValueRef::Integer(n)) => n.to_string(),
            _ => "?".to_string(),
        };
        let table = ["journal", "tickets", "ticket_lines", "payments", "shares"][self.table];
        CorruptValue {
            table,
            column: self.names.get(i).unwrap_or(&"?").to_string(),
            row,
            detail,
        }
        .into()
    }
}
