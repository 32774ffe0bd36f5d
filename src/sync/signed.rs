//! Signatures of a bundle's entries against the till keys this database registered: at provisioning, or at the
//! first merge of a till identified on site (trust on first use, from the till's `identity` entry). A bundle
//! rewritten on a USB stick, every hash recomputed, is refused; so is a copy retired by a second provisioning,
//! for what it wrote after its replacement. Checked entry by entry as the bundle is read.
use super::error::{Refusal, refuse};
use crate::domain::JournalKind;
use crate::storage::journal::{Entry, NewEntry};
use crate::storage::keys::{self, KeyRange, Origin};
use crate::storage::{LocalTime, clock, identify, identity, journal};
use anyhow::Result;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// A till key met for the first time in a bundle, to register when the merge commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstUse {
    pub chain: String,
    pub public_key: String,
    pub from_seq: u64,
    /// When and by whom the till was identified on site (its `identity` entry).
    pub at_utc: String,
    pub by: String,
}

/// The keys covering one chain of the bundle.
struct ChainKeys {
    ranges: Vec<KeyRange>,
    /// Some key is registered here for the chain (else only its `identity` entry in the bundle can bring one).
    registered: bool,
}

/// One bundle's signature checks, given the keys met first by the bundles merged before it in the same call.
pub struct Signatures<'a> {
    earlier: &'a [FirstUse],
    chains: BTreeMap<String, ChainKeys>,
    pub first_use: Vec<FirstUse>,
    notes: Vec<String>,
    /// Keys decoded once, by their hex text.
    decoded: HashMap<String, keys::PublicKey>,
}

impl<'a> Signatures<'a> {
    pub fn new(earlier: &'a [FirstUse]) -> Self {
        Signatures {
            earlier,
            chains: BTreeMap::new(),
            first_use: Vec::new(),
            notes: Vec::new(),
            decoded: HashMap::new(),
        }
    }

    fn keys(&mut self, conn: &Connection, chain: &str) -> Result<&mut ChainKeys> {
        if !self.chains.contains_key(chain) {
            let ranges = keys::key_ranges(conn, chain)?;
            let registered = !ranges.is_empty();
            self.chains
                .insert(chain.to_string(), ChainKeys { ranges, registered });
        }
        Ok(self.chains.get_mut(chain).expect("inserted"))
    }

    /// A chain the bundle carries, for the notes, when its entries are not read again.
    pub fn mark(&mut self, conn: &Connection, chain: &str) -> Result<()> {
        self.keys(conn, chain).map(|_| ())
    }

    /// Refuses an entry whose signature does not verify against the key registered for its position; the first
    /// `identity` entry of a chain with no key here brings the key for what follows it. `checked` is what the
    /// reading thread found with the key it took for that position ([`KeyGuess`]): used when it is this key.
    pub fn check(
        &mut self,
        conn: &Connection,
        path: &Path,
        e: &Entry,
        checked: Option<&Checked>,
    ) -> Result<()> {
        let k = self.keys(conn, &e.chain)?;
        if !k.registered
            && let Some(range) = identify::first_key(&k.ranges, e)
        {
            self.first_use(path, e, range)?;
        }
        self.keys(conn, &e.chain)?;
        let ranges = &self.chains[&e.chain].ranges;
        let Some(pos) = keys::covering(ranges, e.seq) else {
            return Ok(());
        };
        let public = ranges[pos].public_key.as_str();
        let signed = match checked {
            Some(c) if *c.key == *public => c.signed,
            _ => {
                if !self.decoded.contains_key(public) {
                    let key = keys::PublicKey::parse(public);
                    self.decoded.insert(public.to_string(), key);
                }
                self.decoded[public].signed(&e.hash, &e.signature)
            }
        };
        if signed {
            return Ok(());
        }
        check_entry(conn, path, ranges, e)
    }

    /// The key a bundle brings for a chain unknown here; refused when another bundle of the same merge brings
    /// another key for it.
    fn first_use(&mut self, path: &Path, e: &Entry, range: KeyRange) -> Result<()> {
        let (chain, public) = (e.chain.as_str(), &range.public_key);
        let met = self
            .earlier
            .iter()
            .chain(&self.first_use)
            .find(|f| f.chain == chain);
        if let Some(other) = met
            && other.public_key != *public
        {
            return Err(refuse(
                path,
                Refusal::BrokenChain,
                format!(
                    "deux postes se sont identifiés comme la caisse {chain} (clés différentes) : un seul poste vend \
                     comme {chain} ; rien n'a été fusionné"
                ),
            ));
        }
        if met.is_none() {
            self.first_use.push(FirstUse {
                chain: chain.to_string(),
                public_key: public.clone(),
                from_seq: e.seq,
                at_utc: e.at_utc.clone(),
                by: e.actor.clone(),
            });
            self.notes.push(first_use_note(chain, &e.at_utc));
        }
        let k = self.chains.get_mut(chain).expect("loaded");
        k.ranges.push(range);
        Ok(())
    }

    /// What the organiser should know: keys met for the first time, and chains with no key here (tills
    /// provisioned before signatures existed).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.notes.clone();
        for (chain, k) in &self.chains {
            if k.ranges.is_empty() {
                notes.push(format!(
                    "caisse {chain} : entrées non signées (caisse préparée avant les signatures) ; chaîne et empreintes vérifiées"
                ));
            }
        }
        notes
    }
}

/// An entry's signature as checked on the reading thread, and against which key.
#[derive(Debug)]
pub struct Checked {
    pub key: Arc<str>,
    pub signed: bool,
}

/// The reading thread's guess of the key covering each entry: the keys registered here when the bundle
/// started, plus the key a chain's first `identity` entry brings when none is registered (the rule of
/// [`Signatures::check`]). Only a head start: the connection's thread checks again whenever its key differs.
pub struct KeyGuess {
    chains: HashMap<String, Vec<KeyRange>>,
    /// Each key met, decoded once; `chains`' ranges point here by their text.
    decoded: Vec<(Arc<str>, keys::PublicKey)>,
    by_text: HashMap<String, usize>,
}

impl KeyGuess {
    pub fn load<'c>(conn: &Connection, chains: impl Iterator<Item = &'c str>) -> Result<Self> {
        let mut map = HashMap::new();
        for chain in chains {
            map.insert(chain.to_string(), keys::key_ranges(conn, chain)?);
        }
        Ok(KeyGuess {
            chains: map,
            decoded: Vec::new(),
            by_text: HashMap::new(),
        })
    }

    /// The key taken to cover the entry (an index in `decoded`); `None` when none covers it.
    fn key_for(&mut self, e: &Entry) -> Option<usize> {
        let ranges = self.chains.get_mut(&e.chain)?;
        ranges.extend(identify::first_key(ranges, e));
        let public = &ranges[keys::covering(ranges, e.seq)?].public_key;
        if let Some(&i) = self.by_text.get(public) {
            return Some(i);
        }
        let key = (Arc::from(public.as_str()), keys::PublicKey::parse(public));
        self.decoded.push(key);
        self.by_text.insert(public.clone(), self.decoded.len() - 1);
        Some(self.decoded.len() - 1)
    }

    /// The signatures of these entries (in bundle order), each checked against the key taken to cover it: all
    /// at once, then one by one only when one of them is not its key's.
    pub fn check(&mut self, entries: &[&Entry]) -> Vec<Option<Checked>> {
        let taken: Vec<Option<usize>> = entries.iter().map(|e| self.key_for(e)).collect();
        let items: Vec<(&keys::PublicKey, &str, &str)> = entries
            .iter()
            .zip(&taken)
            .filter_map(|(e, k)| {
                k.map(|k| (&self.decoded[k].1, e.hash.as_str(), e.signature.as_str()))
            })
            .collect();
        let all = keys::all_signed(&items);
        entries
            .iter()
            .zip(taken)
            .map(|(e, k)| {
                let (key, decoded) = &self.decoded[k?];
                Some(Checked {
                    key: key.clone(),
                    signed: all || decoded.signed(&e.hash, &e.signature),
                })
            })
            .collect()
    }
}

/// « clé de la caisse T03 enregistrée à la première fusion : caisse identifiée sur place le 27/11/2026 »
fn first_use_note(chain: &str, at_utc: &str) -> String {
    let day = clock::local_display(at_utc);
    let day = day.split(' ').next().unwrap_or(&day).to_string();
    format!(
        "clé de la caisse {chain} enregistrée à la première fusion : caisse identifiée sur place le {day}"
    )
}

fn check_entry(conn: &Connection, path: &Path, ranges: &[KeyRange], e: &Entry) -> Result<()> {
    let Some(pos) = keys::covering(ranges, e.seq) else {
        return Ok(());
    };
    if keys::signature_ok(&ranges[pos].public_key, &e.hash, &e.signature) {
        return Ok(());
    }
    let retired = ranges[..pos].iter().rev().find(|r| {
        r.public_key != ranges[pos].public_key
            && keys::signature_ok(&r.public_key, &e.hash, &e.signature)
    });
    let msg = match retired {
        Some(old) => retired_copy(conn, &e.chain, old, &ranges[pos])?,
        None if e.kind == identify::IDENTITY_KIND => format!(
            "caisse {} : ce poste a été identifié sur place comme {} alors que cette caisse a déjà une clé ici \
             (enregistrée le {}) : deux postes vendent comme {} ; rien n'a été fusionné. Ses ventes se saisissent \
             ici comme ventes papier (souk import sales)",
            e.chain,
            e.chain,
            clock::local_display(&ranges[pos].registered_at),
            e.chain
        ),
        None => format!(
            "caisse {}, entrée n°{} : {} enregistrée pour cette caisse (paquet réécrit ou venu d'un autre poste) ; \
             rien n'a été fusionné",
            e.chain,
            e.seq,
            if e.signature.is_empty() {
                "n'est pas signée par la clé"
            } else {
                "porte une signature qui n'est pas celle de la clé"
            }
        ),
    };
    Err(refuse(path, Refusal::BrokenChain, msg))
}

/// « la copie caisse-T02.db a été remplacée le … ; ses ventes après T02-000123 ne peuvent pas être fusionnées —
/// faites-les saisir comme ventes papier »
fn retired_copy(conn: &Connection, chain: &str, old: &KeyRange, new: &KeyRange) -> Result<String> {
    let file = identity::provision_of_key(conn, chain, &old.public_key)?
        .map(|p| p.file)
        .unwrap_or_else(|| format!("précédente de {chain}"));
    let after = identity::last_ticket_before(conn, chain, new.from_seq)?
        .map(|t| format!("après {t}"))
        .unwrap_or_else(|| "(toutes)".into());
    Ok(format!(
        "la copie {file} a été remplacée le {} ; ses ventes {after} ne peuvent pas être fusionnées — faites-les \
         saisir comme ventes papier (souk import sales) ; rien n'a été fusionné",
        clock::local_display(&new.registered_at)
    ))
}

/// Registers the keys met for the first time, inside the merge's transaction, each journalled on this
/// database's chain.
pub fn register_first_use(conn: &Connection, found: &[FirstUse], at: &LocalTime) -> Result<()> {
    let chain = identity::own_chain(conn)?;
    for f in found {
        keys::register_from(
            conn,
            &f.chain,
            &f.public_key,
            f.from_seq,
            Origin::Bundle,
            &at.at_utc,
        )?;
        let detail = format!(
            "clé {} enregistrée à la première fusion, à partir de l'entrée n°{} ; caisse identifiée sur place le {} \
             par {}",
            f.public_key,
            f.from_seq,
            clock::local_display(&f.at_utc),
            f.by
        );
        journal::append(
            conn,
            at,
            &NewEntry {
                chain: &chain,
                kind: JournalKind::KeyFirstUse,
                actor: "",
                approver: "",
                subject: &f.chain,
                detail: &detail,
                amount: 0,
            },
        )?;
    }
    Ok(())
}
