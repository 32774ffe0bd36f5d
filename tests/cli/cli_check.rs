//! `souk check`: a receipt's QR payload, a printed chain head and a statement's witness checked against the
//! journal; any digit changed, an unknown ticket or a rewritten row is « non conforme » (exit 1).
use crate::support::common::*;
use std::path::Path;

/// The QR payload the receipt of this ticket carries: `SOUK1|id|hash8|total`.
fn payload(db: &Path, id: &str) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let (hash, total): (String, i64) = c
        .query_row(
            "SELECT j.hash, t.total FROM tickets t JOIN journal j ON j.subject = t.id AND j.kind = t.kind
             WHERE t.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    format!(
        "SOUK1|{id}|{}|{}.{:02}",
        &hash[..8],
        total / 100,
        total % 100
    )
}

fn some_ticket(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT id FROM tickets WHERE kind = 'sale' AND total > 1000 ORDER BY id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn refused(db: &Path, witness: &str, expect: &str) {
    let out = run(db, &["check", witness]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{witness} passed: {err}");
    assert!(
        err.contains(expect),
        "{witness}: expected {expect:?} in\n{err}"
    );
}

#[test]
fn a_genuine_receipt_is_conforme_and_any_changed_digit_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let id = some_ticket(&db);
    let p = payload(&db, &id);
    let out = ok(&db, &["check", &p]);
    assert!(out.starts_with("conforme : ticket"), "{out}");
    let parts: Vec<&str> = p.split('|').collect();
    let (hash, total) = (parts[2], parts[3]);

    let other_hash = format!(
        "{}{}",
        &hash[..7],
        if hash.ends_with('0') { '1' } else { '0' }
    );
    refused(&db, &p.replace(hash, &other_hash), "empreinte");
    let (units, cents) = total.split_once('.').unwrap();
    let other_total = format!("{}.{cents}", units.parse::<i64>().unwrap() + 1);
    refused(&db, &p.replace(total, &other_total), "total");
    let unknown = p.replace(&id, &format!("{}-999999", &id[..id.len() - 7]));
    refused(&db, &unknown, "inconnu");
    refused(&db, "SOUK1|n'importe quoi", "illisible");
}

#[test]
fn a_receipt_of_a_rewritten_ticket_is_not_conforme() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let id = some_ticket(&db);
    let p = payload(&db, &id);
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("DROP TRIGGER lines_no_update").unwrap();
    c.execute(
        "UPDATE ticket_lines SET discount = discount + 100 WHERE ticket_id = ?1 AND line_no = 1",
        [&id],
    )
    .unwrap();
    drop(c);
    refused(&db, &p, "ne correspondent plus");
}

#[test]
fn printed_heads_are_checked_against_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let c = rusqlite::Connection::open(&db).unwrap();
    let head: String = c
        .query_row(
            "SELECT hash FROM journal ORDER BY chain, seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(c);
    // A Z report prints its head on two lines: what a person types back may keep the break.
    let typed = format!("{}\n{}", &head[..32], &head[32..]);
    let out = ok(&db, &["check", &typed]);
    assert!(out.starts_with("conforme : entrée"), "{out}");
    refused(
        &db,
        &head.replace(&head[..1], if head.starts_with('f') { "e" } else { "f" }),
        "non conforme",
    );

    // The statement's witness, as `report settlement` prints it.
    let report = ok(&db, &["report", "settlement", "--phase", "1"]);
    let witness = report
        .lines()
        .find_map(|l| l.split("Empreinte du journal : ").nth(1))
        .expect("the settlement prints the journal's witness")
        .trim()
        .to_string();
    let out = ok(&db, &["check", &witness]);
    assert!(out.starts_with("conforme"), "{out}");
}

#[test]
fn the_settlement_fingerprint_printed_at_close_is_conforme_and_a_rewritten_settlement_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let with_pin = |args: &[&str]| run_with(&db, args, &[("SOUK_PIN", "432100")]);
    with_pin(&["people", "add", "Khadija", "--role", "supervisor"]);
    let out = with_pin(&["phase", "close", "1", "--by", "Khadija", "--force"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fingerprint = stdout
        .split("empreinte ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("phase close prints the settlement's fingerprint")
        .to_string();
    let out = ok(&db, &["check", &fingerprint]);
    assert!(
        out.starts_with("conforme : empreinte du règlement de la phase 1"),
        "{out}"
    );

    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS phases_closed_frozen;
         UPDATE phases SET settlement_json = replace(settlement_json, '\"net\":\"', '\"net\":\"1') WHERE number = 1;",
    )
    .unwrap();
    refused(
        &db,
        &fingerprint,
        "le règlement enregistré ne donne plus cette empreinte",
    );
}
