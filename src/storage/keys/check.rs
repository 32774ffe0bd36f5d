//! Checking the journal's signatures: one entry, or many at once through Ed25519 batch verification.
use anyhow::Result;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use rusqlite::Connection;

use super::unhex;

/// Checks one entry's signature against a public key (hex).
pub fn signature_ok(public: &str, hash: &str, signature: &str) -> bool {
    PublicKey::parse(public).signed(hash, signature)
}

/// A public key decoded once for the many entries it signs (decoding is a sixth of a check's cost).
pub struct PublicKey(Option<VerifyingKey>);

impl PublicKey {
    /// A key from its hex text; one that does not decode verifies nothing.
    pub fn parse(public: &str) -> PublicKey {
        PublicKey(unhex::<32>(public).and_then(|pk| VerifyingKey::from_bytes(&pk).ok()))
    }

    /// The signature (hex) of an entry hash is this key's.
    pub fn signed(&self, hash: &str, signature: &str) -> bool {
        let (Some(vk), Some(sig)) = (&self.0, unhex::<64>(signature)) else {
            return false;
        };
        vk.verify(hash.as_bytes(), &Signature::from_bytes(&sig))
            .is_ok()
    }
}

/// Whether every entry hash of `items` is signed by its key, checked all at once (Ed25519 batch verification,
/// several times cheaper per signature). `false` says only that one at least is not: check them one by one to
/// know which.
pub fn all_signed(items: &[(&PublicKey, &str, &str)]) -> bool {
    let mut messages = Vec::with_capacity(items.len());
    let mut signatures = Vec::with_capacity(items.len());
    let mut keys = Vec::with_capacity(items.len());
    for (key, hash, signature) in items {
        let (Some(vk), Some(sig)) = (&key.0, unhex::<64>(signature)) else {
            return false;
        };
        messages.push(hash.as_bytes());
        signatures.push(Signature::from_bytes(&sig));
        keys.push(*vk);
    }
    items.is_empty() || ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

/// The registered chain keys, each parsed once, to check the signature of every entry of a journal.
pub struct ChainKeys(std::collections::BTreeMap<String, Vec<(u64, PublicKey)>>);

impl ChainKeys {
    pub fn load(conn: &Connection) -> Result<ChainKeys> {
        let mut map: std::collections::BTreeMap<String, Vec<(u64, PublicKey)>> = Default::default();
        let mut stmt = conn
            .prepare("SELECT chain, public_key, from_seq FROM chain_keys ORDER BY from_seq, id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (chain, public, from): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let key = PublicKey::parse(&public);
            map.entry(chain).or_default().push((from as u64, key));
        }
        Ok(ChainKeys(map))
    }

    /// No chain has a key: no signature to check.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key that signs entry `seq` of `chain`; `None` when the chain had no key then (nothing to check).
    fn key(&self, chain: &str, seq: u64) -> Option<&PublicKey> {
        // Ranges are sorted by from_seq then registration: the last one that starts at or before seq signs it.
        let (_, key) = self
            .0
            .get(chain)?
            .iter()
            .rev()
            .find(|(from, _)| *from <= seq)?;
        Some(key)
    }

    /// [`ChainKeys::problem`] of each entry (chain, seq, hash, signature), the signatures checked together in
    /// batches ([`all_signed`]); a batch that fails is checked again one by one, to name each entry at fault.
    pub fn problems(&self, entries: &[(&str, u64, &str, &str)]) -> Vec<Option<String>> {
        const SIGNATURES: usize = 1024;
        let keyed: Vec<(usize, &PublicKey)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, &(chain, seq, ..))| Some((i, self.key(chain, seq)?)))
            .collect();
        let mut out = vec![None; entries.len()];
        for batch in keyed.chunks(SIGNATURES) {
            let items: Vec<(&PublicKey, &str, &str)> = batch
                .iter()
                .map(|&(i, key)| (key, entries[i].2, entries[i].3))
                .collect();
            if !all_signed(&items) {
                for &(i, _) in batch {
                    let (chain, seq, hash, signature) = entries[i];
                    out[i] = self.problem(chain, seq, hash, signature);
                }
            }
        }
        out
    }

    /// What is wrong with an entry's signature: unsigned or badly signed in a keyed chain (None: nothing).
    pub fn problem(&self, chain: &str, seq: u64, hash: &str, signature: &str) -> Option<String> {
        let ok = self.key(chain, seq)?.signed(hash, signature);
        (!ok).then(|| {
            format!(
                "journal {chain} n°{seq} : signature {} (entrée réécrite hors de la base qui écrit cette chaîne)",
                if signature.is_empty() { "absente" } else { "fausse" }
            )
        })
    }

    /// Every signature of the journal, in journal order: (chain, seq, what is wrong) of each entry at fault.
    pub fn check_journal(&self, conn: &Connection) -> Result<Vec<(String, u64, String)>> {
        const BATCH: usize = 1024;
        let mut stmt =
            conn.prepare("SELECT chain, seq, hash, signature FROM journal ORDER BY chain, seq")?;
        let mut rows = stmt.query([])?;
        let mut breaks = Vec::new();
        let mut batch: Vec<(String, u64, String, String)> = Vec::with_capacity(BATCH);
        loop {
            batch.clear();
            while batch.len() < BATCH {
                let Some(r) = rows.next()? else { break };
                batch.push((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?, r.get(3)?));
            }
            if batch.is_empty() {
                return Ok(breaks);
            }
            let entries: Vec<(&str, u64, &str, &str)> = batch
                .iter()
                .map(|(c, s, h, g)| (c.as_str(), *s, h.as_str(), g.as_str()))
                .collect();
            for ((chain, seq, ..), problem) in batch.iter().zip(self.problems(&entries)) {
                if let Some(p) = problem {
                    breaks.push((chain.clone(), *seq, p));
                }
            }
        }
    }
}

/// What `verify` finds wrong with the signatures: an entry of a keyed chain unsigned or badly signed.
pub fn check_signatures(conn: &Connection) -> Result<Vec<String>> {
    let breaks = ChainKeys::load(conn)?.check_journal(conn)?;
    Ok(breaks.into_iter().map(|(_, _, b)| b).collect())
}
#[cfg(test)]
mod tests {
    use super::*;

    use super::super::{Signer, generate, hex};
    use ed25519_dalek::{Signer as _, SigningKey};

    #[test]
    fn signatures_checked_in_batches_name_exactly_the_entries_at_fault() {
        let signer = Signer::from_seed("T01", [3; 32]);
        let vk = PublicKey::parse(&signer.public_key().unwrap());
        // T01 keyed from its entry 1; T02 never had a key.
        let keys = ChainKeys([("T01".to_string(), vec![(1, vk)])].into_iter().collect());
        let hashes: Vec<String> = (0..2500).map(|i| format!("{i:064x}")).collect();
        let mut signatures: Vec<String> = hashes.iter().map(|h| signer.sign("T01", h)).collect();
        signatures[1500] = signatures[1501].clone();
        signatures[2200] = String::new();
        let mut entries: Vec<(&str, u64, &str, &str)> = hashes
            .iter()
            .zip(&signatures)
            .enumerate()
            .map(|(i, (h, s))| ("T01", i as u64 + 1, h.as_str(), s.as_str()))
            .collect();
        entries.push(("T02", 1, &hashes[0], ""));
        let found: Vec<(usize, String)> = keys
            .problems(&entries)
            .into_iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (i, p)))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 1500);
        assert!(
            found[0].1.contains("T01 n°1501 : signature fausse"),
            "{found:?}"
        );
        assert_eq!(found[1].0, 2200);
        assert!(
            found[1].1.contains("T01 n°2201 : signature absente"),
            "{found:?}"
        );
        let one_by_one: Vec<Option<String>> = entries
            .iter()
            .map(|&(c, q, h, s)| keys.problem(c, q, h, s))
            .collect();
        assert_eq!(keys.problems(&entries), one_by_one);
    }

    #[test]
    fn signatures_checked_together_pass_only_when_each_would_alone() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        let keys = [a, b].map(|k| (PublicKey::parse(&hex(k.verifying_key().as_bytes())), k));
        let hashes: Vec<String> = (0..40).map(|i| format!("{i:064x}")).collect();
        let sigs: Vec<String> = hashes
            .iter()
            .enumerate()
            .map(|(i, h)| hex(&keys[i % 2].1.sign(h.as_bytes()).to_bytes()))
            .collect();
        fn items<'a>(
            keys: &'a [(PublicKey, SigningKey); 2],
            hashes: &'a [String],
            sigs: &'a [String],
        ) -> Vec<(&'a PublicKey, &'a str, &'a str)> {
            (0..40)
                .map(|i| (&keys[i % 2].0, hashes[i].as_str(), sigs[i].as_str()))
                .collect()
        }
        let items = |sigs: &[String]| all_signed(&items(&keys, &hashes, sigs));
        assert!(items(&sigs));
        assert!(all_signed(&[]));
        let mut swapped = sigs.clone();
        swapped.swap(10, 12);
        assert!(!items(&swapped), "same key, other hash");
        let mut other_key = sigs.clone();
        other_key[7] = hex(&keys[0].1.sign(hashes[7].as_bytes()).to_bytes());
        assert!(!items(&other_key), "the other till's key");
        let mut unsigned = sigs.clone();
        unsigned[39] = String::new();
        assert!(!items(&unsigned));
        let broken = PublicKey::parse("zz");
        assert!(!all_signed(&[(
            &broken,
            hashes[0].as_str(),
            sigs[0].as_str()
        )]));
    }
}
