//! Ordered readers for `verify`: tickets with their journal entry, and their lines, payments and shares, each
//! read once in ticket id order and joined in memory, so a ticket costs no query of its own.
use crate::domain::canonical::TicketHead;
use crate::domain::settlement::ExhibitorShare;
use crate::domain::{Line, Payment};
use crate::storage::tickets::{head_from_row, line_from_row, payment_from_row, share_from_row};
use anyhow::Result;
use rusqlite::{Connection, Row, Rows, Statement};
use std::cmp::Ordering;

/// The journal entry a ticket row points at (`tickets.chain`, `tickets.journal_seq`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub chain: String,
    pub seq: u64,
    pub subject: String,
    pub kind: crate::domain::JournalKind,
    pub detail: String,
}

/// One stored share row (signed by the ticket's kind).
pub type ShareRow = ExhibitorShare;

/// A ticket as its rows hold it, with what the journal says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTicket {
    pub head: TicketHead,
    pub link: Option<Link>,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    pub shares: Vec<ShareRow>,
}

const HEADS: &str = "SELECT t.id, t.chain, t.till, t.number, t.kind, t.refund_of, t.at_utc, t.utc_offset, t.phase,
     t.cashier, t.shift, t.manual, t.ticket_ref, t.total, t.rounding, j.chain, j.seq, j.subject, j.kind, j.detail
     FROM tickets t LEFT JOIN journal j ON j.chain = t.chain AND j.seq = t.journal_seq ORDER BY t.id";
const LINES: &str = "SELECT line_no, product_code, exhibitor_code, name_fr, name_ar, unit, quantity, unit_price,
     discount, vat_rate, total, refund_of_line, ticket_id FROM ticket_lines ORDER BY ticket_id, line_no";
const PAYMENTS: &str = "SELECT method, amount, tendered, change, reference, ticket_id FROM payments
     ORDER BY ticket_id, pos";
const SHARES: &str = "SELECT exhibitor_code, net, cash, card, mobile, other, ticket_id FROM shares
     ORDER BY ticket_id, exhibitor_code"; // the columns of `tickets::SHARE_COLUMNS`, then the ticket

/// The four statements; `TicketScan` borrows them while it runs.
pub struct Statements<'c>([Statement<'c>; 4]);

impl<'c> Statements<'c> {
    pub fn prepare(conn: &'c Connection) -> Result<Self> {
        Ok(Statements([
            conn.prepare(HEADS)?,
            conn.prepare(LINES)?,
            conn.prepare(PAYMENTS)?,
            conn.prepare(SHARES)?,
        ]))
    }

    pub fn scan(&mut self) -> Result<TicketScan<'_>> {
        let [h, l, p, s] = &mut self.0;
        Ok(TicketScan {
            heads: h.query([])?,
            lines: Ordered::new(l.query([])?, 12, line_from_row)?,
            payments: Ordered::new(p.query([])?, 5, payment_from_row)?,
            shares: Ordered::new(s.query([])?, 6, share_from_row)?,
        })
    }
}

fn link_from_row(r: &Row) -> rusqlite::Result<Option<Link>> {
    let Some(chain) = r.get::<_, Option<String>>(15)? else {
        return Ok(None);
    };
    Ok(Some(Link {
        chain,
        seq: r.get::<_, i64>(16)? as u64,
        subject: r.get(17)?,
        kind: r.get(18)?,
        detail: r.get(19)?,
    }))
}

/// Rows of one table in ticket id order, the id in column `key`.
struct Ordered<'s, T> {
    rows: Rows<'s>,
    key: usize,
    decode: fn(&Row) -> rusqlite::Result<T>,
    /// The id of the row in `peeked`, in a buffer kept across rows (a million rows, no allocation each).
    peeked_id: String,
    peeked: Option<T>,
}

impl<'s, T> Ordered<'s, T> {
    fn new(rows: Rows<'s>, key: usize, decode: fn(&Row) -> rusqlite::Result<T>) -> Result<Self> {
        let mut o = Ordered {
            rows,
            key,
            decode,
            peeked_id: String::new(),
            peeked: None,
        };
        o.advance()?;
        Ok(o)
    }

    fn advance(&mut self) -> Result<()> {
        self.peeked = match self.rows.next()? {
            Some(r) => {
                self.peeked_id.clear();
                self.peeked_id.push_str(r.get_ref(self.key)?.as_str()?);
                Some((self.decode)(r)?)
            }
            None => None,
        };
        Ok(())
    }

    /// The rows of ticket `id` (None: past the last ticket, everything left). Rows of ids that come before it
    /// belong to no ticket: their ids go to `orphans`, once each.
    fn take(&mut self, id: Option<&str>, orphans: &mut Vec<String>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while self.peeked.is_some() {
            let key = self.peeked_id.as_str();
            match id.map_or(Ordering::Less, |id| key.cmp(id)) {
                Ordering::Greater => break,
                Ordering::Equal => out.extend(self.peeked.take()),
                Ordering::Less => {
                    if orphans.last().map(String::as_str) != Some(key) {
                        orphans.push(key.to_string());
                    }
                }
            }
            self.advance()?;
        }
        Ok(out)
    }
}

/// Row ids found in lines, payments or shares with no ticket of that id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Orphans {
    pub lines: Vec<String>,
    pub payments: Vec<String>,
    pub shares: Vec<String>,
}

pub struct TicketScan<'s> {
    heads: Rows<'s>,
    lines: Ordered<'s, Line>,
    payments: Ordered<'s, Payment>,
    shares: Ordered<'s, ShareRow>,
}

impl TicketScan<'_> {
    /// The next ticket in id order, or None at the end (then `orphans` also holds every row left over).
    pub fn next(&mut self, orphans: &mut Orphans) -> Result<Option<StoredTicket>> {
        let Some(r) = self.heads.next()? else {
            self.lines.take(None, &mut orphans.lines)?;
            self.payments.take(None, &mut orphans.payments)?;
            self.shares.take(None, &mut orphans.shares)?;
            return Ok(None);
        };
        let head = head_from_row(r)?;
        let link = link_from_row(r)?;
        let id = Some(head.id.as_str());
        Ok(Some(StoredTicket {
            lines: self.lines.take(id, &mut orphans.lines)?,
            payments: self.payments.take(id, &mut orphans.payments)?,
            shares: self.shares.take(id, &mut orphans.shares)?,
            head,
            link,
        }))
    }
}
