//! A chain's signing keys on the server, by range as at the organiser's (`storage::keys`): each key signs from
//! its `from_seq` on, until the next range. A push sends this database's ranges the server lacks; a range the
//! server holds with another key for the same (chain, from_seq) refuses the chain.
use crate::storage::keys::{self, KeyRange};
use anyhow::Result;
use postgres::{Client, Transaction};

/// The ranges that sign a chain, oldest first, one per `from_seq` (for one seq the latest registered wins, as
/// at the organiser's: a till provisioned twice before it sold).
pub fn effective(ranges: &[KeyRange]) -> Vec<KeyRange> {
    let mut out: Vec<KeyRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if last.from_seq == r.from_seq => *last = r.clone(),
            _ => out.push(r.clone()),
        }
    }
    out
}

/// What the server holds for a chain, oldest first.
pub fn on_server(client: &mut Client, market: &str, chain: &str) -> Result<Vec<KeyRange>> {
    Ok(client
        .query(
            "SELECT from_seq, public_key FROM chain_keys WHERE market = $1 AND chain = $2 ORDER BY from_seq",
            &[&market, &chain],
        )?
        .iter()
        .map(|r| KeyRange {
            public_key: r.get(1),
            from_seq: r.get::<_, i64>(0) as u64,
            registered_at: String::new(),
            origin: "server".into(),
        })
        .collect())
}

/// The server's ranges and ours together, sorted; a French reason when both have a range from the same entry
/// with different keys.
pub fn combine(
    chain: &str,
    ours: &[KeyRange],
    server: &[KeyRange],
) -> Result<Vec<KeyRange>, String> {
    let mut all = server.to_vec();
    for r in ours {
        match server.iter().find(|s| s.from_seq == r.from_seq) {
            Some(s) if s.public_key != r.public_key => {
                return Err(format!(
                    "journal {chain} : le serveur a enregistré une autre clé pour cette caisse à partir de l'entrée \
                     n°{} (une autre copie de {chain} y a déjà envoyé ses ventes ?) ; rien de cette caisse n'a été \
                     envoyé",
                    r.from_seq
                ));
            }
            Some(_) => {}
            None => all.push(r.clone()),
        }
    }
    all.sort_by_key(|r| r.from_seq);
    Ok(all)
}

/// The ranges of `all` the server does not hold yet.
pub fn missing(all: &[KeyRange], server: &[KeyRange]) -> Vec<KeyRange> {
    all.iter()
        .filter(|r| !server.iter().any(|s| s.from_seq == r.from_seq))
        .cloned()
        .collect()
}

/// Checks entry `seq`'s signature against the range that covers it, as merge does; a French reason. An entry
/// signed by an earlier range's key after a later range began comes from a copy replaced since.
pub fn signature(
    chain: &str,
    seq: u64,
    hash: &str,
    signature: &str,
    ranges: &[KeyRange],
) -> Result<(), String> {
    let Some(pos) = keys::covering(ranges, seq) else {
        return Ok(());
    };
    let current = &ranges[pos];
    if keys::signature_ok(&current.public_key, hash, signature) {
        return Ok(());
    }
    let retired = ranges[..pos].iter().any(|r| {
        r.public_key != current.public_key && keys::signature_ok(&r.public_key, hash, signature)
    });
    Err(if retired {
        format!(
            "journal {chain} n°{seq} : signée par la clé d'une copie remplacée (la caisse {chain} a une nouvelle clé \
             depuis l'entrée n°{}) ; ses ventes après ce point ne peuvent pas être envoyées — faites-les saisir comme \
             ventes papier",
            current.from_seq
        )
    } else {
        format!(
            "journal {chain} n°{seq} : signature absente ou qui n'est pas celle de la clé enregistrée pour {chain}"
        )
    })
}

/// Entries the server already holds of a chain from `from` on, checked against `ranges` (a range new to the
/// server must cover what it already holds from that point).
pub fn held(
    client: &mut Client,
    market: &str,
    chain: &str,
    from: u64,
    ranges: &[KeyRange],
) -> Result<Result<(), String>> {
    let rows = client.query(
        "SELECT seq, hash, signature FROM journal WHERE market = $1 AND chain = $2 AND seq >= $3 ORDER BY seq",
        &[&market, &chain, &(from as i64)],
    )?;
    for r in rows {
        let (seq, hash, sig): (i64, String, String) = (r.get(0), r.get(1), r.get(2));
        if let Err(why) = signature(chain, seq as u64, &hash, &sig, ranges) {
            return Ok(Err(format!(
                "{why} (entrée déjà sur le serveur, envoyée par un autre poste)"
            )));
        }
    }
    Ok(Ok(()))
}

/// Writes ranges new to the server (`ON CONFLICT DO NOTHING`: two pushes of the same range change nothing);
/// returns how many of them the server now holds with the same key (all, unless another push raced this one).
pub fn write(tx: &mut Transaction, market: &str, chain: &str, ranges: &[KeyRange]) -> Result<i64> {
    let froms: Vec<i64> = ranges.iter().map(|r| r.from_seq as i64).collect();
    let publics: Vec<String> = ranges.iter().map(|r| r.public_key.clone()).collect();
    tx.execute(
        "INSERT INTO chain_keys (market, chain, from_seq, public_key)
         SELECT $1, $2, * FROM UNNEST($3::int8[], $4::text[]) ON CONFLICT DO NOTHING",
        &[&market, &chain, &froms, &publics],
    )?;
    let same = tx.query_one(
        "SELECT COUNT(*) FROM chain_keys k JOIN UNNEST($3::int8[], $4::text[]) AS u(from_seq, public_key)
           ON k.from_seq = u.from_seq AND k.public_key = u.public_key
         WHERE k.market = $1 AND k.chain = $2",
        &[&market, &chain, &froms, &publics],
    )?;
    Ok(same.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(from: u64, key: &str) -> KeyRange {
        KeyRange {
            public_key: key.into(),
            from_seq: from,
            registered_at: String::new(),
            origin: "own".into(),
        }
    }

    #[test]
    fn the_latest_range_from_one_seq_wins_and_ranges_combine_unless_they_differ() {
        let ours = effective(&[r(1, "a"), r(1, "b"), r(7, "c")]);
        assert_eq!(ours, [r(1, "b"), r(7, "c")]);
        let all = combine("T02", &ours, &[r(1, "b")]).unwrap();
        assert_eq!(all, [r(1, "b"), r(7, "c")]);
        assert_eq!(missing(&all, &[r(1, "b")]), [r(7, "c")]);
        let why = combine("T02", &ours, &[r(7, "x")]).unwrap_err();
        assert!(why.contains("autre clé") && why.contains("n°7"), "{why}");
        let server_more = combine("T02", &[r(1, "b")], &[r(1, "b"), r(9, "d")]).unwrap();
        assert_eq!(server_more, [r(1, "b"), r(9, "d")]);
    }
}
