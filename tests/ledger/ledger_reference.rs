//! Rates, fees, phases, tills and people changed behind the program's back (triggers are of no help: these rows
//! may change through souk) are caught by `souk verify` against the fingerprints journalled at each change.
use crate::support::common::*;
use std::path::Path;

/// The sample market with a supervisor, and phase 1 closed (sales from the paper file, a forced close).
fn market(dir: &Path) -> std::path::PathBuf {
    let db = sample_market(dir, true);
    let add = souk()
        .arg("--db")
        .arg(&db)
        .args(["people", "add", "Khadija", "--role", "supervisor"])
        .env("SOUK_PIN", "432100")
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let close = souk()
        .arg("--db")
        .arg(&db)
        .args(["phase", "close", "1", "--by", "Khadija", "--force"])
        .env("SOUK_PIN", "432100")
        .output()
        .unwrap();
    assert!(
        close.status.success(),
        "{}",
        String::from_utf8_lossy(&close.stderr)
    );
    ok(&db, &["verify"]);
    db
}

#[test]
fn every_setting_that_changes_money_is_checked_against_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let original = std::fs::read(&db).unwrap();
    let cases = [
        (
            "UPDATE exhibitors SET commission_rate = '0.5' WHERE code = 'E001'",
            "exposant E001",
        ),
        (
            "UPDATE exhibitors SET stall_fee = stall_fee + 100 WHERE code = 'E002'",
            "exposant E002",
        ),
        (
            "DELETE FROM exhibitor_phases WHERE exhibitor_code = 'E003' AND phase = 2",
            "exposant E003",
        ),
        (
            "UPDATE tills SET collector = CASE collector WHEN 'organiser' THEN 'exhibitor' ELSE 'organiser' END \
             WHERE id = 'T01'",
            "caisse T01",
        ),
        (
            "UPDATE people SET role = 'organiser' WHERE name = 'Khadija'",
            "personne Khadija",
        ),
        (
            "UPDATE people SET pin_hash = (SELECT pin_hash FROM people WHERE name = 'Khadija') WHERE name = 'Khadija'",
            "",
        ),
        (
            "UPDATE phases SET closed_at = NULL WHERE number = 1",
            "phase 1",
        ),
        (
            "UPDATE phases SET ends = '2099-12-31' WHERE number = 3",
            "phase 3",
        ),
    ];
    for (sql, expect) in cases {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        c.execute_batch(sql).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        drop(c);
        let out = run(&db, &["verify"]);
        let err = String::from_utf8_lossy(&out.stderr);
        if expect.is_empty() {
            // Writing the same value back changes nothing: no false alarm.
            assert!(out.status.success(), "`{sql}` is no change:\n{err}");
        } else {
            assert_eq!(out.status.code(), Some(1), "`{sql}` went unnoticed");
            assert!(
                err.contains(expect),
                "`{sql}`: expected {expect:?} in\n{err}"
            );
            assert!(err.contains("hors de souk"), "{err}");
        }
        std::fs::write(&db, &original).unwrap();
        let _ = std::fs::remove_file(dir.path().join("m.db-wal"));
        ok(&db, &["verify"]);
    }
}

#[test]
fn changes_made_through_souk_are_journalled_and_verify_passes() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let f = dir.path().join("ex.csv");
    let mut text = std::fs::read_to_string(fixtures().join("exhibitors.csv")).unwrap();
    text = text.replacen(",0.05,", ",0.07,", 1);
    std::fs::write(&f, text).unwrap();
    ok(&db, &["import", "exhibitors", f.to_str().unwrap()]);
    ok(&db, &["verify"]);
}

#[test]
fn a_sale_slipped_into_a_phase_reopened_behind_souk_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let c = rusqlite::Connection::open(&db).unwrap();
    let closed: String = c
        .query_row("SELECT closed_at FROM phases WHERE number = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    c.execute_batch("UPDATE phases SET closed_at = NULL WHERE number = 1")
        .unwrap();
    drop(c);
    let f = dir.path().join("late.csv");
    std::fs::write(
        &f,
        "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\nL1,2025-08-07 10:00,T01,E001-01,1,,cash\n",
    )
    .unwrap();
    ok(&db, &["import", "sales", f.to_str().unwrap()]);
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE phases SET closed_at = ?1 WHERE number = 1",
        [&closed],
    )
    .unwrap();
    drop(c);
    let out = run(&db, &["verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("après la clôture de la phase 1"), "{err}");
}

#[test]
fn derived_columns_changed_behind_souk_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let original = std::fs::read(&db).unwrap();
    let cases = [
        (
            "UPDATE shares SET collector = CASE collector WHEN 'organiser' THEN 'exhibitor' ELSE 'organiser' END \
             WHERE (ticket_id, exhibitor_code) = (SELECT ticket_id, exhibitor_code FROM shares LIMIT 1)",
            "encaissement",
        ),
        (
            "UPDATE shares SET phase = phase + 1 WHERE (ticket_id, exhibitor_code) = (SELECT ticket_id, exhibitor_code FROM shares LIMIT 1)",
            "phase",
        ),
        (
            "UPDATE tickets SET local_date = '2025-08-09' WHERE id = (SELECT MIN(id) FROM tickets)",
            "date locale",
        ),
    ];
    for (sql, expect) in cases {
        let c = rusqlite::Connection::open(&db).unwrap();
        for t in ["shares_no_update", "tickets_no_update"] {
            c.execute_batch(&format!("DROP TRIGGER IF EXISTS {t}"))
                .unwrap();
        }
        assert_eq!(c.execute(sql, []).unwrap(), 1, "{sql}");
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        drop(c);
        let out = run(&db, &["verify"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "`{sql}` went unnoticed");
        assert!(
            err.contains(expect),
            "`{sql}`: expected {expect:?} in\n{err}"
        );
        std::fs::write(&db, &original).unwrap();
        let _ = std::fs::remove_file(dir.path().join("m.db-wal"));
        ok(&db, &["verify"]);
    }
}

#[test]
fn a_till_that_sold_keeps_its_collector() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let f = dir.path().join("tills.csv");
    let text = std::fs::read_to_string(fixtures().join("tills.csv")).unwrap();
    std::fs::write(
        &f,
        text.replacen(
            "T01,Caisse centrale A,organiser",
            "T01,Caisse centrale A,exhibitor",
            1,
        ),
    )
    .unwrap();
    let before = dump(&db);
    let out = run(&db, &["import", "tills", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("caisse T01"), "{err}");
    assert_eq!(dump(&db), before);
}
