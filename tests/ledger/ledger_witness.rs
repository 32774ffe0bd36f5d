//! The head file beside the database: a tail cut or a rewritten newest entry, invisible to the chain alone, is
//! caught by `souk verify`; putting the original file back makes verify pass again.
use crate::support::common::*;
use souk::domain::canonical::entry_hash;
use souk::storage::journal;
use std::path::Path;

fn heads_file(db: &Path) -> std::path::PathBuf {
    souk::storage::heads::head_path(db)
}

fn open_unguarded(db: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    for t in ["tickets", "lines", "payments", "shares", "journal"] {
        for op in ["update", "delete"] {
            c.execute_batch(&format!("DROP TRIGGER IF EXISTS {t}_no_{op}"))
                .unwrap();
        }
    }
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    c
}

/// The newest entry of the chain with the most entries.
fn newest(c: &rusqlite::Connection) -> journal::Entry {
    c.query_row(
        &format!(
            "{} WHERE chain = (SELECT chain FROM journal GROUP BY chain ORDER BY COUNT(*) DESC, chain LIMIT 1)
             ORDER BY seq DESC LIMIT 1",
            journal::SELECT_ENTRY
        ),
        [],
        journal::from_row,
    )
    .unwrap()
}

fn verify_fails(db: &Path, expect: &str) {
    let out = run(db, &["verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "verify passed:\n{err}");
    assert!(err.contains(expect), "expected {expect:?} in\n{err}");
}

#[test]
fn the_head_file_is_written_private_and_verify_passes() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let text = std::fs::read_to_string(heads_file(&db)).expect("a head file beside the database");
    assert!(text.starts_with("souk-heads/1\nmarket "), "{text}");
    let newest = newest(&open_unguarded(&db));
    assert!(
        text.contains(&format!("{} {} {}", newest.chain, newest.seq, newest.hash)),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(heads_file(&db))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    ok(&db, &["verify"]);
}

#[test]
fn a_tail_cut_is_caught_and_the_original_passes_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let original = std::fs::read(&db).unwrap();
    let c = open_unguarded(&db);
    let e = newest(&c);
    c.execute(
        "DELETE FROM journal WHERE chain = ?1 AND seq = ?2",
        rusqlite::params![e.chain, e.seq as i64],
    )
    .unwrap();
    if e.kind == "sale" || e.kind == "refund" {
        for t in ["ticket_lines", "payments", "shares"] {
            c.execute(
                &format!("DELETE FROM {t} WHERE ticket_id = ?1"),
                [&e.subject],
            )
            .unwrap();
        }
        c.execute("DELETE FROM tickets WHERE id = ?1", [&e.subject])
            .unwrap();
    }
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    verify_fails(&db, "témoin de têtes");

    std::fs::write(&db, original).unwrap();
    let _ = std::fs::remove_file(dir.path().join("m.db-wal"));
    ok(&db, &["verify"]);
}

#[test]
fn a_newest_entry_rewritten_with_its_hash_recomputed_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let c = open_unguarded(&db);
    let mut e = newest(&c);
    e.actor = format!("{} (réécrit)", e.actor);
    e.hash = entry_hash(&e.fields());
    c.execute(
        "UPDATE journal SET actor = ?1, hash = ?2 WHERE chain = ?3 AND seq = ?4",
        rusqlite::params![e.actor, e.hash, e.chain, e.seq as i64],
    )
    .unwrap();
    drop(c);
    verify_fails(&db, "chaîne réécrite");
}

/// The head file is renamed into place without an fsync of its own: a power cut can leave it empty or cut short.
/// That is said, never taken for tampering.
#[test]
fn a_head_file_cut_by_a_power_cut_is_a_note_not_a_break() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    for cut in ["", "souk-heads/1\nmarket "] {
        std::fs::write(heads_file(&db), cut).unwrap();
        let out = run(&db, &["verify"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("coupure de courant"), "{text}");
    }
}
