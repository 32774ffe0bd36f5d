//! What a bundle may add to this database: no two journals for one till, no gap before an entry, no reference to
//! a till, exhibitor, product or phase unknown here. The facts the merge compares against, read in bulk.
use super::error::{Refusal, SyncError, file_name, refuse};
use crate::domain::Line;
use crate::domain::canonical::TicketHead;
use crate::storage::{catalogue, identity};
use anyhow::Result;
use rusqlite::{Connection, params};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

/// A chain's last entry here: where new entries of a bundle must attach.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
    pub grand_total: i64,
}

/// Ranges merged by the bundles of this call before the current one: who wrote a position, for refusals.
#[derive(Debug, Default)]
pub struct CallRanges(Vec<(String, u64, u64, PathBuf)>);

impl CallRanges {
    pub fn add(&mut self, file: &Path, ranges: &[(String, u64, u64)]) {
        for (c, from, to) in ranges {
            self.0.push((c.clone(), *from, *to, file.to_path_buf()));
        }
    }
    pub fn writer(&self, chain: &str, seq: u64) -> Option<&Path> {
        self.0
            .iter()
            .find(|(c, f, t, _)| c == chain && (*f..=*t).contains(&seq))
            .map(|(.., p)| p.as_path())
    }
}

pub fn diverged(chain: &str, seq: u64, file: &Path, other: Option<&Path>) -> anyhow::Error {
    SyncError::Diverged {
        hint: String::new(),
        till: chain.to_string(),
        seq,
        file: file_name(file),
        other: other.map_or("cette base".into(), |o| format!("le lot {}", file_name(o))),
    }
    .into()
}

pub fn gap(file: &Path, chain: &str, seq: u64, have: u64) -> anyhow::Error {
    let msg = format!(
        "caisse {chain} : l'entrée n°{} manque (cette base s'arrête au n°{have}) ; fusionnez d'abord le lot \
         précédent de cette caisse, ou un export complet",
        seq - 1
    );
    refuse(file, Refusal::Gap, msg)
}

/// Names what this database knows of two journals for one till: the till provisioned more than once.
pub fn with_hint(conn: &Connection, e: anyhow::Error) -> anyhow::Error {
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

/// The hashes of a chain here, read ahead in seq order a block at a time: a known range is compared entry by
/// entry without one query per entry.
pub struct LocalHashes {
    chain: String,
    /// Last seq worth reading (the chain's head here when the bundle started).
    last: u64,
    ahead: VecDeque<(u64, String)>,
}

const BLOCK: u64 = 4096;

impl LocalHashes {
    pub fn new(chain: &str, last: u64) -> LocalHashes {
        LocalHashes {
            chain: chain.to_string(),
            last,
            ahead: VecDeque::new(),
        }
    }

    pub fn at(&mut self, conn: &Connection, seq: u64) -> Result<Option<String>> {
        while self.ahead.front().is_some_and(|(s, _)| *s < seq) {
            self.ahead.pop_front();
        }
        if self.ahead.is_empty() && seq <= self.last {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, hash FROM journal WHERE chain = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
            )?;
            let to = self.last.min(seq + BLOCK - 1);
            let rows = stmt.query_map(params![self.chain, seq as i64, to as i64], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
            })?;
            for r in rows {
                self.ahead.push_back(r?);
            }
        }
        Ok(match self.ahead.front() {
            Some((s, h)) if *s == seq => Some(h.clone()),
            _ => None,
        })
    }
}

/// The reference data new tickets must find here.
pub struct References {
    tills: HashMap<String, String>,
    exhibitors: HashSet<String>,
    products: HashSet<String>,
    /// Phase number → closed.
    pub phases: HashMap<u32, bool>,
}

impl References {
    pub fn load(conn: &Connection) -> Result<References> {
        let set = |sql: &str| -> Result<HashSet<String>> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let mut stmt = conn.prepare("SELECT id, collector FROM tills")?;
        let tills = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(References {
            tills,
            exhibitors: set("SELECT code FROM exhibitors")?,
            products: set("SELECT code FROM products")?,
            phases: catalogue::phases(conn)?
                .into_iter()
                .map(|p| (p.number, p.closed))
                .collect(),
        })
    }

    /// Who collects a till's payments (its shares are computed with it).
    pub fn collector(&self, till: &str) -> Option<&str> {
        self.tills.get(till).map(String::as_str)
    }

    /// What this database lacks for a ticket (its till, phase, an exhibitor or a product), in French.
    pub fn problem(&self, h: &TicketHead, lines: &[Line]) -> Option<String> {
        if !self.tills.contains_key(&h.till) {
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
        for l in lines {
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
