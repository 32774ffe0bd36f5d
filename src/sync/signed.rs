//! Signatures of a bundle's entries against the till keys this database registered when it provisioned them:
//! a bundle rewritten on a USB stick, every hash recomputed, is refused.
use super::error::{Refusal, refuse};
use crate::storage::journal::Entry;
use crate::storage::keys;
use anyhow::Result;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub struct Signatures {
    known: BTreeMap<String, (String, u64)>,
    /// Chains of the bundle with no key here.
    unsigned: BTreeSet<String>,
}

impl Signatures {
    pub fn load(conn: &Connection) -> Result<Signatures> {
        Ok(Signatures {
            known: keys::all_public_keys(conn)?,
            unsigned: BTreeSet::new(),
        })
    }

    /// A chain the bundle carries, for the notes, when its entries are not read again.
    pub fn mark(&mut self, chain: &str) {
        if !self.known.contains_key(chain) && !self.unsigned.contains(chain) {
            self.unsigned.insert(chain.to_string());
        }
    }

    /// Refuses an entry whose signature does not verify against its chain's registered key.
    pub fn check(&mut self, path: &Path, e: &Entry) -> Result<()> {
        let Some((public, from)) = self.known.get(&e.chain) else {
            self.mark(&e.chain);
            return Ok(());
        };
        if e.seq < *from || keys::signature_ok(public, &e.hash, &e.signature) {
            return Ok(());
        }
        let what = if e.signature.is_empty() {
            "n'est pas signée"
        } else {
            "porte une signature qui n'est pas celle de la caisse"
        };
        Err(refuse(
            path,
            Refusal::BrokenChain,
            format!(
                "caisse {}, entrée n°{} : {what} enregistrée à sa préparation (paquet réécrit ou venu d'un \
                 autre poste) ; rien n'a été fusionné",
                e.chain, e.seq
            ),
        ))
    }

    /// A note for each chain that has no key here (a till provisioned before signatures existed).
    pub fn notes(&self) -> Vec<String> {
        self.unsigned
            .iter()
            .map(|c| {
                format!(
                    "caisse {c} : entrées non signées (caisse préparée avant les signatures) ; chaîne et empreintes vérifiées"
                )
            })
            .collect()
    }
}
