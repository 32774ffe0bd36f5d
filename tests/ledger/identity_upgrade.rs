//! Migration 009: identities that may be unknown, chain keys by range, provisions with their key.
use souk::storage::Db;
use souk::storage::identity::{Identity, identity};
use souk::storage::migrate::migrate_to;

fn schema_8(path: &std::path::Path, sql: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    souk::storage::configure(&c).unwrap();
    migrate_to(&c, 8).unwrap();
    c.execute_batch(
        "INSERT INTO market (id, uuid, name, created_at) VALUES (1, 'u', 'Marché', '2025-08-06T08:00:00Z');",
    )
    .unwrap();
    c.execute_batch(sql).unwrap();
}

const KEY: &str = "0101010101010101010101010101010101010101010101010101010101010101";

/// A database of schema 8 that sold at a till but never merged nor provisioned was a till laptop from before
/// identities: it no longer passes for the organiser's, it is asked which till it is.
#[test]
fn a_till_laptop_from_before_identities_is_unidentified_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    schema_8(
        &path,
        "INSERT INTO shifts (id, till, cashier, opened_at, opening_float) VALUES ('s1', 'T03', 'Amina', '2025-08-07T08:00:00Z', 0);",
    );
    let db = Db::open(&path).unwrap();
    assert_eq!(identity(db.conn()).unwrap(), Identity::Unset);
    assert!(souk::storage::identify::needs_identity(db.conn()).unwrap());
}

/// The organiser's database (it merged or provisioned) stays the organiser's; its chain keys are kept.
#[test]
fn the_organisers_database_stays_the_organisers_and_keeps_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.db");
    schema_8(
        &path,
        &format!(
            "INSERT INTO shifts (id, till, cashier, opened_at, opening_float) VALUES ('s1', 'T01', 'Amina', '2025-08-07T08:00:00Z', 0);
             INSERT INTO provisions (till, at_utc, file) VALUES ('T02', '2025-08-01T08:00:00Z', 'caisse-T02.db');
             INSERT INTO chain_keys (chain, public_key, from_seq, registered_at, origin)
               VALUES ('T02', '{KEY}', 1, '2025-08-01T08:00:00Z', 'provisioned');"
        ),
    );
    let db = Db::open(&path).unwrap();
    assert_eq!(identity(db.conn()).unwrap(), Identity::Organiser);
    assert_eq!(
        souk::storage::keys::public_key(db.conn(), "T02").unwrap(),
        Some((KEY.to_string(), 1))
    );
    // Still append-only.
    let err = db
        .conn()
        .execute("DELETE FROM chain_keys", [])
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
}

/// A copy restored without its identity row is unidentified too (not an error at every command).
#[test]
fn a_database_without_an_identity_row_is_unidentified() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::create(&dir.path().join("m.db")).unwrap();
    db.conn().execute("DELETE FROM identity", []).unwrap();
    assert_eq!(identity(db.conn()).unwrap(), Identity::Unset);
    assert_eq!(
        souk::storage::identity::own_chain(db.conn()).unwrap(),
        souk::storage::ORG_CHAIN
    );
}
