//! A chain's signing keys on the server, by range as at the organiser's (`storage::keys`): each key signs from
//! its `from_seq` on, until the next range. A push sends this database's ranges the server lacks; a range the
//! server holds with another key for the same (chain, from_seq) refuses the chain, unless the organiser pushes
//! and the server holds no entry under it yet (a till provisioned again before it sold).
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

/// The server's ranges and ours together, sorted; ours win where both start at the same entry with different
/// keys, and those are returned apart (the server's, which ours would replace).
fn combine(ours: &[KeyRange], server: &[KeyRange]) -> (Vec<KeyRange>, Vec<KeyRange>) {
    let mut all: Vec<KeyRange> = Vec::with_capacity(ours.len() + server.len());
    let mut differ = Vec::new();
    for s in server {
        match ours.iter().find(|r| r.from_seq == s.from_seq) {
            Some(r) if r.public_key != s.public_key => differ.push(s.clone()),
            _ => all.push(s.clone()),
        }
    }
    for r in ours {
        if !all.iter().any(|a| a.from_seq == r.from_seq) {
            all.push(r.clone());
        }
    }
    all.sort_by_key(|r| r.from_seq);
    (all, differ)
}

/// Why a chain is refused when the server holds another key from entry `from` on; `unused`: the server holds
/// no entry under that key (the till was provisioned again before it sold: only the organiser's push brings
/// the latest key, and this copy may be either).
fn other_key(chain: &str, from: u64, unused: bool) -> String {
    let hint = if unused {
        format!(
            "{chain} a été préparée une autre fois : si cette copie est la dernière préparée, envoyez d'abord la base \
             de l'organisateur (souk --db marche.db push), puis celle-ci ; sinon ses ventes se saisissent comme \
             ventes papier chez l'organisateur"
        )
    } else {
        format!(
            "une autre copie de {chain} y a déjà envoyé ses ventes, ou cette copie a été remplacée"
        )
    };
    format!(
        "journal {chain} : le serveur a enregistré une autre clé pour cette caisse à partir de l'entrée n°{from} \
         ({hint}) ; rien de cette caisse n'a été envoyé"
    )
}

/// The ranges of `all` the server does not hold yet with that key.
fn missing(all: &[KeyRange], server: &[KeyRange]) -> Vec<KeyRange> {
    all.iter()
        .filter(|r| {
            !server
                .iter()
                .any(|s| s.from_seq == r.from_seq && s.public_key == r.public_key)
        })
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
fn held(
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
                "{why} ; cette entrée est déjà sur le serveur, reçue avant qu'il connaisse la nouvelle clé : rien de \
                 {chain} n'a été envoyé, l'administrateur du serveur doit retirer les entrées de {chain} à partir du \
                 n°{seq}"
            )));
        }
    }
    Ok(Ok(()))
}

/// Writes ranges new to the server (`ON CONFLICT DO NOTHING`: two pushes of the same range change nothing). With
/// `replace` (the organiser's push), a range of the server under which it holds no entry yet takes our key (a
/// till provisioned again before it sold). Returns how many of `ranges` the server now holds with our key.
fn write(
    tx: &mut Transaction,
    market: &str,
    chain: &str,
    ranges: &[KeyRange],
    replace: bool,
) -> Result<i64> {
    let froms: Vec<i64> = ranges.iter().map(|r| r.from_seq as i64).collect();
    let publics: Vec<String> = ranges.iter().map(|r| r.public_key.clone()).collect();
    let on_conflict = if replace {
        "ON CONFLICT (market, chain, from_seq) DO UPDATE SET public_key = excluded.public_key
         WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.market = chain_keys.market
           AND j.chain = chain_keys.chain AND j.seq >= chain_keys.from_seq)"
    } else {
        "ON CONFLICT DO NOTHING"
    };
    tx.execute(
        &format!(
            "INSERT INTO chain_keys (market, chain, from_seq, public_key)
             SELECT $1, $2, * FROM UNNEST($3::int8[], $4::text[]) {on_conflict}"
        ),
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

/// (market, chain, whether the organiser's base pushes: only it replaces a server key).
pub type Who<'a> = (&'a str, &'a str, bool);

/// The ranges a push checks a chain's entries against (the server's and ours), and the server's that ours
/// replace; or where and why the chain is refused. A till's copy speaks only for the ranges its entries reach
/// (the keys of other tills it copied from the organiser are the organiser's to send). Where the server holds
/// another key from the same entry, the organiser's push replaces it while the server holds no entry from there
/// on (a till provisioned again before it sold); otherwise the chain is refused. A range new to the server must
/// also cover what the server already holds from its first entry on.
#[allow(clippy::type_complexity)]
pub fn admit(
    client: &mut Client,
    (market, chain, organiser): Who,
    ours: &[KeyRange],
    server: &[KeyRange],
    (head, local): (Option<u64>, u64),
) -> Result<Result<(Vec<KeyRange>, Vec<KeyRange>), (u64, String)>> {
    let ours: Vec<KeyRange> = ours
        .iter()
        .filter(|r| organiser || r.from_seq <= local)
        .cloned()
        .collect();
    let (ranges, differ) = combine(&ours, server);
    let mut replace = Vec::new();
    for d in differ {
        let unused = head.is_none_or(|h| h < d.from_seq);
        if !(organiser && unused) {
            return Ok(Err((d.from_seq, other_key(chain, d.from_seq, unused))));
        }
        replace.push(d);
    }
    let new_from = missing(&ranges, server).first().map(|r| r.from_seq);
    if let (Some(f), Some(h)) = (new_from, head)
        && f <= h
        && let Err(why) = held(client, market, chain, f, &ranges)?
    {
        return Ok(Err((f, why)));
    }
    Ok(Ok((ranges, replace)))
}

/// Writes, once the chain's entries passed their checks, the ranges the server lacks; what was written as
/// (chain, first seq, whether it replaced the server's), or why not.
#[allow(clippy::type_complexity)]
pub fn record(
    client: &mut Client,
    (market, chain, organiser): Who,
    ranges: &[KeyRange],
    server: &[KeyRange],
    replaced: &[KeyRange],
) -> Result<Result<Vec<(String, u64, bool)>, String>> {
    let new = missing(ranges, server);
    if new.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let mut tx = client.transaction()?;
    if write(&mut tx, market, chain, &new, organiser)? != new.len() as i64 {
        return Ok(Err(format!(
            "journal {chain} : le serveur a reçu entre-temps une autre clé pour cette caisse ; rien de cette caisse \
             n'a été envoyé"
        )));
    }
    tx.commit()?;
    Ok(Ok(new
        .iter()
        .map(|r| {
            let replacing = replaced.iter().any(|d| d.from_seq == r.from_seq);
            (chain.to_string(), r.from_seq, replacing)
        })
        .collect()))
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
    fn the_latest_range_from_one_seq_wins_and_ours_replace_the_servers_apart() {
        let ours = effective(&[r(1, "a"), r(1, "b"), r(7, "c")]);
        assert_eq!(ours, [r(1, "b"), r(7, "c")]);
        let (all, differ) = combine(&ours, &[r(1, "b")]);
        assert_eq!(all, [r(1, "b"), r(7, "c")]);
        assert!(differ.is_empty());
        assert_eq!(missing(&all, &[r(1, "b")]), [r(7, "c")]);
        let (all, differ) = combine(&ours, &[r(7, "x")]);
        assert_eq!(all, [r(1, "b"), r(7, "c")]);
        assert_eq!(differ, [r(7, "x")]);
        assert_eq!(missing(&all, &[r(7, "x")]), [r(1, "b"), r(7, "c")]);
        let (server_more, _) = combine(&[r(1, "b")], &[r(1, "b"), r(9, "d")]);
        assert_eq!(server_more, [r(1, "b"), r(9, "d")]);
    }
}
