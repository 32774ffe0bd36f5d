//! A ticket's rows — head, lines, payments, shares — written as they are and read back, shared by the sale, the
//! import, merge, push and verify.
use super::tickets::Ticket;
use crate::domain::canonical::TicketHead;
use crate::domain::money::{from_centimes, from_milli, to_centimes, to_milli};
use crate::domain::settlement::{ExhibitorShare, exhibitor_shares};
use crate::domain::{ByMethod, Line, Payment, TicketKind};
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};

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
