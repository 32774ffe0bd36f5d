//! Signatures: the chain a database writes is signed with its own Ed25519 key, so an entry rewritten with every
//! hash recomputed (the hashes are public) no longer verifies.
use crate::support::common::*;
use souk::domain::canonical::entry_hash;
use souk::storage::journal;
use std::path::Path;

fn unguarded(db: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER IF EXISTS journal_no_update")
        .unwrap();
    c
}

/// The chain this database signs, and its entries.
fn signed_chain(c: &rusqlite::Connection) -> (String, Vec<journal::Entry>) {
    let chain: String = c
        .query_row("SELECT chain FROM signing_key WHERE id = 1", [], |r| {
            r.get(0)
        })
        .expect("the database has its own key");
    let mut stmt = c
        .prepare(&format!(
            "{} WHERE chain = ?1 ORDER BY seq",
            journal::SELECT_ENTRY
        ))
        .unwrap();
    let entries = stmt
        .query_map([&chain], journal::from_row)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (chain, entries)
}

#[test]
fn every_entry_of_the_own_chain_is_signed_and_verify_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let c = rusqlite::Connection::open(&db).unwrap();
    let (chain, entries) = signed_chain(&c);
    assert!(!entries.is_empty(), "{chain} has entries");
    let public: String = c
        .query_row(
            "SELECT public_key FROM chain_keys WHERE chain = ?1",
            [&chain],
            |r| r.get(0),
        )
        .unwrap();
    for e in &entries {
        assert!(
            souk::storage::keys::signature_ok(&public, &e.hash, &e.signature),
            "{chain} n°{} is signed",
            e.seq
        );
    }
    drop(c);
    ok(&db, &["verify"]);
}

#[test]
fn a_chain_rewritten_with_its_hashes_recomputed_is_caught_by_its_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let original = std::fs::read(&db).unwrap();
    let heads = std::fs::read(souk::storage::heads::head_path(&db)).unwrap();
    let c = unguarded(&db);
    let (_, mut entries) = signed_chain(&c);
    // Rewrite the first entry's actor, then recompute every hash after it, as a script with sqlite3 would.
    entries[0].actor = "quelqu'un d'autre".into();
    let mut prev: Option<String> = None;
    for e in entries.iter_mut() {
        if let Some(p) = prev.take() {
            e.prev_hash = p;
        }
        e.hash = entry_hash(&e.fields());
        prev = Some(e.hash.clone());
        c.execute(
            "UPDATE journal SET actor = ?1, prev_hash = ?2, hash = ?3 WHERE chain = ?4 AND seq = ?5",
            rusqlite::params![e.actor, e.prev_hash, e.hash, e.chain, e.seq as i64],
        )
        .unwrap();
    }
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    // Without the head file, only the signatures can tell.
    std::fs::remove_file(souk::storage::heads::head_path(&db)).unwrap();
    let out = run(&db, &["verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rewritten chain passed:\n{err}"
    );
    assert!(err.contains("signature fausse"), "{err}");

    std::fs::write(&db, original).unwrap();
    std::fs::write(souk::storage::heads::head_path(&db), heads).unwrap();
    ok(&db, &["verify"]);
}
