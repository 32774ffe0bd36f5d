//! Signatures of a bundle's entries against the till keys this database registered when it provisioned them:
//! a bundle rewritten on a USB stick, every hash recomputed, is refused.
use super::check::Bundle;
use super::error::{Refusal, refuse};
use crate::storage::keys;
use anyhow::Result;
use rusqlite::Connection;
use std::collections::BTreeSet;

/// Refuses the bundle at its first entry whose signature does not verify against the chain's registered key;
/// returns a note for each chain that has no key here (a till provisioned before signatures existed).
pub fn check_bundle(conn: &Connection, b: &Bundle) -> Result<Vec<String>> {
    let known = keys::all_public_keys(conn)?;
    let mut unsigned = BTreeSet::new();
    for e in &b.entries {
        let Some((public, from)) = known.get(&e.chain) else {
            unsigned.insert(e.chain.clone());
            continue;
        };
        if e.seq < *from {
            continue;
        }
        if !keys::signature_ok(public, &e.hash, &e.signature) {
            let what = if e.signature.is_empty() {
                "n'est pas signée"
            } else {
                "porte une signature qui n'est pas celle de la caisse"
            };
            return Err(refuse(
                &b.file,
                Refusal::BrokenChain,
                format!(
                    "caisse {}, entrée n°{} : {what} enregistrée à sa préparation (paquet réécrit ou venu d'un \
                     autre poste) ; rien n'a été fusionné",
                    e.chain, e.seq
                ),
            ));
        }
    }
    Ok(unsigned
        .into_iter()
        .map(|c| {
            format!(
                "caisse {c} : entrées non signées (caisse préparée avant les signatures) ; chaîne et empreintes vérifiées"
            )
        })
        .collect())
}
