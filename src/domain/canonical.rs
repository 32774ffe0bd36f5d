//! Canonical, versioned text encodings hashed into the journal: integers and NFC text, no rowids.
//! Changing an encoding means a new version tag, never an edit of an old one.
use super::money::{to_centimes, to_milli};
use super::ticket::{Line, Payment};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

pub const TICKET_V1: &str = "souk-ticket/1";
/// A ticket written on another chain than the till that collected it (paper sales): v1 plus the chain.
pub const TICKET_V2: &str = "souk-ticket/2";
pub const ENTRY_V1: &str = "souk-entry/1";

/// Escapes the field separators so that no two different tickets share an encoding.
pub fn text(s: &str) -> String {
    Esc(s).to_string()
}

/// `text` written straight into a formatter: the encodings hash hundreds of thousands of fields, and nearly
/// every one (ASCII codes, names already in NFC, no separator) is written as it is, without a copy.
pub struct Esc<'a>(pub &'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0;
        // Text already in NFC (all ASCII, and nearly every French or Arabic name as typed) skips the normaliser,
        // which costs more than the hashing itself; the bytes are the same either way.
        let nfc = s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes;
        if nfc && !s.bytes().any(|b| matches!(b, b'\\' | b'|' | b'\n' | b'\r')) {
            return f.write_str(s);
        }
        let mut out = String::with_capacity(s.len() + 8);
        if nfc {
            escape_into(&mut out, s.chars());
        } else {
            escape_into(&mut out, s.nfc());
        }
        f.write_str(&out)
    }
}

/// [`text`] appended to `out`.
pub fn text_into(out: &mut String, s: &str) {
    let _ = write!(out, "{}", Esc(s));
}

/// An optional text field: empty when absent.
pub struct OptEsc<'a>(pub &'a Option<String>);

impl std::fmt::Display for OptEsc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(s) => Esc(s).fmt(f),
            None => Ok(()),
        }
    }
}

fn escape_into(out: &mut String, chars: impl Iterator<Item = char>) {
    for c in chars {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// An optional number: empty when absent.
struct OptNum(Option<i64>);

impl std::fmt::Display for OptNum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(n) => n.fmt(f),
            None => Ok(()),
        }
    }
}

pub fn opt(s: &Option<String>) -> String {
    OptEsc(s).to_string()
}

pub fn cents(d: Decimal) -> i64 {
    to_centimes(d).unwrap_or(i64::MIN)
}

pub fn milli(d: Decimal) -> i64 {
    to_milli(d).unwrap_or(i64::MIN)
}

/// The header of a ticket: everything but its lines and payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketHead {
    pub id: String,
    /// The series (journal chain) the ticket is numbered in: the database that wrote it.
    pub chain: String,
    /// The till that collected the money (its collector settles it).
    pub till: String,
    pub number: u64,
    pub kind: super::TicketKind,
    pub refund_of: Option<String>,
    pub at_utc: String,
    pub utc_offset: i32,
    pub phase: u32,
    pub cashier: String,
    pub shift: Option<String>,
    pub manual: bool,
    pub ticket_ref: Option<String>,
    pub total: Decimal,
    pub rounding: Decimal,
}

pub fn encode_ticket(h: &TicketHead, lines: &[Line], payments: &[Payment]) -> String {
    let mut s = String::with_capacity(256 + 96 * lines.len());
    // v1 when the chain is the till, so that every ticket hashed before v2 existed encodes as it did.
    let (version, chain) = if h.chain == h.till {
        (TICKET_V1, String::new())
    } else {
        (TICKET_V2, format!("|{}", Esc(&h.chain)))
    };
    let _ = write!(
        s,
        "{version}\n{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}{chain}\n",
        Esc(&h.id),
        Esc(&h.till),
        h.number,
        h.kind,
        OptEsc(&h.refund_of),
        h.at_utc,
        h.utc_offset,
        h.phase,
        Esc(&h.cashier),
        OptEsc(&h.shift),
        h.manual as u8,
        OptEsc(&h.ticket_ref),
        cents(h.total),
        cents(h.rounding)
    );
    for l in lines {
        let _ = writeln!(
            s,
            "L|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            l.line_no,
            OptEsc(&l.product_code),
            Esc(&l.exhibitor_code),
            Esc(&l.name_fr),
            OptEsc(&l.name_ar),
            l.unit.as_str(),
            milli(l.quantity),
            cents(l.unit_price),
            cents(l.discount),
            l.vat_rate.normalize(),
            cents(l.total),
            OptNum(l.refund_of_line.map(i64::from))
        );
    }
    for p in payments {
        let _ = writeln!(
            s,
            "P|{}|{}|{}|{}|{}",
            p.method.as_str(),
            cents(p.amount),
            OptNum(p.tendered.map(cents)),
            cents(p.change),
            OptEsc(&p.reference)
        );
    }
    s
}

pub fn sha256_hex(data: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// One journal entry, as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields<'a> {
    pub chain: &'a str,
    pub seq: u64,
    pub at_utc: &'a str,
    pub utc_offset: i32,
    pub kind: &'a str,
    pub actor: &'a str,
    pub approver: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
    pub amount: i64,
    pub grand_total: i64,
    pub prev_hash: &'a str,
}

pub fn entry_hash(e: &EntryFields) -> String {
    let body = format!(
        "{ENTRY_V1}\n{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        Esc(e.chain),
        e.seq,
        e.at_utc,
        e.utc_offset,
        Esc(e.kind),
        Esc(e.actor),
        Esc(e.approver),
        Esc(e.subject),
        Esc(e.detail),
        e.amount,
        e.grand_total,
        e.prev_hash
    );
    sha256_hex(body.as_bytes())
}

/// The hash a chain starts from.
pub fn genesis(chain: &str, market_uuid: &str) -> String {
    sha256_hex(format!("souk-genesis/1|{}|{}", Esc(market_uuid), Esc(chain)).as_bytes())
}

/// The figures of a settlement, hashed into the journal when a phase closes.
pub fn settlement_hash(phase: u32, rows: &[super::settlement::SettlementFigures]) -> String {
    let mut s = format!("souk-settlement/1\n{phase}\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            Esc(&r.exhibitor_code),
            r.tickets,
            cents(r.gross),
            cents(r.refunds),
            cents(r.net),
            cents(r.cash),
            cents(r.card),
            cents(r.mobile),
            cents(r.other),
            r.commission_rate.normalize(),
            cents(r.commission),
            cents(r.stall_fee),
            cents(r.collected_by_organiser),
            cents(r.collected_by_exhibitor),
            cents(r.due_to_exhibitor)
        );
    }
    sha256_hex(s.as_bytes())
}

#[cfg(test)]
mod text_tests {
    use super::*;

    /// The normaliser's output escaped, as `text` was first written.
    fn reference(s: &str) -> String {
        let mut out = String::new();
        escape_into(&mut out, s.nfc());
        out
    }

    #[test]
    fn text_is_the_escaped_nfc_form() {
        for s in [
            "",
            "T01-000042",
            "Amlou | pot\\n\r\\",
            "Coopérative Tighanimine",
            "Coope\u{301}rative",
            "زيت أركان",
            "\u{627}\u{653}",
            "A\u{30a}ngstro\u{308}m",
        ] {
            assert_eq!(text(s), reference(s), "{s:?}");
        }
        assert_eq!(text("Coope\u{301}rative"), "Coopérative");
    }
}
