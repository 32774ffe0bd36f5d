//! The journal's signatures checked on a thread of their own, through a second read-only connection to the same
//! file, while the caller's thread reads and hashes the journal and the tickets: on a signed market the Ed25519
//! checks are the largest part of `verify`, and they overlap the rest instead of adding to it. Only outside a
//! transaction (both connections then read the same committed journal); otherwise, or when the file cannot be
//! opened a second time, the caller checks them itself.
use super::super::keys::ChainKeys;
use anyhow::Result;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// A break found in a signature: the entry's chain and seq, and what is wrong.
pub type Break = (String, u64, String);

/// The file a second connection may read the same journal from, when there is one to share.
pub fn shared_file(conn: &Connection, keys: &ChainKeys) -> Option<String> {
    let path = conn.path().filter(|p| !p.is_empty())?;
    (conn.is_autocommit() && !keys.is_empty()).then(|| path.to_string())
}

/// Every signature of the journal of the database at `path`, through a connection of this thread's own.
pub fn check_file(path: &str, keys: &ChainKeys) -> Result<Vec<Break>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(Path::new(path), flags)?;
    keys.check_journal(&conn)
}

/// The chain pass's breaks and the signatures', both in journal order (by chain, then seq), as one list in
/// that order: an entry's own break before its signature's.
pub fn merge(chain: Vec<Break>, signatures: Vec<Break>) -> Vec<String> {
    let mut all: Vec<(Break, u8)> = chain
        .into_iter()
        .map(|b| (b, 0))
        .chain(signatures.into_iter().map(|b| (b, 1)))
        .collect();
    // Stable: breaks of one entry keep the order they were found in.
    all.sort_by(|((c1, s1, _), k1), ((c2, s2, _), k2)| (c1, s1, k1).cmp(&(c2, s2, k2)));
    all.into_iter().map(|((_, _, b), _)| b).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn breaks_are_merged_in_journal_order_an_entrys_own_first() {
        let b = |c: &str, s: u64, m: &str| (c.to_string(), s, m.to_string());
        let chain = vec![
            b("ORG", 3, "a"),
            b("T01", 2, "b"),
            b("T01", 2, "c"),
            b("T02", 1, "d"),
        ];
        let signatures = vec![b("ORG", 1, "s1"), b("T01", 2, "s2"), b("T02", 9, "s3")];
        assert_eq!(
            super::merge(chain, signatures),
            ["s1", "a", "b", "c", "s2", "d", "s3"]
        );
    }
}
