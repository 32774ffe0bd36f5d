//! Signatures of a bundle's entries against the till keys this database registered: at provisioning, or at the
//! first merge of a till identified on site (trust on first use, from the till's `identity` entry). A bundle
//! rewritten on a USB stick, every hash recomputed, is refused; so is a copy retired by a second provisioning,
//! for what it wrote after its replacement.
use super::check::Bundle;
use super::error::{Refusal, refuse};
use crate::domain::JournalKind;
use crate::storage::journal::{Entry, NewEntry};
use crate::storage::keys::{self, KeyRange, Origin};
use crate::storage::{LocalTime, clock, identify, identity, journal};
use anyhow::Result;
use rusqlite::Connection;
use std::collections::BTreeMap;

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

/// What the signatures of a set of bundles call for.
#[derive(Debug, Default)]
pub struct KeyCheck {
    pub notes: Vec<String>,
    pub first_use: Vec<FirstUse>,
}

/// Refuses a bundle at its first entry whose signature does not verify against the key registered for its
/// position; notes chains with no key here (a till provisioned before signatures existed), and collects the
/// keys of tills identified on site, met here for the first time.
pub fn check_bundle(conn: &Connection, b: &Bundle, out: &mut KeyCheck) -> Result<()> {
    let mut by_chain: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in &b.entries {
        by_chain.entry(e.chain.as_str()).or_default().push(e);
    }
    for (chain, entries) in by_chain {
        let mut ranges = keys::key_ranges(conn, chain)?;
        if ranges.is_empty() {
            match first_use(b, chain, &entries, out)? {
                Some(r) => ranges.push(r),
                None => {
                    let n = format!(
                        "caisse {chain} : entrées non signées (caisse préparée avant les signatures) ; chaîne et empreintes vérifiées"
                    );
                    if !out.notes.contains(&n) {
                        out.notes.push(n);
                    }
                    continue;
                }
            }
        }
        for e in entries {
            check_entry(conn, b, &ranges, e)?;
        }
    }
    Ok(())
}

/// The key a bundle brings for a chain unknown here, from the chain's `identity` entry (the till identified on
/// site); refused when another bundle of the same merge brings another key for it.
fn first_use(
    b: &Bundle,
    chain: &str,
    entries: &[&Entry],
    out: &mut KeyCheck,
) -> Result<Option<KeyRange>> {
    let Some((e, public)) = entries.iter().find_map(|e| {
        (e.kind == identify::IDENTITY_KIND)
            .then(|| identify::key_in_detail(&e.detail).map(|k| (*e, k)))
            .flatten()
    }) else {
        return Ok(None);
    };
    if let Some(other) = out.first_use.iter().find(|f| f.chain == chain)
        && other.public_key != public
    {
        return Err(refuse(
            &b.file,
            Refusal::BrokenChain,
            format!(
                "deux postes se sont identifiés comme la caisse {chain} (clés différentes) : un seul poste vend \
                 comme {chain} ; rien n'a été fusionné"
            ),
        ));
    }
    if !out.first_use.iter().any(|f| f.chain == chain) {
        out.first_use.push(FirstUse {
            chain: chain.to_string(),
            public_key: public.clone(),
            from_seq: e.seq,
            at_utc: e.at_utc.clone(),
            by: e.actor.clone(),
        });
        out.notes.push(first_use_note(chain, &e.at_utc));
    }
    Ok(Some(KeyRange {
        public_key: public,
        from_seq: e.seq,
        registered_at: e.at_utc.clone(),
        origin: "bundle".into(),
    }))
}

/// « clé de la caisse T03 enregistrée à la première fusion : caisse identifiée sur place le 27/11/2026 »
fn first_use_note(chain: &str, at_utc: &str) -> String {
    let day = clock::local_display(at_utc);
    let day = day.split(' ').next().unwrap_or(&day).to_string();
    format!(
        "clé de la caisse {chain} enregistrée à la première fusion : caisse identifiée sur place le {day}"
    )
}

fn check_entry(conn: &Connection, b: &Bundle, ranges: &[KeyRange], e: &Entry) -> Result<()> {
    let Some(pos) = ranges.iter().rposition(|r| r.from_seq <= e.seq) else {
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
    Err(refuse(&b.file, Refusal::BrokenChain, msg))
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
