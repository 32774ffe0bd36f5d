//! `souk verify`: recomputes every journal hash and signature, every ticket's canonical encoding from its rows,
//! every stored share, and checks per-till numbering. The first break is named. Each table is read once, in
//! key order: the journal by chain, the tickets with their rows by id, the numbering by chain; no query per
//! ticket.
mod pipeline;
mod scan;
mod signatures;

use super::journal::{self, Entry};
use super::keys::ChainKeys;
use crate::domain::canonical::{encode_ticket, entry_hash, genesis, sha256_hex};
use crate::domain::money::to_centimes;
use crate::domain::settlement::shares_accepted;
use anyhow::Result;
use rusqlite::Connection;
use scan::StoredTicket;

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

/// Hashing on a second thread while this one reads: at 1M lines, 1.13–1.38× the Rust floor instead of
/// 1.49–1.56× on one thread with the machine otherwise idle, and 1.31–1.39× with another process keeping a core
/// busy (verify and growth benches, 2026-11-28).
pub fn verify(conn: &Connection) -> Result<Verdict> {
    verify_with(conn, Threads::Two)
}

/// Whether hashing runs on a second thread while this one reads (the result is the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    One,
    Two,
}

pub fn verify_with(conn: &Connection, threads: Threads) -> Result<Verdict> {
    let keys = ChainKeys::load(conn)?;
    let file = signatures::shared_file(conn, &keys);
    std::thread::scope(|s| {
        // On a signed market, the signatures are checked beside both passes (see `signatures`).
        let checking = file.as_deref().and_then(|f| {
            let keys = &keys;
            std::thread::Builder::new()
                .name("souk-signatures".into())
                .spawn_scoped(s, move || signatures::check_file(f, keys))
                .ok()
        });
        let inline = (checking.is_none() && !keys.is_empty()).then_some(&keys);
        let mut v = Verdict::default();
        let uuid = journal::market_uuid(conn)?;
        let (ticket_entries, chain) = verify_chains(conn, &uuid, threads, inline, &mut v)?;
        let linked = verify_tickets(conn, threads, &mut v)?;
        let signed = match checking.map(|h| h.join()) {
            Some(Ok(Ok(breaks))) => breaks,
            // The second connection failed: checked on this one.
            Some(_) => keys.check_journal(conn)?,
            None => Vec::new(),
        };
        let mut front = signatures::merge(chain, signed);
        // Each ticket whose entry names it back is a distinct ticket entry (ids are unique): as many as the
        // journal has means none is missing. Otherwise name them, with the chain's breaks.
        if linked != ticket_entries {
            front.extend(entries_without_their_ticket(conn)?);
        }
        v.breaks.splice(0..0, front);
        verify_numbering(conn, &mut v)?;
        Ok(v)
    })
}

/// Every item `read` yields goes through `work` (the costly part, `batch` items at a time on this thread, one
/// result per item) then `check`, in order.
fn drive<T: Send, R: Send>(
    threads: Threads,
    batch: usize,
    mut read: impl FnMut() -> Result<Option<T>>,
    work: impl Fn(&[T]) -> Vec<R> + Send,
    mut check: impl FnMut(T, R),
) -> Result<()> {
    match threads {
        Threads::Two => pipeline::run(read, work, check),
        Threads::One => loop {
            let mut items = Vec::with_capacity(batch);
            while items.len() < batch {
                match read()? {
                    Some(t) => items.push(t),
                    None => break,
                }
            }
            if items.is_empty() {
                return Ok(());
            }
            let results = work(&items);
            items
                .into_iter()
                .zip(results)
                .for_each(|(t, r)| check(t, r));
        },
    }
}

/// One pass over the journal in chain order: links, hashes, grand totals, and signatures when `keys` are given.
/// Returns how many entries record a ticket, and the breaks found, each with its entry, in journal order.
fn verify_chains(
    conn: &Connection,
    uuid: &str,
    threads: Threads,
    keys: Option<&ChainKeys>,
    v: &mut Verdict,
) -> Result<(u64, Vec<signatures::Break>)> {
    let mut stmt = conn.prepare(
        "SELECT chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, amount, grand_total,
         prev_hash, hash, signature FROM journal ORDER BY chain, seq",
    )?;
    let mut rows = stmt.query([])?;
    let read = || -> Result<Option<Entry>> {
        match rows.next()? {
            Some(r) => Ok(Some(journal::from_row(r)?)),
            None => Ok(None),
        }
    };
    let mut prev: Option<Entry> = None;
    let mut ticket_entries = 0;
    let mut breaks = Vec::new();
    // Signatures are checked a batch at a time: as many entries as the batch verification takes.
    drive(
        threads,
        pipeline::BATCH,
        read,
        |es| {
            let hashes = es.iter().map(|e| entry_hash(&e.fields()) == e.hash);
            let problems = match keys {
                Some(keys) => keys.problems(&es.iter().map(Entry::signed).collect::<Vec<_>>()),
                None => vec![None; es.len()],
            };
            hashes.zip(problems).collect()
        },
        |e, (hash_ok, signature)| {
            check_entry(&e, prev.as_ref(), uuid, hash_ok, v);
            v.breaks.extend(signature);
            if !v.breaks.is_empty() {
                let found = v.breaks.drain(..).map(|b| (e.chain.clone(), e.seq, b));
                breaks.extend(found);
            }
            if e.kind.ticket().is_some() {
                ticket_entries += 1;
            }
            prev = Some(e);
        },
    )?;
    Ok((ticket_entries, breaks))
}

/// The ticket entries whose ticket is gone or no longer points back to them, in journal order.
fn entries_without_their_ticket(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT j.chain, j.seq, j.subject, t.chain, t.journal_seq
         FROM journal j LEFT JOIN tickets t ON t.id = j.subject
         WHERE j.kind IN ('sale', 'refund') ORDER BY j.chain, j.seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut breaks = Vec::new();
    while let Some(r) = rows.next()? {
        let (chain, seq, subject): (String, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let at = format!("journal {chain} n°{seq}");
        match r.get::<_, Option<String>>(3)? {
            None => breaks.push(format!("{at} : le ticket {subject} a disparu de la base")),
            Some(t_chain) if t_chain != chain || r.get::<_, i64>(4)? != seq => breaks.push(
                format!("{at} : le ticket {subject} ne renvoie plus à cette entrée"),
            ),
            Some(_) => {}
        }
    }
    Ok(breaks)
}

fn at(e: &Entry) -> String {
    format!("journal {} n°{}", e.chain, e.seq)
}

/// An entry follows the one before it in its chain (or the chain's genesis) and carries its grand total.
fn check_entry(e: &Entry, prev: Option<&Entry>, uuid: &str, hash_ok: bool, v: &mut Verdict) {
    v.entries += 1;
    let genesis_hash;
    let (want_seq, want_prev, total_before) = match prev.filter(|p| p.chain == e.chain) {
        Some(p) => (p.seq + 1, p.hash.as_str(), p.grand_total),
        None => {
            genesis_hash = genesis(&e.chain, uuid);
            (1, genesis_hash.as_str(), 0)
        }
    };
    if e.seq != want_seq {
        v.breaks.push(format!(
            "{} : entrée(s) manquante(s) avant (attendu n°{want_seq})",
            at(e)
        ));
    } else if e.prev_hash != want_prev {
        v.breaks.push(format!(
            "{} : ne suit pas l'entrée précédente (chaîne rompue)",
            at(e)
        ));
    } else if !hash_ok {
        v.breaks.push(format!(
            "{} ({} {}) : empreinte fausse, entrée modifiée",
            at(e),
            e.kind,
            e.subject
        ));
    } else if total_before.checked_add(e.amount) != Some(e.grand_total) {
        v.breaks
            .push(format!("{} : total perpétuel incohérent", at(e)));
    }
}

/// One pass over the tickets in id order, their lines, payments and shares read alongside.
/// Returns how many tickets point to a journal entry that names them.
fn verify_tickets(conn: &Connection, threads: Threads, v: &mut Verdict) -> Result<u64> {
    let mut statements = scan::Statements::prepare(conn)?;
    let mut tickets = statements.scan()?;
    let mut orphans = scan::Orphans::default();
    let mut linked = 0;
    // A ticket at a time: its rows are still in the processor's cache when it is checked.
    drive(
        threads,
        1,
        || tickets.next(&mut orphans),
        |ts| ts.iter().map(ticket_problem).collect(),
        |t, problem| {
            v.tickets += 1;
            if t.link
                .as_ref()
                .is_some_and(|e| e.subject == t.head.id && e.kind.ticket() == Some(t.head.kind))
            {
                linked += 1;
            }
            if let Some(problem) = problem {
                v.breaks.push(format!("ticket {} : {problem}", t.head.id));
            }
        },
    )?;
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
    Ok(linked)
}

fn ticket_problem(t: &StoredTicket) -> Option<String> {
    let Some(entry) = &t.link else {
        return Some("absent du journal".into());
    };
    if entry.subject != t.head.id || entry.kind.ticket() != Some(t.head.kind) {
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
    let sign = t.head.kind.sign();
    if !shares_accepted(&t.lines, &t.payments, sign, &t.shares) {
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
    let mut last = 0i64;
    let finish = |c: Option<TillSummary>, last: i64, v: &mut Verdict| {
        if let Some(mut c) = c {
            c.last_ticket = (last > 0).then(|| super::tickets::ticket_id(&c.till, last as u64));
            v.tills.push(c);
        }
    };
    while let Some(r) = rows.next()? {
        let till = r.get_ref(0)?.as_str()?;
        let n = r.get::<_, i64>(1)?;
        if current.as_ref().is_none_or(|c| c.till != till) {
            finish(current.take(), last, v);
            current = Some(TillSummary {
                till: till.to_string(),
                tickets: 0,
                last_ticket: None,
                gaps: vec![],
            });
            last = 0;
        }
        let c = current.as_mut().expect("set above");
        if n <= last {
            // Only a number written behind the program's back (0 or negative) sorts here.
            v.breaks
                .push(format!("caisse {till} : numéro de ticket {n} impossible"));
            c.tickets += 1;
            continue;
        }
        if n != last + 1 {
            c.gaps.push((last as u64 + 1, n as u64 - 1));
            v.breaks.push(format!(
                "caisse {till} : numéros {} à {} manquants",
                last + 1,
                n - 1
            ));
        }
        c.tickets += 1;
        last = n;
    }
    finish(current, last, v);
    Ok(())
}
