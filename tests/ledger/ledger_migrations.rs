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
