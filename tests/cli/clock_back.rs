//! A laptop whose clock went back (a flat clock battery after a power cut) keeps writing a sound ledger: the
//! settings recorded last are the last in the journal's order, not the latest-dated, so `verify` raises no false
//! alarm; a phase reopened behind souk's back is still caught.
use crate::support::common::*;

#[test]
fn settings_recorded_under_a_clock_gone_back_are_no_false_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let pin = ("SOUK_PIN", "432100");
    let added = run_with(&db, &["people", "add", "K", "--role", "supervisor"], &[pin]);
    assert!(added.status.success());
    // The imports were dated today; the close is dated more than a year earlier.
    let before = ("SOUK_NOW", "2025-08-20 10:00");
    let out = run_with(
        &db,
        &["phase", "close", "1", "--by", "K", "--force"],
        &[pin, before],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(&db, &["verify"]);

    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute("UPDATE phases SET closed_at = NULL WHERE number = 1", [])
        .unwrap();
    let out = run(&db, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("phase 1 : modifié hors de souk"));
}
