//! The least work that checks the same hashes as `souk verify` (shared by the verify and growth benches): every
//! row of the journal, tickets, lines, payments and shares read once in key order, the same canonical bytes
//! written straight from the columns, one SHA-256 per journal entry and one per ticket.
use rusqlite::Connection;
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub fn hex(digest: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in digest {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A text field as the canonical encoding writes it: separators escaped (the data is already NFC).
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\\', '|', '\n', '\r']) {
        souk::domain::canonical::text(s).into()
    } else {
        s.into()
    }
}

/// Journal: every entry's hash recomputed; returns (entries, mismatches, XOR of the ticket entries' details).
fn floor_journal(conn: &Connection) -> (u64, u64, [u8; 32]) {
    let mut stmt = conn
        .prepare(
            "SELECT chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, amount, grand_total,
             prev_hash, hash FROM journal ORDER BY chain, seq",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let (mut n, mut bad, mut details) = (0u64, 0u64, [0u8; 32]);
    let mut buf = String::with_capacity(512);
    while let Some(r) = rows.next().unwrap() {
        buf.clear();
        let s = |i: usize| r.get_ref(i).unwrap().as_str().unwrap();
        let i = |i: usize| r.get_ref(i).unwrap().as_i64().unwrap();
        let _ = write!(
            buf,
            "souk-entry/1\n{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            esc(s(0)),
            i(1),
            s(2),
            i(3),
            esc(s(4)),
            esc(s(5)),
            esc(s(6)),
            esc(s(7)),
            esc(s(8)),
            i(9),
            i(10),
            s(11)
        );
        n += 1;
        if hex(&Sha256::digest(buf.as_bytes())) != s(12) {
            bad += 1;
        }
        if matches!(s(4), "sale" | "refund") {
            let d = s(8).as_bytes();
            for (k, x) in details.iter_mut().enumerate() {
                *x ^= u8::from_str_radix(std::str::from_utf8(&d[2 * k..2 * k + 2]).unwrap(), 16)
                    .unwrap();
            }
        }
    }
    (n, bad, details)
}

fn opt(v: rusqlite::types::ValueRef<'_>) -> String {
    match v {
        rusqlite::types::ValueRef::Null => String::new(),
        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
        other => esc(other.as_str().unwrap()).into_owned(),
    }
}

/// Tickets with their lines and payments merged in id order; returns (tickets, XOR of their hashes, shares).
fn floor_tickets(conn: &Connection) -> (u64, [u8; 32], i64) {
    let mut heads = conn
        .prepare(
            "SELECT id, till, number, kind, refund_of, at_utc, utc_offset, phase, cashier, shift, manual,
             ticket_ref, total, rounding, chain FROM tickets ORDER BY id",
        )
        .unwrap();
    let mut lines = conn
        .prepare(
            "SELECT ticket_id, line_no, product_code, exhibitor_code, name_fr, name_ar, unit, quantity,
             unit_price, discount, vat_rate, total, refund_of_line FROM ticket_lines ORDER BY ticket_id, line_no",
        )
        .unwrap();
    let mut pays = conn
        .prepare(
            "SELECT ticket_id, method, amount, tendered, change, reference FROM payments ORDER BY ticket_id, pos",
        )
        .unwrap();
    let mut shares = conn
        .prepare("SELECT ticket_id, net, cash, card, mobile, other FROM shares ORDER BY ticket_id, exhibitor_code")
        .unwrap();
    let mut share_sum = 0i64;
    let mut rows = shares.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        for k in 1..6 {
            share_sum = share_sum.wrapping_add(r.get::<_, i64>(k).unwrap());
        }
    }
    let (mut h, mut l, mut p) = (
        heads.query([]).unwrap(),
        lines.query([]).unwrap(),
        pays.query([]).unwrap(),
    );
    let (mut n, mut xor) = (0u64, [0u8; 32]);
    let mut buf = String::with_capacity(1024);
    l.advance().unwrap();
    p.advance().unwrap();
    while let Some(t) = h.next().unwrap() {
        buf.clear();
        let id = t.get_ref(0).unwrap().as_str().unwrap().to_string();
        let (till, chain) = (opt(t.get_ref(1).unwrap()), opt(t.get_ref(14).unwrap()));
        let (version, chain) = if chain == till {
            (1, String::new())
        } else {
            (2, format!("|{chain}"))
        };
        let _ = writeln!(
            buf,
            "souk-ticket/{version}\n{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}{chain}",
            esc(&id),
            opt(t.get_ref(1).unwrap()),
            opt(t.get_ref(2).unwrap()),
            opt(t.get_ref(3).unwrap()),
            opt(t.get_ref(4).unwrap()),
            opt(t.get_ref(5).unwrap()),
            opt(t.get_ref(6).unwrap()),
            opt(t.get_ref(7).unwrap()),
            opt(t.get_ref(8).unwrap()),
            opt(t.get_ref(9).unwrap()),
            opt(t.get_ref(10).unwrap()),
            opt(t.get_ref(11).unwrap()),
            opt(t.get_ref(12).unwrap()),
            opt(t.get_ref(13).unwrap()),
        );
        while let Some(r) = l.get() {
            if r.get_ref(0).unwrap().as_str().unwrap() != id {
                break;
            }
            buf.push('L');
            for k in 1..13 {
                buf.push('|');
                buf.push_str(&opt(r.get_ref(k).unwrap()));
            }
            buf.push('\n');
            l.advance().unwrap();
        }
        while let Some(r) = p.get() {
            if r.get_ref(0).unwrap().as_str().unwrap() != id {
                break;
            }
            buf.push('P');
            for k in 1..6 {
                buf.push('|');
                buf.push_str(&opt(r.get_ref(k).unwrap()));
            }
            buf.push('\n');
            p.advance().unwrap();
        }
        n += 1;
        for (x, d) in xor.iter_mut().zip(Sha256::digest(buf.as_bytes())) {
            *x ^= d;
        }
    }
    (n, xor, share_sum)
}

pub fn floor(conn: &Connection) -> u64 {
    let (entries, bad, details) = floor_journal(conn);
    let (tickets, xor, _) = floor_tickets(conn);
    assert_eq!(bad, 0, "the floor must hash the same bytes as the journal");
    assert_eq!(xor, details, "the floor must hash the same ticket bytes");
    entries + tickets
}

pub fn integrity_check(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// The least work that checks the same signatures as `souk verify`: every journal entry's hash, signature and
/// chain read once in key order, each entry's key the chain's last registered from at or before its seq, and
/// the signatures checked in batches of 1024 (Ed25519 batch verification). Returns how many were checked.
#[allow(dead_code)]
pub fn signatures(conn: &Connection) -> u64 {
    use ed25519_dalek::{Signature, VerifyingKey};
    let unhex = |s: &str| -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    };
    let mut keys: std::collections::HashMap<String, Vec<(u64, VerifyingKey)>> = Default::default();
    let mut stmt = conn
        .prepare("SELECT chain, public_key, from_seq FROM chain_keys ORDER BY from_seq, id")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let pk: [u8; 32] = unhex(&r.get::<_, String>(1).unwrap()).try_into().unwrap();
        keys.entry(r.get(0).unwrap()).or_default().push((
            r.get::<_, i64>(2).unwrap() as u64,
            VerifyingKey::from_bytes(&pk).unwrap(),
        ));
    }
    let mut stmt = conn
        .prepare("SELECT chain, seq, hash, signature FROM journal ORDER BY chain, seq")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    let (mut hashes, mut sigs, mut vks) = (Vec::new(), Vec::new(), Vec::new());
    let mut checked = 0;
    let mut check =
        |hashes: &mut Vec<String>, sigs: &mut Vec<Signature>, vks: &mut Vec<VerifyingKey>| {
            let messages: Vec<&[u8]> = hashes.iter().map(|h| h.as_bytes()).collect();
            ed25519_dalek::verify_batch(&messages, sigs, vks).unwrap();
            checked += hashes.len() as u64;
            hashes.clear();
            sigs.clear();
            vks.clear();
        };
    while let Some(r) = rows.next().unwrap() {
        let chain: String = r.get(0).unwrap();
        let seq = r.get::<_, i64>(1).unwrap() as u64;
        let Some(&(_, vk)) = keys
            .get(&chain)
            .and_then(|k| k.iter().rev().find(|(f, _)| *f <= seq))
        else {
            continue;
        };
        let sig: [u8; 64] = unhex(&r.get::<_, String>(3).unwrap()).try_into().unwrap();
        hashes.push(r.get(2).unwrap());
        sigs.push(Signature::from_bytes(&sig));
        vks.push(vk);
        if hashes.len() == 1024 {
            check(&mut hashes, &mut sigs, &mut vks);
        }
    }
    if !hashes.is_empty() {
        check(&mut hashes, &mut sigs, &mut vks);
    }
    checked
}
