//! What checked bundles would add to this database, and whether they may: no two journals for one till, no
//! gap before an entry, no reference to a till, exhibitor, product or phase unknown here. Reads only.
use super::check::Bundle;
use super::error::{Refusal, SyncError, file_name, refuse};
use crate::storage::journal::{self, Entry};
use crate::storage::{ORG_CHAIN, catalogue, identity};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct BundlePlan {
    /// Indexes into `Bundle::entries` / `tickets` / `org` of what is new here.
    pub entries: Vec<usize>,
    pub tickets: Vec<usize>,
    pub witness: Vec<usize>,
    /// Indexes into `tickets` of tickets dated in a phase closed here: merged, flagged late.
    pub late: Vec<usize>,
    pub skipped: u64,
    /// (chain, first, last) of the new entries.
    pub ranges: Vec<(String, u64, u64)>,
}

impl BundlePlan {
    pub fn brings_anything(&self) -> bool {
        !self.entries.is_empty() || !self.witness.is_empty()
    }
}

/// A journal position already known: in this database (`file` None) or in a bundle of this call.
struct Known<'a> {
    hash: &'a str,
    grand_total: i64,
    file: Option<&'a Bundle>,
}

pub fn plan(conn: &Connection, bundles: &[Bundle]) -> Result<Vec<BundlePlan>> {
    plan_all(conn, bundles).map_err(|e| with_hint(conn, e))
}

/// Names what this database knows of two journals for one till: the till provisioned more than once.
fn with_hint(conn: &Connection, e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<SyncError>() {
        Ok(SyncError::Diverged {
            till,
            seq,
            file,
            other,
            ..
        }) => {
            let provs = identity::provisions(conn, &till).unwrap_or_default();
            let hint = if provs.len() > 1 {
                let files: Vec<String> = provs
                    .iter()
                    .map(|p| format!("{} le {}", p.file, p.at_utc))
                    .collect();
                format!(
                    " (elle a été préparée {} fois : {})",
                    provs.len(),
                    files.join(", ")
                )
            } else {
                " (une même copie a-t-elle servi sur deux postes, ou une sauvegarde a-t-elle été \
                 restaurée après des ventes ?)"
                    .to_string()
            };
            SyncError::Diverged {
                till,
                seq,
                file,
                other,
                hint,
            }
            .into()
        }
        Ok(other) => other.into(),
        Err(e) => e,
    }
}

fn plan_all(conn: &Connection, bundles: &[Bundle]) -> Result<Vec<BundlePlan>> {
    let mut plans: Vec<BundlePlan> = bundles.iter().map(|_| BundlePlan::default()).collect();
    let heads = local_heads(conn)?;
    let mut known: HashMap<(&str, u64), Known> = HashMap::new();
    for (b, p) in bundles.iter().zip(plans.iter_mut()) {
        sort_entries(conn, b, p, &heads, &mut known)?;
    }
    for (b, p) in bundles.iter().zip(plans.iter_mut()) {
        connect(b, p, &heads, &known)?;
        p.ranges = ranges(b, p);
    }
    let refs = References::load(conn)?;
    let mut new_ids = HashSet::new();
    for (b, p) in bundles.iter().zip(plans.iter_mut()) {
        p.tickets = new_tickets(conn, b, p, &refs, &mut new_ids)?;
        p.late = p
            .tickets
            .iter()
            .copied()
            .filter(|&i| refs.phases.get(&b.tickets[i].head.phase) == Some(&true))
            .collect();
    }
    for (b, p) in bundles.iter().zip(plans.iter()) {
        check_refunds(conn, b, p, &new_ids)?;
    }
    let mut seen = HashSet::new();
    for (b, p) in bundles.iter().zip(plans.iter_mut()) {
        p.witness = org_witness(conn, b, &mut seen)?;
    }
    Ok(plans)
}

type Heads = HashMap<String, (u64, String, i64)>;

fn local_heads(conn: &Connection) -> Result<Heads> {
    let mut out = HashMap::new();
    for (chain, _, _) in journal::heads(conn)? {
        if let Some(h) = journal::head(conn, &chain)? {
            out.insert(chain, h);
        }
    }
    Ok(out)
}

fn local_hash(conn: &Connection, chain: &str, seq: u64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?
        .query_row(params![chain, seq as i64], |r| r.get(0))
        .optional()?)
}

fn diverged(chain: &str, seq: u64, b: &Bundle, other: Option<&Bundle>) -> anyhow::Error {
    SyncError::Diverged {
        hint: String::new(),
        till: chain.to_string(),
        seq,
        file: file_name(&b.file),
        other: other.map_or("cette base".into(), |o| {
            format!("le lot {}", file_name(&o.file))
        }),
    }
    .into()
}

/// Splits a bundle's entries into already known (same hash, skipped) and new; a different hash at a known
/// position is two journals for one till.
fn sort_entries<'a>(
    conn: &Connection,
    b: &'a Bundle,
    p: &mut BundlePlan,
    heads: &Heads,
    known: &mut HashMap<(&'a str, u64), Known<'a>>,
) -> Result<()> {
    for (i, e) in b.entries.iter().enumerate() {
        let head_seq = heads.get(&e.chain).map_or(0, |h| h.0);
        if e.seq <= head_seq {
            if local_hash(conn, &e.chain, e.seq)?.as_deref() != Some(&e.hash) {
                return Err(diverged(&e.chain, e.seq, b, None));
            }
            p.skipped += 1;
        } else if let Some(k) = known.get(&(e.chain.as_str(), e.seq)) {
            if k.hash != e.hash {
                return Err(diverged(&e.chain, e.seq, b, k.file));
            }
            p.skipped += 1;
        } else {
            let k = Known {
                hash: &e.hash,
                grand_total: e.grand_total,
                file: Some(b),
            };
            known.insert((e.chain.as_str(), e.seq), k);
            p.entries.push(i);
        }
    }
    Ok(())
}

/// Each new entry follows an entry of this database or of a bundle of this call.
fn connect(
    b: &Bundle,
    p: &BundlePlan,
    heads: &Heads,
    known: &HashMap<(&str, u64), Known>,
) -> Result<()> {
    for e in p
        .entries
        .iter()
        .map(|&i| &b.entries[i])
        .filter(|e| e.seq > 1)
    {
        let local = heads.get(&e.chain).filter(|h| h.0 == e.seq - 1);
        let pred = match local {
            Some((_, hash, gt)) => Known {
                hash,
                grand_total: *gt,
                file: None,
            },
            None => match known.get(&(e.chain.as_str(), e.seq - 1)) {
                Some(k) => Known {
                    hash: k.hash,
                    grand_total: k.grand_total,
                    file: k.file,
                },
                None => return Err(gap(b, e, heads)),
            },
        };
        if pred.hash != e.prev_hash {
            return Err(diverged(&e.chain, e.seq, b, pred.file));
        }
        if pred.grand_total.checked_add(e.amount) != Some(e.grand_total) {
            let msg = format!(
                "journal {} n°{} : total perpétuel incohérent",
                e.chain, e.seq
            );
            return Err(refuse(&b.file, Refusal::BrokenChain, msg));
        }
    }
    Ok(())
}

fn gap(b: &Bundle, e: &Entry, heads: &Heads) -> anyhow::Error {
    let have = heads.get(&e.chain).map_or(0, |h| h.0);
    let msg = format!(
        "caisse {} : l'entrée n°{} manque (cette base s'arrête au n°{have}) ; fusionnez d'abord le lot \
         précédent de cette caisse, ou un export complet",
        e.chain,
        e.seq - 1
    );
    refuse(&b.file, Refusal::Gap, msg)
}

fn ranges(b: &Bundle, p: &BundlePlan) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = Vec::new();
    for e in p.entries.iter().map(|&i| &b.entries[i]) {
        match out.last_mut() {
            Some(r) if r.0 == e.chain && r.2 + 1 == e.seq => r.2 = e.seq,
            _ => out.push((e.chain.clone(), e.seq, e.seq)),
        }
    }
    out
}

/// The reference data new tickets must find here.
struct References {
    tills: HashSet<String>,
    exhibitors: HashSet<String>,
    products: HashSet<String>,
    /// Phase number → closed.
    phases: HashMap<u32, bool>,
}

impl References {
    fn load(conn: &Connection) -> Result<References> {
        let set = |sql: &str| -> Result<HashSet<String>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        Ok(References {
            tills: set("SELECT id FROM tills")?,
            exhibitors: set("SELECT code FROM exhibitors")?,
            products: set("SELECT code FROM products")?,
            phases: catalogue::phases(conn)?
                .into_iter()
                .map(|p| (p.number, p.closed))
                .collect(),
        })
    }

    fn problem(&self, t: &super::check::BundleTicket) -> Option<String> {
        let h = &t.head;
        if !self.tills.contains(&h.till) {
            return Some(format!(
                "caisse {} inconnue ici (importez les caisses : souk import tills FICHIER)",
                h.till
            ));
        }
        if !self.phases.contains_key(&h.phase) {
            return Some(format!(
                "phase {} inconnue ici (importez les phases : souk import phases FICHIER)",
                h.phase
            ));
        }
        for l in &t.lines {
            if !self.exhibitors.contains(&l.exhibitor_code) {
                return Some(format!(
                    "exposant {} inconnu ici (importez les exposants : souk import exhibitors FICHIER)",
                    l.exhibitor_code
                ));
            }
            if let Some(code) = l
                .product_code
                .as_ref()
                .filter(|c| !self.products.contains(*c))
            {
                return Some(format!(
                    "produit {code} inconnu ici (importez les produits : souk import products FICHIER)"
                ));
            }
        }
        None
    }
}

fn new_tickets(
    conn: &Connection,
    b: &Bundle,
    p: &BundlePlan,
    refs: &References,
    new_ids: &mut HashSet<String>,
) -> Result<Vec<usize>> {
    let fresh: HashSet<(&str, u64)> = p
        .entries
        .iter()
        .map(|&i| (b.entries[i].chain.as_str(), b.entries[i].seq))
        .collect();
    let mut out = Vec::new();
    for (i, t) in b.tickets.iter().enumerate() {
        if !fresh.contains(&(t.head.chain.as_str(), t.journal_seq)) {
            continue;
        }
        let id = &t.head.id;
        if let Some(problem) = refs.problem(t) {
            return Err(refuse(
                &b.file,
                Refusal::Catalogue,
                format!("ticket {id} : {problem}"),
            ));
        }
        let taken: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1 OR (chain = ?2 AND number = ?3))")?
            .query_row(params![id, t.head.chain, t.head.number as i64], |r| r.get(0))?;
        if taken || !new_ids.insert(id.clone()) {
            let msg = format!("le ticket {id} existe déjà avec un autre contenu");
            return Err(refuse(&b.file, Refusal::TicketMismatch, msg));
        }
        out.push(i);
    }
    Ok(out)
}

fn check_refunds(
    conn: &Connection,
    b: &Bundle,
    p: &BundlePlan,
    new_ids: &HashSet<String>,
) -> Result<()> {
    for t in p.tickets.iter().map(|&i| &b.tickets[i]) {
        let Some(orig) = &t.head.refund_of else {
            continue;
        };
        let here: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1)")?
            .query_row([orig], |r| r.get(0))?;
        if !here && !new_ids.contains(orig) {
            let msg = format!(
                "le remboursement {} renvoie au ticket {orig}, absent ici et des lots",
                t.head.id
            );
            return Err(refuse(&b.file, Refusal::Gap, msg));
        }
    }
    Ok(())
}

/// The bundle's ORG entries from where its ORG chain forks from ours, not yet kept as witnesses.
fn org_witness(conn: &Connection, b: &Bundle, seen: &mut HashSet<String>) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    let mut forked = false;
    for (i, e) in b.org.iter().enumerate() {
        forked = forked || local_hash(conn, ORG_CHAIN, e.seq)?.as_deref() != Some(&e.hash);
        if !forked {
            continue;
        }
        let kept: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM org_witness WHERE hash = ?1)")?
            .query_row([&e.hash], |r| r.get(0))?;
        if !kept && seen.insert(e.hash.clone()) {
            out.push(i);
        }
    }
    Ok(out)
}
