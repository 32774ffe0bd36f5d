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

/// The print queue as the run-time code of earlier versions created it in a schema-3 database: first without
/// the `interrupted` column, later with it. Migration 004 rebuilds it with its rows (and the `sent` state).
fn old_queue_at_v3(path: &std::path::Path, with_interrupted: bool) {
    let c = rusqlite::Connection::open(path).unwrap();
    souk::storage::configure(&c).unwrap();
    migrate_to(&c, 3).unwrap();
    let extra = if with_interrupted {
        ", interrupted INTEGER NOT NULL DEFAULT 0"
    } else {
        ""
    };
    c.execute_batch(&format!(
        "CREATE TABLE print_jobs(
           id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, kind TEXT NOT NULL,
           subject TEXT NOT NULL, bytes BLOB NOT NULL, text TEXT NOT NULL,
           dup_bytes BLOB NOT NULL, dup_text TEXT NOT NULL,
           state TEXT NOT NULL DEFAULT 'pending'
             CHECK(state IN ('pending','printing','done','failed')),
           attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
           duplicate INTEGER NOT NULL DEFAULT 0, printed_at TEXT{extra});
         CREATE INDEX print_jobs_state ON print_jobs(state, id);
         CREATE INDEX print_jobs_subject ON print_jobs(subject);
         INSERT INTO print_jobs(created_at, kind, subject, bytes, text, dup_bytes, dup_text, state, attempts)
           VALUES ('2026-11-01T10:00:00Z', 'sale', 'T01-000001', x'00', 'a', x'01', 'b', 'done', 1),
                  ('2026-11-01T10:01:00Z', 'sale', 'T01-000002', x'02', 'c', x'03', 'd', 'printing', 2);"
    ))
    .unwrap();
    if with_interrupted {
        c.execute("UPDATE print_jobs SET interrupted = 2 WHERE id = 2", [])
            .unwrap();
    }
}

#[test]
fn a_print_queue_made_at_run_time_is_kept_by_migration_004() {
    use souk::storage::print_jobs::{self, JobState};
    for with_interrupted in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        old_queue_at_v3(&path, with_interrupted);
        let db = Db::open(&path).unwrap();
        assert_eq!(current_version(db.conn()).unwrap(), MIGRATIONS.len());
        let jobs = print_jobs::list(db.conn(), 10).unwrap();
        let got: Vec<(i64, &str, JobState, u32)> = jobs
            .iter()
            .map(|j| (j.id, j.subject.as_str(), j.state, j.attempts))
            .collect();
        assert_eq!(
            got,
            [
                (2, "T01-000002", JobState::Printing, 2),
                (1, "T01-000001", JobState::Done, 1)
            ],
            "with interrupted: {with_interrupted}"
        );
        let interrupted = print_jobs::interrupted(db.conn(), 2).unwrap();
        assert_eq!(interrupted, if with_interrupted { 2 } else { 0 });
        // The new state is accepted, the bytes kept.
        print_jobs::record_sent(db.conn(), 1, JobState::Sent).unwrap();
        let next = print_jobs::next_pending(db.conn()).unwrap();
        assert!(next.is_none());
        let bytes: Vec<u8> = db
            .conn()
            .query_row("SELECT dup_bytes FROM print_jobs WHERE id = 2", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(bytes, [3]);
    }
}

/// A state no version writes is an error when read, never taken for another.
#[test]
fn a_corrupt_job_state_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::create(&dir.path().join("m.db")).unwrap();
    db.conn()
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             INSERT INTO print_jobs(created_at, kind, subject, bytes, text, dup_bytes, dup_text, state)
               VALUES ('x', 'sale', 'T01-000001', x'00', '', x'00', '', 'imprimé');",
        )
        .unwrap();
    let e = souk::storage::print_jobs::list(db.conn(), 5).unwrap_err();
    assert!(e.to_string().contains("inconnu"), "{e}");
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
