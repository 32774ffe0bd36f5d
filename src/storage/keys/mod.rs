//! Ed25519 keys: each database signs the entries of the chain it writes with its own key, whose secret never
//! leaves it; the public keys of chains are registered (at creation, at provisioning) so that `verify` and `merge`
//! can tell a genuine entry from one rewritten with every hash recomputed.
use anyhow::{Context, Result, anyhow, bail};
use ed25519_dalek::{Signer as _, SigningKey};
use rusqlite::{Connection, OptionalExtension, params};

/// Where a registered public key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This database's own key.
    Own,
    /// Registered by the organiser when it provisioned the till.
    Provisioned,
    /// Brought by a bundle for a till provisioned before keys existed.
    Bundle,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Own => "own",
            Origin::Provisioned => "provisioned",
            Origin::Bundle => "bundle",
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The public key (hex) of a secret (hex), to give a test database a known key.
#[cfg(test)]
pub(crate) fn public_of_secret(secret: &str) -> Option<String> {
    let key = SigningKey::from_bytes(&unhex::<32>(secret)?);
    Some(hex(key.verifying_key().as_bytes()))
}

fn generate() -> Result<SigningKey> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow!("générateur aléatoire indisponible : {e}"))?;
    Ok(SigningKey::from_bytes(&secret))
}

pub fn has_own_key(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM signing_key WHERE id = 1")?
        .exists([])?)
}

/// This database's own key: (chain it signs, public key hex).
pub fn own_public(conn: &Connection) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT chain, public_key FROM signing_key WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The last key derived from its stored secret: deriving costs as much as signing, so a commit reuses it while
/// the stored (chain, secret) stays the same.
static DERIVED: std::sync::Mutex<Option<(String, String, SigningKey)>> =
    std::sync::Mutex::new(None);

/// This database's key, if it has one: (chain it signs, key).
fn own_key(conn: &Connection) -> Result<Option<(String, SigningKey)>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT chain, secret FROM signing_key WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((chain, secret)) = row else {
        return Ok(None);
    };
    let mut cache = DERIVED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((c, s, key)) = cache.as_ref()
        && *c == chain
        && *s == secret
    {
        return Ok(Some((chain, key.clone())));
    }
    let bytes =
        unhex::<32>(&secret).ok_or_else(|| anyhow!("clé de signature de la base illisible"))?;
    let key = SigningKey::from_bytes(&bytes);
    *cache = Some((chain.clone(), secret, key.clone()));
    Ok(Some((chain, key)))
}

/// Gives this database a new key pair for `chain` (replacing any other: a provisioned copy must not keep the
/// organiser's secret) and registers its public key from the chain's next entry on, after any earlier key of
/// that chain (a till provisioned again). Inside the caller's transaction.
pub fn new_own_key(conn: &Connection, chain: &str, at_utc: &str) -> Result<String> {
    let key = generate()?;
    let public = hex(key.verifying_key().as_bytes());
    // The old secret (the organiser's, in a copy being provisioned) is overwritten, not just unlinked.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.execute("DELETE FROM signing_key", [])?;
    conn.execute(
        "INSERT INTO signing_key (id, chain, secret, public_key, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
        params![chain, hex(&key.to_bytes()), public, at_utc],
    )?;
    let from = next_seq(conn, chain)?;
    add_range(conn, chain, &public, from, Origin::Own, at_utc)?;
    Ok(public)
}

fn next_seq(conn: &Connection, chain: &str) -> Result<u64> {
    let next: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE chain = ?1",
        [chain],
        |r| r.get(0),
    )?;
    Ok(next as u64)
}

/// Records the public key of `chain`, valid from the chain's next entry. A chain keeps its key: a second,
/// different one is refused (that is what a forged bundle would bring); a till provisioned again goes through
/// [`replace`].
pub fn register(
    conn: &Connection,
    chain: &str,
    public: &str,
    origin: Origin,
    at_utc: &str,
) -> Result<()> {
    let from = next_seq(conn, chain)?;
    register_from(conn, chain, public, from, origin, at_utc)
}

/// Like [`register`], from a given seq (a key first met in a bundle, from the entry that announced it).
pub fn register_from(
    conn: &Connection,
    chain: &str,
    public: &str,
    from: u64,
    origin: Origin,
    at_utc: &str,
) -> Result<()> {
    if let Some(known) = public_key(conn, chain)? {
        if known.0 == public {
            return Ok(());
        }
        bail!(
            "la chaîne {chain} a déjà une clé enregistrée ({}…) : une autre clé ({}…) est refusée",
            &known.0[..16],
            &public[..16.min(public.len())]
        );
    }
    add_range(conn, chain, public, from, origin, at_utc)
}

/// A new key for `chain` from its next entry on, retiring the earlier one for what follows (a till provisioned
/// again); returns the first seq the new key signs.
pub fn replace(
    conn: &Connection,
    chain: &str,
    public: &str,
    origin: Origin,
    at_utc: &str,
) -> Result<u64> {
    let from = next_seq(conn, chain)?;
    add_range(conn, chain, public, from, origin, at_utc)?;
    Ok(from)
}

fn add_range(
    conn: &Connection,
    chain: &str,
    public: &str,
    from: u64,
    origin: Origin,
    at_utc: &str,
) -> Result<()> {
    if unhex::<32>(public).is_none() {
        bail!("clé publique de {chain} illisible");
    }
    if public_key(conn, chain)?.is_some_and(|(k, f)| k == public && f <= from) {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO chain_keys (chain, public_key, from_seq, registered_at, origin) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![chain, public, from as i64, at_utc, origin.as_str()],
    )
    .with_context(|| format!("enregistrement de la clé de {chain}"))?;
    Ok(())
}

/// (public key hex, first signed seq) of a chain's current key (the one its next entries must carry).
pub fn public_key(conn: &Connection, chain: &str) -> Result<Option<(String, u64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT public_key, from_seq FROM chain_keys WHERE chain = ?1 ORDER BY from_seq DESC, id DESC LIMIT 1",
        )?
        .query_row([chain], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
        .optional()?)
}

/// The key that signs entry `seq` of `chain`: (public key hex, its first seq); `None` before any key.
pub fn key_for(conn: &Connection, chain: &str, seq: u64) -> Result<Option<(String, u64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT public_key, from_seq FROM chain_keys WHERE chain = ?1 AND from_seq <= ?2
             ORDER BY from_seq DESC, id DESC LIMIT 1",
        )?
        .query_row(params![chain, seq as i64], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })
        .optional()?)
}

/// A chain's key as registered: which, from which seq, when, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRange {
    pub public_key: String,
    pub from_seq: u64,
    pub registered_at: String,
    pub origin: String,
}

/// Every key of a chain, oldest range first (for one seq, the last that covers it wins).
pub fn key_ranges(conn: &Connection, chain: &str) -> Result<Vec<KeyRange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT public_key, from_seq, registered_at, origin FROM chain_keys WHERE chain = ?1 ORDER BY from_seq, id",
    )?;
    let rows = stmt.query_map([chain], |r| {
        Ok(KeyRange {
            public_key: r.get(0)?,
            from_seq: r.get::<_, i64>(1)? as u64,
            registered_at: r.get(2)?,
            origin: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The signature of an entry hash by this database, when it signs that chain; empty otherwise.
pub fn sign(conn: &Connection, chain: &str, hash: &str) -> Result<String> {
    Ok(Signer::load(conn)?.sign(chain, hash))
}

/// This database's key as read once, to sign many entries of one transaction.
#[derive(Clone)]
pub struct Signer(Option<(String, SigningKey)>);

impl Signer {
    pub fn load(conn: &Connection) -> Result<Signer> {
        Ok(Signer(own_key(conn)?))
    }

    /// A key for `chain` from a fixed 32-byte seed, held in memory only: a reproducible market with signed
    /// tills (benchmarks, fixtures), each till's entries signed as its own database would sign them.
    pub fn from_seed(chain: &str, seed: [u8; 32]) -> Signer {
        Signer(Some((chain.to_string(), SigningKey::from_bytes(&seed))))
    }

    /// The public key (hex) of this signer, to register for its chain.
    pub fn public_key(&self) -> Option<String> {
        self.0
            .as_ref()
            .map(|(_, key)| hex(key.verifying_key().as_bytes()))
    }

    /// The signature of an entry hash when this database signs that chain; empty otherwise.
    pub fn sign(&self, chain: &str, hash: &str) -> String {
        match &self.0 {
            Some((own, key)) if own == chain => hex(&key.sign(hash.as_bytes()).to_bytes()),
            _ => String::new(),
        }
    }
}

/// Which of a chain's ranges (oldest first, as [`key_ranges`] returns them) signs entry `seq`: the last that
/// starts at or before it. `None` before the first range (entries written before the chain had a key).
pub fn covering(ranges: &[KeyRange], seq: u64) -> Option<usize> {
    ranges.iter().rposition(|r| r.from_seq <= seq)
}

/// Every chain's key ranges, oldest first as in [`key_ranges`] (what `push` sends to a region's server).
pub fn all_key_ranges(
    conn: &Connection,
) -> Result<std::collections::BTreeMap<String, Vec<KeyRange>>> {
    let mut stmt = conn.prepare(
        "SELECT chain, public_key, from_seq, registered_at, origin FROM chain_keys ORDER BY chain, from_seq, id",
    )?;
    let mut map: std::collections::BTreeMap<String, Vec<KeyRange>> = Default::default();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        map.entry(r.get(0)?).or_default().push(KeyRange {
            public_key: r.get(1)?,
            from_seq: r.get::<_, i64>(2)? as u64,
            registered_at: r.get(3)?,
            origin: r.get(4)?,
        });
    }
    Ok(map)
}

pub mod check;
pub use check::{ChainKeys, PublicKey, all_signed, check_signatures, signature_ok};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_hash_and_key() {
        let key = generate().unwrap();
        let other = generate().unwrap();
        let public = hex(key.verifying_key().as_bytes());
        let sig = hex(&key.sign(b"abc").to_bytes());
        assert!(signature_ok(&public, "abc", &sig));
        assert!(!signature_ok(&public, "abd", &sig));
        assert!(!signature_ok(
            &hex(other.verifying_key().as_bytes()),
            "abc",
            &sig
        ));
        assert!(!signature_ok(&public, "abc", ""));
        assert!(!signature_ok(&public, "abc", "zz"));
    }

    #[test]
    fn a_seeded_signer_signs_its_chain_reproducibly() {
        let a = Signer::from_seed("T01", [1; 32]);
        let public = a.public_key().unwrap();
        assert_eq!(
            Signer::from_seed("T01", [1; 32]).public_key(),
            Some(public.clone())
        );
        assert_ne!(
            Signer::from_seed("T01", [2; 32]).public_key(),
            Some(public.clone())
        );
        let sig = a.sign("T01", "abc");
        assert!(signature_ok(&public, "abc", &sig));
        assert_eq!(sig, Signer::from_seed("T01", [1; 32]).sign("T01", "abc"));
        assert_eq!(a.sign("T02", "abc"), "");
    }
}
