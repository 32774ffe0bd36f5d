//! A bundle whose till exported it after a bundle already merged here, yet stops before that bundle's last
//! entry, comes from a till whose newest entries were removed (a tail cut): a chain alone cannot show it, the
//! heads recorded at each merge can. Run once the bundle's header is verified (its chains end at their heads).
use super::error::{Refusal, refuse};
use super::format::Header;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

pub fn check_bundle(conn: &Connection, path: &Path, h: &Header) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT MAX(to_seq), file FROM merges WHERE chain = ?1 AND exported_at IS NOT NULL AND exported_at < ?2",
    )?;
    let mut local =
        conn.prepare_cached("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?;
    for r in h.chains.iter().filter(|r| !r.is_empty()) {
        let (chain, head) = (r.chain.as_str(), r.to_seq);
        // Only a prefix of what is here is a tail cut; a bundle that differs is another till's (reported as such
        // by the merge).
        let here: Option<String> = local
            .query_row(rusqlite::params![chain, head as i64], |r| r.get(0))
            .optional()?;
        if here.as_deref() != Some(r.head_hash.as_str()) {
            continue;
        }
        let known: Option<(Option<i64>, Option<String>)> = stmt
            .query_row(rusqlite::params![chain, h.created_at], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((Some(merged), file)) = known else {
            continue;
        };
        if head < merged as u64 {
            return Err(refuse(
                path,
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
