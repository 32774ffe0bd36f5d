//! A database without identity at the command line: the till is not refused flat, it asks at start (in a
//! terminal); with no organiser to answer, it says what to do and stops, changing nothing.
use super::organiser::{add_organiser, refused};
use crate::support::common::*;

fn forget_identity(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute("DELETE FROM identity", []).unwrap();
}

#[test]
fn without_an_organiser_the_till_says_how_to_provision_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    forget_identity(&db);
    refused(
        &db,
        &[],
        &[
            "aucun organisateur n'est enregistré",
            "backup --out caisse-T03.db --till T03",
        ],
    );
    // The command line still reads it.
    ok(&db, &["verify"]);
}

#[test]
fn with_an_organiser_the_till_asks_in_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    add_organiser(&db);
    forget_identity(&db);
    refused(
        &db,
        &["--till", "T02"],
        &["la caisse a besoin d'un terminal"],
    );
    refused(
        &db,
        &[
            "backup",
            "--out",
            dir.path().join("c.db").to_str().unwrap(),
            "--till",
            "T02",
        ],
        &["n'a pas d'identité"],
    );
}
