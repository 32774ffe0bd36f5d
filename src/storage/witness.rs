//! `souk check`: a witness printed on paper (a receipt's QR payload, a Z report's or a statement's head) checked
//! against the journal. The paper is outside the database, so it catches what a rewritten database hides.
use super::journal::{self, Entry, SELECT_ENTRY};
use super::tickets::load_ticket;
use crate::domain::canonical::{encode_ticket, entry_hash, genesis, sha256_hex};
use anyhow::{Result, bail};
use rusqlite::{Connection, OptionalExtension};
use rust_decimal::Decimal;

/// What a person typed or a scanner read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// `SOUK1|T01-000042|1a2b3c4d|182.50`
    Receipt {
        ticket: String,
        hash8: String,
        total: Decimal,
    },
    /// A printed hash: a chain head (Z report) or the phase witness (statements), at least 8 hex digits.
    Head(String),
}

/// The verdict: `conforme` or not, and the lines that say why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub conforme: bool,
    pub lines: Vec<String>,
}

impl Outcome {
    pub(super) fn ok(line: String) -> Outcome {
        Outcome {
            conforme: true,
            lines: vec![line],
        }
    }
    pub(super) fn bad(lines: Vec<String>) -> Outcome {
        Outcome {
            conforme: false,
            lines,
        }
    }
}

/// Reads a witness; spaces and line breaks (a head typed from two printed lines) are ignored.
pub fn parse(text: &str) -> Result<Witness> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(rest) = compact
        .strip_prefix("SOUK1|")
        .or_else(|| compact.strip_prefix("souk1|"))
    {
        let parts: Vec<&str> = rest.split('|').collect();
        let [ticket, hash8, total] = parts[..] else {
            bail!(
                "témoin illisible : attendu SOUK1|TICKET|EMPREINTE|TOTAL (ex. SOUK1|T01-000042|1a2b3c4d|182.50)"
            );
        };
        if hash8.len() != 8 || !hash8.chars().all(|c| c.is_ascii_hexdigit()) {
            bail!(
                "témoin illisible : « {hash8} » n'est pas une empreinte de 8 chiffres hexadécimaux"
            );
        }
        let total: Decimal = total
            .replace(',', ".")
            .parse()
            .map_err(|_| anyhow::anyhow!("témoin illisible : « {total} » n'est pas un montant"))?;
        return Ok(Witness::Receipt {
            ticket: ticket.to_ascii_uppercase(),
            hash8: hash8.to_ascii_lowercase(),
            total,
        });
    }
    let hex = compact.to_ascii_lowercase();
    if hex.len() < 8 || hex.len() > 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!(
            "témoin illisible : ni un QR de ticket (SOUK1|…) ni une empreinte hexadécimale d'au moins 8 chiffres"
        );
    }
    Ok(Witness::Head(hex))
}

pub fn check(conn: &Connection, w: &Witness) -> Result<Outcome> {
    match w {
        Witness::Receipt {
            ticket,
            hash8,
            total,
        } => check_receipt(conn, ticket, hash8, *total),
        Witness::Head(hex) => check_head(conn, hex),
    }
}

fn check_receipt(conn: &Connection, id: &str, hash8: &str, total: Decimal) -> Result<Outcome> {
    let Some(t) = load_ticket(conn, id)? else {
        return Ok(Outcome::bad(vec![format!(
            "ticket {id} inconnu de cette base (fusionnez d'abord le lot de sa caisse)"
        )]));
    };
    let Some(entry) = journal::entry_for(conn, &t.head.id, t.head.kind.into())? else {
        return Ok(Outcome::bad(vec![format!(
            "ticket {id} : absent du journal"
        )]));
    };
    let mut diffs = entry_problems(conn, &entry)?;
    let body = sha256_hex(encode_ticket(&t.head, &t.lines, &t.payments).as_bytes());
    if body != entry.detail {
        diffs.push(format!(
            "ticket {id} : ses lignes ou paiements ne correspondent plus à son entrée du journal"
        ));
    }
    if !entry.hash.starts_with(hash8) {
        diffs.push(format!(
            "empreinte : le reçu porte {hash8}, le journal {}",
            entry.short_hash()
        ));
    }
    if t.head.total != total {
        diffs.push(format!(
            "total : le reçu porte {}, la base {}",
            crate::domain::money::format_dh(total),
            crate::domain::money::format_dh(t.head.total)
        ));
    }
    if diffs.is_empty() {
        return Ok(Outcome::ok(format!(
            "conforme : ticket {id} du {}, total {} DH, entrée {} n°{} du journal",
            fr_date(&t.local_date),
            crate::domain::money::format_fr(t.head.total),
            entry.chain,
            entry.seq
        )));
    }
    diffs.insert(0, format!("non conforme : ticket {id}"));
    Ok(Outcome::bad(diffs))
}

fn check_head(conn: &Connection, hex: &str) -> Result<Outcome> {
    let pattern = format!("{hex}%");
    let entry = conn
        .prepare(&format!(
            "{SELECT_ENTRY} WHERE hash LIKE ?1 ORDER BY chain, seq LIMIT 1"
        ))?
        .query_row([&pattern], journal::from_row)
        .optional()?;
    if let Some(e) = entry {
        let problems = entry_problems(conn, &e)?;
        if problems.is_empty() {
            return Ok(Outcome::ok(format!(
                "conforme : entrée {} n°{} du journal ({} {}, {})",
                e.chain, e.seq, e.kind, e.subject, e.at_utc
            )));
        }
        let mut lines = vec![format!("non conforme : entrée {} n°{}", e.chain, e.seq)];
        lines.extend(problems);
        return Ok(Outcome::bad(lines));
    }
    let closed: Option<u32> = conn
        .prepare("SELECT number FROM phases WHERE closed_witness LIKE ?1 ORDER BY number LIMIT 1")?
        .query_row([&pattern], |r| r.get(0))
        .optional()?;
    if let Some(n) = closed {
        return Ok(Outcome::ok(format!(
            "conforme : témoin de la clôture de la phase {n}"
        )));
    }
    if journal::witness(conn)?.starts_with(hex) {
        return Ok(Outcome::ok(
            "conforme : têtes actuelles du journal (aucune entrée ajoutée depuis l'impression)"
                .into(),
        ));
    }
    if let Some(outcome) = super::witness_settlement::check(conn, hex)? {
        return Ok(outcome);
    }
    Ok(Outcome::bad(vec![format!(
        "non conforme : l'empreinte {hex} ne correspond à aucune entrée du journal, ni à la clôture d'une phase, \
         ni aux têtes actuelles (document d'une autre base, ou journal réécrit)"
    )]))
}

/// `2026-11-27` → `27/11/2026`, as people read dates.
fn fr_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// The entry as stored must hash to itself and follow the one before it in its chain.
pub(super) fn entry_problems(conn: &Connection, e: &Entry) -> Result<Vec<String>> {
    let mut v = Vec::new();
    let at = format!("journal {} n°{}", e.chain, e.seq);
    if entry_hash(&e.fields()) != e.hash {
        v.push(format!("{at} : empreinte fausse, entrée modifiée"));
    }
    let want_prev = if e.seq == 1 {
        Some(genesis(&e.chain, &journal::market_uuid(conn)?))
    } else {
        conn.prepare_cached("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?
            .query_row(rusqlite::params![e.chain, e.seq as i64 - 1], |r| r.get(0))
            .optional()?
    };
    if let Some((public, from)) = super::keys::key_for(conn, &e.chain, e.seq)?
        && e.seq >= from
        && !super::keys::signature_ok(&public, &e.hash, &e.signature)
    {
        v.push(format!("{at} : signature fausse ou absente"));
    }
    if want_prev.as_deref() != Some(e.prev_hash.as_str()) {
        v.push(format!(
            "{at} : ne suit pas l'entrée précédente (chaîne rompue)"
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn reads_a_receipt_payload_and_a_head() {
        assert_eq!(
            parse("SOUK1|t01-000042|1A2B3C4D|182.50").unwrap(),
            Witness::Receipt {
                ticket: "T01-000042".into(),
                hash8: "1a2b3c4d".into(),
                total: dec!(182.50)
            }
        );
        assert_eq!(
            parse(" 12ab34cd\n 56ef ").unwrap(),
            Witness::Head("12ab34cd56ef".into())
        );
    }

    #[test]
    fn refuses_what_is_not_a_witness() {
        for bad in [
            "",
            "SOUK1|T01-000042|1a2b|1.00",
            "SOUK1|T01|1a2b3c4d",
            "SOUK1|T01-000001|1a2b3c4d|douze",
            "bonjour",
            "1a2b3c",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
