//! `souk verify`: recomputes every journal hash, every ticket's canonical encoding from its rows, every stored
//! share, and checks per-till numbering. The first break is named. Each table is read once, in key order:
//! the journal by chain, the tickets with their rows by id, the numbering by till; no query per ticket.
mod scan;

use super::journal::{self, Entry};
use crate::domain::canonical::{encode_ticket, entry_hash, genesis, sha256_hex};
use crate::domain::money::to_centimes;
use crate::domain::settlement::exhibitor_shares;
use anyhow::Result;
use rusqlite::Connection;
use scan::{ShareRow, StoredTicket};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TillSummary {
    pub till: String,
    pub tickets: u64,
    pub last_ticket: Option<String>,
    pub gaps: Vec<(u64, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub entries: u64,
    pub tickets: u64,
    pub tills: Vec<TillSummary>,
    /// Each break names the entry or ticket where it was found; the first is the one to look at.
    pub breaks: Vec<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty()
    }
}

pub fn verify(conn: &Connection) -> Result<Verdict> {
    let mut v = Verdict::default();
    let uuid = journal::market_uuid(conn)?;
    verify_chains(conn, &uuid, &mut v)?;
    verify_tickets(conn, &mut v)?;
    verify_numbering(conn, &mut v)?;
    Ok(v)
}

/// One pass over the journal in chain order; each ticket entry comes with the ticket it names, if any.
fn verify_chains(conn: &Connection, uuid: &str, v: &mut Verdict) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT j.chain, j.seq, j.at_utc, j.utc_offset, j.kind, j.actor, j.approver, j.subject, j.detail, j.amount,
         j.grand_total, j.prev_hash, j.hash, j.signature, t.chain, t.journal_seq
         FROM journal j LEFT JOIN tickets t ON j.kind IN ('sale', 'refund') AND t.id = j.subject
         ORDER BY j.chain, j.seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev: Option<Entry> = None;
    while let Some(r) = rows.next()? {
        let e = journal::from_row(r)?;
        v.entries += 1;
        let same_chain = prev.as_ref().filter(|p| p.chain == e.chain);
        let genesis_hash;
        let (want_seq, want_prev, total_before) = match same_chain {
            Some(p) => (p.seq + 1, p.hash.as_str(), p.grand_total),
            None => {
                genesis_hash = genesis(&e.chain, uuid);
                (1, genesis_hash.as_str(), 0)
            }
        };
        let at = format!("journal {} n°{}", e.chain, e.seq);
        if e.seq != want_seq {
            v.breaks.push(format!(
                "{at} : entrée(s) manquante(s) avant (attendu n°{want_seq})"
            ));
        } else if e.prev_hash != want_prev {
            v.breaks.push(format!(
                "{at} : ne suit pas l'entrée précédente (chaîne rompue)"
            ));
        } else if entry_hash(&e.fields()) != e.hash {
            v.breaks.push(format!(
                "{at} ({} {}) : empreinte fausse, entrée modifiée",
                e.kind, e.subject
            ));
        } else if total_before.checked_add(e.amount) != Some(e.grand_total) {
            v.breaks.push(format!("{at} : total perpétuel incohérent"));
        }
        if matches!(e.kind.as_str(), "sale" | "refund") {
            let ticket: Option<(String, i64)> = match r.get::<_, Option<String>>(14)? {
                Some(till) => Some((till, r.get(15)?)),
                None => None,
            };
            check_ticket_entry(&e, ticket, &at, v);
        }
        prev = Some(e);
    }
    Ok(())
}

/// A journalled ticket must still exist, as it was.
fn check_ticket_entry(e: &Entry, ticket: Option<(String, i64)>, at: &str, v: &mut Verdict) {
    match ticket {
        None => v.breaks.push(format!(
            "{at} : le ticket {} a disparu de la base",
            e.subject
        )),
        Some((chain, seq)) if chain != e.chain || seq as u64 != e.seq => v.breaks.push(format!(
            "{at} : le ticket {} ne renvoie plus à cette entrée",
            e.subject
        )),
        _ => {}
    }
}

/// One pass over the tickets in id order, their lines, payments and shares read alongside.
fn verify_tickets(conn: &Connection, v: &mut Verdict) -> Result<()> {
    let mut statements = scan::Statements::prepare(conn)?;
    let mut tickets = statements.scan()?;
    let mut orphans = scan::Orphans::default();
    while let Some(t) = tickets.next(&mut orphans)? {
        v.tickets += 1;
        if let Some(problem) = ticket_problem(&t) {
            v.breaks.push(format!("ticket {} : {problem}", t.head.id));
        }
    }
    for (what, ids) in [
        ("lignes", &orphans.lines),
        ("paiements", &orphans.payments),
        ("répartition par exposant", &orphans.shares),
    ] {
        for id in ids {
            v.breaks
                .push(format!("ticket {id} : {what} sans ticket dans la base"));
        }
    }
    Ok(())
}

fn ticket_problem(t: &StoredTicket) -> Option<String> {
    let Some(entry) = &t.link else {
        return Some("absent du journal".into());
    };
    if entry.subject != t.head.id || entry.kind != t.head.kind {
        return Some(format!(
            "ne renvoie plus à son entrée du journal ({} n°{} journalise {} {})",
            entry.chain, entry.seq, entry.kind, entry.subject
        ));
    }
    let body = sha256_hex(encode_ticket(&t.head, &t.lines, &t.payments).as_bytes());
    if body != entry.detail {
        return Some(format!(
            "ne correspond plus à l'entrée {} n°{} du journal (ticket, lignes ou paiements modifiés)",
            entry.chain, entry.seq
        ));
    }
    let sum: i64 = t
        .lines
        .iter()
        .map(|l| to_centimes(l.total).unwrap_or(0))
        .sum();
    if Some(sum) != to_centimes(t.head.total).ok() {
        return Some("le total ne correspond pas à la somme des lignes".into());
    }
    let sign = if t.head.kind == "refund" { -1 } else { 1 };
    let want: Vec<ShareRow> = exhibitor_shares(&t.lines, &t.payments)
        .into_iter()
        .map(|s| {
            (
                s.exhibitor_code,
                s.net * sign,
                s.by_method.map(|m| m * sign),
            )
        })
        .collect();
    if want != t.shares {
        return Some("répartition par exposant modifiée".into());
    }
    None
}

/// Only the per-till numbering (tickets, last ticket, gaps): cheap enough for a screen, no hash recomputed.
pub fn numbering(conn: &Connection) -> Result<Verdict> {
    let mut v = Verdict::default();
    verify_numbering(conn, &mut v)?;
    Ok(v)
}

fn verify_numbering(conn: &Connection, v: &mut Verdict) -> Result<()> {
    let mut stmt = conn.prepare("SELECT chain, number FROM tickets ORDER BY chain, number")?;
    let mut rows = stmt.query([])?;
    let mut current: Option<TillSummary> = None;
    let mut last = 0u64;
    while let Some(r) = rows.next()? {
        let (till, n): (String, i64) = (r.get(0)?, r.get(1)?);
        let n = n as u64;
        if current.as_ref().is_none_or(|c| c.till != till) {
            v.tills.extend(current.take());
            current = Some(TillSummary {
                till: till.clone(),
                tickets: 0,
                last_ticket: None,
                gaps: vec![],
            });
            last = 0;
        }
        let c = current.as_mut().expect("set above");
        if n != last + 1 {
            c.gaps.push((last + 1, n - 1));
            v.breaks.push(format!(
                "caisse {till} : numéros {} à {} manquants",
                last + 1,
                n - 1
            ));
        }
        c.tickets += 1;
        c.last_ticket = Some(super::tickets::ticket_id(&till, n));
        last = n;
    }
    v.tills.extend(current);
    Ok(())
}
