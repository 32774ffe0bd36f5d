//! The checks a merge makes on a bundle, made on what a push is about to send: each entry hashes its content,
//! links to the previous one (or to the chain's genesis), carries the perpetual total and, where the chain has a
//! key, the signature of the key whose range covers it; each ticket is the one its entry hashed, with the shares
//! it implies.
use super::keys;
use crate::domain::canonical::{encode_ticket, entry_hash, genesis, sha256_hex};
use crate::domain::money::to_centimes;
use crate::storage::identify;
use crate::storage::journal::Entry;
use crate::storage::keys::KeyRange;
use crate::sync::StoredTicket;

/// The last entry accepted so far on a chain: what the next one must link to.
#[derive(Debug, Clone)]
pub struct Link {
    pub seq: u64,
    pub hash: String,
    pub grand_total: i64,
}

/// Checks `e` against the previous entry (`None` only for seq 1) and its signature against the key range that
/// covers it; a French reason if it fails. As at a merge, the first `identity` entry of a chain with no key
/// anywhere brings the key for what follows (a till identified on site), added to `ranges`.
pub fn entry(
    e: &Entry,
    prev: Option<&Link>,
    market_uuid: &str,
    ranges: &mut Vec<KeyRange>,
) -> Result<Link, String> {
    let at = format!("journal {} n°{}", e.chain, e.seq);
    if entry_hash(&e.fields()) != e.hash {
        return Err(format!(
            "{at} ({} {}) : empreinte fausse, entrée modifiée",
            e.kind, e.subject
        ));
    }
    let linked = match prev {
        Some(p) => {
            e.seq == p.seq + 1
                && e.prev_hash == p.hash
                && p.grand_total.checked_add(e.amount) == Some(e.grand_total)
        }
        None => {
            e.seq == 1 && e.prev_hash == genesis(&e.chain, market_uuid) && e.grand_total == e.amount
        }
    };
    if !linked {
        return Err(format!("{at} : ne suit pas l'entrée précédente"));
    }
    ranges.extend(identify::first_key(ranges, e));
    keys::signature(&e.chain, e.seq, &e.hash, &e.signature, ranges)?;
    Ok(Link {
        seq: e.seq,
        hash: e.hash.clone(),
        grand_total: e.grand_total,
    })
}

/// Checks a ticket against the entry that journalled it.
pub fn ticket(t: &StoredTicket, e: &Entry) -> Result<(), String> {
    let id = &t.head.id;
    let canonical = encode_ticket(&t.head, &t.lines, &t.payments);
    let sign = t.head.kind.sign();
    let amount = to_centimes(t.head.total).ok().map(|c| c * sign);
    let same = e.kind.ticket() == Some(t.head.kind)
        && &e.subject == id
        && e.detail == sha256_hex(canonical.as_bytes())
        && amount == Some(e.amount);
    if !same {
        return Err(format!(
            "ticket {id} : ne correspond pas à l'entrée {} n°{} du journal (ticket modifié)",
            e.chain, e.seq
        ));
    }
    if !crate::domain::settlement::shares_accepted(&t.lines, &t.payments, sign, &t.shares) {
        return Err(format!("ticket {id} : répartition par exposant fausse"));
    }
    Ok(())
}

/// Whether a journal entry stands for a ticket (which must then travel with it).
pub fn is_ticket(e: &Entry) -> bool {
    e.kind.ticket().is_some()
}
