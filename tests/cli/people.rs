//! People on the command line: once an organiser exists, adding or changing anyone (an organiser's PIN
//! included) needs an organiser's PIN and is journalled; approving roles need 6 digits; an organiser's unlock
//! from the command line works even when the organiser was locked at a till.
use crate::support::common::*;
use std::path::Path;

fn people(db: &Path, args: &[&str], pin: &str, by_pin: Option<&str>) -> std::process::Output {
    let mut c = souk();
    c.arg("--db")
        .arg(db)
        .arg("people")
        .args(args)
        .env("SOUK_PIN", pin);
    if let Some(p) = by_pin {
        c.env("SOUK_BY_PIN", p);
    }
    c.output().unwrap()
}

fn err(o: &std::process::Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn journal(db: &Path, kind: &str) -> Vec<(String, String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT actor, subject, detail FROM journal WHERE kind = ?1 ORDER BY seq")
        .unwrap();
    st.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pin_hash(db: &Path, name: &str) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT pin_hash FROM people WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn once_an_organiser_exists_changes_need_an_organisers_pin() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    // 4 digits are too few for those who approve.
    let e = err(&people(
        &db,
        &["add", "Karim Tazi", "--role", "organiser"],
        "1234",
        None,
    ));
    assert!(e.contains("au moins 6 chiffres"), "{e}");
    assert!(
        people(
            &db,
            &["add", "Karim Tazi", "--role", "organiser"],
            "482913",
            None
        )
        .status
        .success()
    );
    let hash = pin_hash(&db, "Karim Tazi");

    // The finding: replacing the organiser's PIN with no PIN at all.
    let e = err(&people(
        &db,
        &["add", "Karim Tazi", "--role", "organiser"],
        "111111",
        None,
    ));
    assert!(e.contains("--by"), "{e}");
    let e = err(&people(
        &db,
        &[
            "add",
            "Karim Tazi",
            "--role",
            "organiser",
            "--by",
            "Karim Tazi",
        ],
        "111111",
        Some("000000"),
    ));
    assert!(e.contains("code incorrect"), "{e}");
    assert_eq!(pin_hash(&db, "Karim Tazi"), hash);

    let ok_add = people(
        &db,
        &["add", "Amina", "--role", "cashier", "--by", "Karim Tazi"],
        "1234",
        Some("482913"),
    );
    assert!(
        ok_add.status.success(),
        "{}",
        String::from_utf8_lossy(&ok_add.stderr)
    );
    let entries = journal(&db, "person");
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[1].0, "Karim Tazi");
    assert_eq!(entries[1].1, "Amina");
    assert!(
        entries.iter().all(|(_, _, d)| !d.contains("argon2")),
        "no PIN hash in the journal"
    );

    // A cashier cannot authorise.
    let e = err(&people(
        &db,
        &["add", "Omar", "--role", "supervisor", "--by", "Amina"],
        "123456",
        Some("1234"),
    ));
    assert!(e.contains("n'est pas organisateur"), "{e}");
    ok(&db, &["verify"]);
}

#[test]
fn an_organiser_locked_at_a_till_still_unlocks_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    assert!(
        people(
            &db,
            &["add", "Karim Tazi", "--role", "organiser"],
            "482913",
            None
        )
        .status
        .success()
    );
    // Locked by failures (as a cashier trying PINs at a till would do).
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE people SET failed_pins = 10, locked = 1", [])
        .unwrap();
    let e = err(&people(
        &db,
        &["unlock", "Karim Tazi", "--by", "Karim Tazi"],
        "",
        Some("000000"),
    ));
    assert!(e.contains("code incorrect"), "{e}");
    let o = people(
        &db,
        &["unlock", "Karim Tazi", "--by", "Karim Tazi"],
        "",
        Some("482913"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let locked: bool = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT locked FROM people WHERE name = 'Karim Tazi'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!locked);
    assert_eq!(journal(&db, "unlock").len(), 1);
}
