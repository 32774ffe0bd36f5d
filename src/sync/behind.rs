//! A bundle whose till exported it after a bundle already merged here, yet stops before that bundle's last
//! entry, comes from a till whose newest entries were removed (a tail cut): a chain alone cannot show it, the
//! heads recorded at each merge can.
use super::check::Bundle;
use super::error::{Refusal, refuse};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;

pub fn check_bundle(conn: &Connection, b: &Bundle) -> Result<()> {
    let mut heads: BTreeMap<&str, u64> = BTreeMap::new();
    for e in &b.entries {
        let h = heads.entry(e.chain.as_str()).or_default();
        *h = (*h).max(e.seq);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT MAX(to_seq), file FROM merges WHERE chain = ?1 AND exported_at IS NOT NULL AND exported_at < ?2",
    )?;
    let mut local =
        conn.prepare_cached("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?;
    for (chain, head) in heads {
        // Only a prefix of what is here is a tail cut; a bundle that differs is another till's (reported as such
        // by the plan).
        let here: Option<String> = local
            .query_row(rusqlite::params![chain, head as i64], |r| r.get(0))
            .optional()?;
        let bundled = b.entries.iter().find(|e| e.chain == chain && e.seq == head);
        if here.is_none() || here.as_deref() != bundled.map(|e| e.hash.as_str()) {
            continue;
        }
        let known: Option<(Option<i64>, Option<String>)> = stmt
            .query_row(rusqlite::params![chain, b.created_at], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((Some(merged), file)) = known else {
            continue;
        };
        if head < merged as u64 {
            return Err(refuse(
                &b.file,
                Refusal::Gap,
                format!(
                    "caisse {chain} : ce lot, exporté après {}, s'arrête à l'entrée n°{head} alors que le n°{merged} \
                     a déjà été fusionné : la base de la caisse a perdu ses dernières entrées (fin de chaîne \
                     supprimée ou sauvegarde ancienne remise en place) ; lancez « souk verify » sur la caisse. \
                     Rien n'a été fusionné",
                    file.as_deref().unwrap_or("un lot précédent")
                ),
            ));
        }
    }
    Ok(())
}
