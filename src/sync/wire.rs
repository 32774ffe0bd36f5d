//! Bundle records written straight into a byte buffer, byte for byte as `serde_json` writes `format::Record`
//! (the tests compare both): the export's hot path, without a serializer or an allocation per record.
#[cfg(test)]
use super::format::WireShare;
#[cfg(test)]
use crate::storage::journal::Entry;

/// `{"t":"entry",…}\n` as `serde_json::to_vec(&Record::Entry(e))` plus the newline (the escaping's test;
/// `encode` writes entries from stored values the same way).
#[cfg(test)]
pub fn entry_line(out: &mut Vec<u8>, e: &Entry) {
    out.extend_from_slice(br#"{"t":"entry","chain":"#);
    string(out, &e.chain);
    out.extend_from_slice(br#","seq":"#);
    int(out, e.seq);
    out.extend_from_slice(br#","at_utc":"#);
    string(out, &e.at_utc);
    out.extend_from_slice(br#","utc_offset":"#);
    int(out, e.utc_offset);
    out.extend_from_slice(br#","kind":"#);
    string(out, e.kind.as_str());
    out.extend_from_slice(br#","actor":"#);
    string(out, &e.actor);
    out.extend_from_slice(br#","approver":"#);
    string(out, &e.approver);
    out.extend_from_slice(br#","subject":"#);
    string(out, &e.subject);
    out.extend_from_slice(br#","detail":"#);
    string(out, &e.detail);
    out.extend_from_slice(br#","amount":"#);
    int(out, e.amount);
    out.extend_from_slice(br#","grand_total":"#);
    int(out, e.grand_total);
    out.extend_from_slice(br#","prev_hash":"#);
    string(out, &e.prev_hash);
    out.extend_from_slice(br#","hash":"#);
    string(out, &e.hash);
    out.extend_from_slice(br#","signature":"#);
    string(out, &e.signature);
    out.extend_from_slice(b"}\n");
}

/// `{"t":"ticket",…}\n` as `serde_json` writes `Record::Ticket(WireTicket { seq, canonical, shares })`.
#[cfg(test)]
pub fn ticket_line<'a>(
    out: &mut Vec<u8>,
    seq: u64,
    canonical: &str,
    shares: impl IntoIterator<Item = &'a WireShare>,
) {
    ticket_start(out, seq, canonical);
    for (i, (code, net, cash, card, mobile, other)) in shares.into_iter().enumerate() {
        share(out, i == 0, code, [*net, *cash, *card, *mobile, *other]);
    }
    ticket_end(out);
}

/// A ticket record up to its shares' opening bracket.
pub fn ticket_start(out: &mut Vec<u8>, seq: u64, canonical: &str) {
    out.extend_from_slice(br#"{"t":"ticket","seq":"#);
    int(out, seq);
    out.extend_from_slice(br#","canonical":"#);
    string(out, canonical);
    out.extend_from_slice(br#","shares":["#);
}

/// One share `[exhibitor, net, cash, card, mobile, other]`.
pub fn share(out: &mut Vec<u8>, first: bool, code: &str, figures: [i64; 5]) {
    if !first {
        out.push(b',');
    }
    out.push(b'[');
    string(out, code);
    for n in figures {
        out.push(b',');
        int(out, n);
    }
    out.push(b']');
}

pub fn ticket_end(out: &mut Vec<u8>) {
    out.extend_from_slice(b"]}\n");
}

pub fn int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A JSON string as `serde_json` escapes it: `"`, `\` and control characters only (short forms where JSON has
/// them, else `\u00xx` in lower case); everything else, UTF-8 included, as is.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // Nearly every field needs no escape: one tight pass, then a single copy.
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0..=0x1f => b'u',
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.push(b'\\');
        out.push(short);
        if short == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::JournalKind;
    use crate::sync::format::{Record, WireTicket};
    use proptest::prelude::*;

    fn serde_line(r: &Record) -> Vec<u8> {
        let mut v = serde_json::to_vec(r).unwrap();
        v.push(b'\n');
        v
    }

    fn entry(text: &str, n: i64) -> Entry {
        Entry {
            chain: format!("T0{text}"),
            seq: n.unsigned_abs(),
            at_utc: "2025-08-06T08:00:00Z".into(),
            utc_offset: n as i32,
            kind: JournalKind::Sale,
            actor: text.into(),
            approver: String::new(),
            subject: format!("{text}|\\"),
            detail: text.repeat(2),
            amount: n,
            grand_total: -n,
            prev_hash: "ab".repeat(32),
            hash: "cd".repeat(32),
            signature: text.into(),
        }
    }

    proptest! {
        #[test]
        fn records_are_serde_jsons_bytes(text in "\\PC*|[\\x00-\\x7f]*|.*", n in any::<i64>(),
                                         codes in prop::collection::vec(".*", 0..4)) {
            let e = entry(&text, n);
            let mut out = Vec::new();
            entry_line(&mut out, &e);
            prop_assert_eq!(&out, &serde_line(&Record::Entry(e)));
            let shares: Vec<WireShare> =
                codes.iter().map(|c| (c.clone(), n, n / 2, -n / 3, 0, i64::MIN)).collect();
            let mut out = Vec::new();
            ticket_line(&mut out, n.unsigned_abs(), &text, &shares);
            let t = WireTicket { seq: n.unsigned_abs(), canonical: text, shares };
            prop_assert_eq!(out, serde_line(&Record::Ticket(t)));
        }

        /// The reader's shortcut (straight into the variant) reads what the tagged parse reads.
        #[test]
        fn a_record_reads_the_same_by_its_variant_or_its_tag(text in "\\PC*|[\\x00-\\x7f]*|.*",
                                                              n in any::<i64>()) {
            let mut entry_out = Vec::new();
            entry_line(&mut entry_out, &entry(&text, n));
            let mut ticket_out = Vec::new();
            ticket_line(&mut ticket_out, n.unsigned_abs(), &text, &[(text.clone(), n, 0, n, 0, -n)]);
            for out in [entry_out, ticket_out] {
                let body = &out[..out.len() - 1];
                let tagged: Record = serde_json::from_slice(body).unwrap();
                prop_assert_eq!(crate::sync::reader::fast_record(body), Some(tagged));
            }
        }
    }

    #[test]
    fn every_control_character_and_escape() {
        let text: String = (0u8..0x80)
            .map(char::from)
            .chain("é ع \u{2028}".chars())
            .collect();
        let e = entry(&text, 7);
        let mut out = Vec::new();
        entry_line(&mut out, &e);
        assert_eq!(out, serde_line(&Record::Entry(e)));
    }
}
