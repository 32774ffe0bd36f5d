//! Digit-only codes and ticket references that a spreadsheet turned into numbers (`001` → 1): a file saved again
//! as XLSX by LibreOffice names the same tickets, exhibitors and products, and never doubles sales
//! (tests/fixtures/imports/zeros, see make.sh).
use crate::support::common::*;
use std::path::{Path, PathBuf};

fn zeros(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports/zeros");
    p.join(name).to_str().unwrap().to_string()
}

fn market(dir: &Path) -> PathBuf {
    let db = dir.join("z.db");
    ok(&db, &["init", "--market", "Test"]);
    for (kind, file) in [
        ("phases", "phases.csv"),
        ("tills", "tills.csv"),
        ("exhibitors", "exposants.csv"),
        ("products", "produits.csv"),
        ("sales", "papier.csv"),
    ] {
        ok(&db, &["import", kind, &zeros(file)]);
    }
    db
}

fn query(db: &Path, sql: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn refused(db: &Path, args: &[&str]) -> String {
    let before = dump(db);
    let out = run(db, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "must be refused: {err}");
    assert_eq!(before, dump(db), "a refused import changed the database");
    err
}

#[test]
fn paper_sales_saved_again_as_xlsx_are_refused_as_already_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let err = refused(&db, &["import", "sales", &zeros("papier.xlsx")]);
    assert!(err.contains("papier.xlsx:papier!A2 (ticket_ref)"), "{err}");
    assert!(err.contains("déjà importé sous la référence 001"), "{err}");
    assert_eq!(
        query(&db, "SELECT ticket_ref FROM tickets ORDER BY id"),
        ["001", "002"]
    );
}

#[test]
fn refs_equal_but_for_leading_zeros_in_one_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let f = dir.path().join("deux.csv");
    std::fs::write(
        &f,
        "ticket_ref;datetime;till;product_code;quantity;unit_price;payment_method\n\
         07;02/10/2026 10:00;T01;P01;1;;cash\n7;02/10/2026 10:10;T01;P01;1;;cash\n",
    )
    .unwrap();
    let err = refused(&db, &["import", "sales", f.to_str().unwrap()]);
    assert!(err.contains("deux.csv:3:1 (ticket_ref)"), "{err}");
    assert!(err.contains("« 7 » et « 07 » ligne 2"), "{err}");
}

#[test]
fn codes_read_as_numbers_are_the_codes_already_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    // 017 is updated, not doubled by a new exhibitor 17; product 005 keeps its code and its exhibitor 017.
    let out = ok(
        &db,
        &["import", "exhibitors", &zeros("exposants-renommes.xlsx")],
    );
    assert!(out.contains("0 ajouté, 1 modifié, 1 inchangé"), "{out}");
    assert_eq!(
        query(
            &db,
            "SELECT code || '|' || name FROM exhibitors ORDER BY code"
        ),
        ["017|Coop B renommée", "E001|Coop A"]
    );
    let out = ok(&db, &["import", "products", &zeros("produits.xlsx")]);
    assert!(out.contains("0 ajouté, 0 modifié, 2 inchangés"), "{out}");
    // A sale of product 5 (was 005), reference 3 (was 003).
    ok(&db, &["import", "sales", &zeros("papier-suite.xlsx")]);
    assert_eq!(
        query(
            &db,
            "SELECT t.ticket_ref || '|' || l.product_code || '|' || l.exhibitor_code FROM tickets t \
             JOIN ticket_lines l ON l.ticket_id = t.id ORDER BY t.id"
        ),
        ["001|P01|E001", "002|005|017", "3|005|017"]
    );
}

#[test]
fn codes_equal_but_for_leading_zeros_are_refused_in_one_file_and_update_the_existing_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let f = dir.path().join("e.csv");
    std::fs::write(
        &f,
        "code;name;kind;ice;phone;commission_rate;stall_fee;phases\n\
         42;Un;cooperative;;;0;0;1\n042;Deux;cooperative;;;0;0;1\n",
    )
    .unwrap();
    let err = refused(&db, &["import", "exhibitors", f.to_str().unwrap()]);
    assert!(err.contains("e.csv:3:1 (code)"), "{err}");
    assert!(err.contains("« 042 » en double de « 42 » ligne 2"), "{err}");
    // 0017 is 017, which exists: updated, not added.
    std::fs::write(
        &f,
        "code;name;kind;ice;phone;commission_rate;stall_fee;phases\n0017;Trois;cooperative;;;0;0;1\n",
    )
    .unwrap();
    let out = ok(&db, &["import", "exhibitors", f.to_str().unwrap()]);
    assert!(out.contains("0 ajouté, 1 modifié"), "{out}");
    assert_eq!(
        query(
            &db,
            "SELECT code || '|' || name FROM exhibitors ORDER BY code"
        ),
        ["017|Trois", "E001|Coop A"]
    );
}
