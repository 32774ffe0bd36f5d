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

#[test]
fn signatures_checked_beside_the_passes_are_named_in_journal_order_as_inline() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let c = unguarded(&db);
    let (chain, entries) = signed_chain(&c);
    assert!(entries.len() >= 4, "{chain}: {} entries", entries.len());
    // Entry 2's detail edited (its hash no longer matches), entry 3's signature replaced by entry 4's.
    c.execute(
        "UPDATE journal SET detail = detail || ' ' WHERE chain = ?1 AND seq = 2",
        [&chain],
    )
    .unwrap();
    c.execute(
        "UPDATE journal SET signature = ?1 WHERE chain = ?2 AND seq = 3",
        rusqlite::params![entries[3].signature, chain],
    )
    .unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    // A file outside a transaction: the signatures are checked on a second connection, on their own thread.
    let read = souk::storage::Db::open_read(&db).unwrap();
    let beside = souk::storage::verify::verify(read.conn()).unwrap();
    drop(read);
    // Inside a transaction: on the caller's connection, entry after entry.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("BEGIN").unwrap();
    let inline = souk::storage::verify::verify(&c).unwrap();
    assert_eq!(beside, inline);
    let at = |what: &str| {
        beside
            .breaks
            .iter()
            .position(|b| b.contains(what))
            .unwrap_or_else(|| panic!("{what}: {:?}", beside.breaks))
    };
    let hash = at(&format!("journal {chain} n°2 ("));
    let signature = at(&format!("journal {chain} n°3 : signature fausse"));
    assert!(hash < signature, "{:?}", beside.breaks);
}
