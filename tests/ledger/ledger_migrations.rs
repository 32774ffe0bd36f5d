//! Migrations: from an empty file and from every earlier schema version to the latest, data kept.
use souk::storage::Db;
use souk::storage::migrate::{MIGRATIONS, current_version, migrate_to};

#[test]
fn from_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    std::fs::write(&path, b"").unwrap();
    let db = Db::open(&path).unwrap();
    assert_eq!(current_version(db.conn()).unwrap(), MIGRATIONS.len());
}

#[test]
fn from_every_earlier_version() {
    for from in 1..MIGRATIONS.len() + 1 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        {
            let c = rusqlite::Connection::open(&path).unwrap();
            souk::storage::configure(&c).unwrap();
            migrate_to(&c, from).unwrap();
            c.execute(
                "INSERT INTO market (id, uuid, name, created_at) VALUES (1, 'u', 'Marché', '2025-08-06T08:00:00Z')",
                [],
            )
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        assert_eq!(
            current_version(db.conn()).unwrap(),
            MIGRATIONS.len(),
            "from version {from}"
        );
        let name: String = db
            .conn()
            .query_row("SELECT name FROM market", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "Marché");
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let err = Db::open(&path).err().unwrap().to_string();
    assert!(err.contains("plus récente"), "{err}");
}

/// 005: a database from version 4 becomes the organiser's; its tickets keep their till as their chain.
#[test]
fn from_version_4_tickets_get_their_chain_and_the_database_an_identity() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        souk::storage::configure(&c).unwrap();
        migrate_to(&c, 4).unwrap();
        c.execute_batch(
            "INSERT INTO market (id, uuid, name, created_at) VALUES (1, 'u', 'Marché', '2025-08-06T08:00:00Z');
             INSERT INTO tickets (id, till, number, kind, at_utc, utc_offset, local_date, phase, cashier, manual,
               ticket_ref, total, journal_seq)
             VALUES ('T02-000001', 'T02', 1, 'sale', '2025-08-07T09:00:00Z', 3600, '2025-08-07', 1, 'A', 1, 'P1',
               4796, 1);",
        )
        .unwrap();
    }
    let db = Db::open(&path).unwrap();
    let c = db.conn();
    let row: (String, String, String) = c
        .query_row("SELECT id, chain, till FROM tickets", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, ("T02-000001".into(), "T02".into(), "T02".into()));
    assert_eq!(
        souk::storage::identity::identity(c).unwrap(),
        souk::storage::identity::Identity::Organiser
    );
    // Still append-only after the column moved.
    let err = c
        .execute("UPDATE tickets SET total = 1", [])
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    // The same paper reference of the same till may come back on another chain (it is then a merge's business).
    c.execute(
        "INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier, manual,
           ticket_ref, total, journal_seq)
         VALUES ('ORG-000001', 'ORG', 'T02', 1, 'sale', '2025-08-07T09:00:00Z', 3600, '2025-08-07', 1, 'A', 1, 'P1',
           4796, 5)",
        [],
    )
    .unwrap();
}
