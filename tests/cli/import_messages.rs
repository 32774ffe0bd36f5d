//! What a refused import says: the faulty row and cell of a ticket (not its first line), dates as JJ/MM/AAAA,
//! and the decimal comma of amounts typed on the command line.
use crate::support::common::*;
use std::path::{Path, PathBuf};

const SALES: &str = "ticket_ref;datetime;till;product_code;quantity;unit_price;payment_method\n";

fn market(dir: &Path) -> PathBuf {
    let db = dir.join("m.db");
    ok(&db, &["init", "--market", "Test"]);
    let files = [
        (
            "phases",
            "number;name;starts;ends\n1;Un;01/10/2026;05/10/2026\n2;Deux;06/10/2026;10/10/2026\n",
        ),
        ("tills", "id;name;collector\nT01;Caisse;organiser\n"),
        (
            "exhibitors",
            "code;name;kind;ice;phone;commission_rate;stall_fee;phases\n\
             E001;Coop A;cooperative;;;0,1;0;\"1;2\"\nE002;Coop B;cooperative;;;0,1;0;1\n",
        ),
        (
            "products",
            "exhibitor_code;code;barcode;name_fr;name_ar;unit;price;vat_rate\n\
             E001;P01;;Miel;;kg;150;0\nE001;P02;;Huile;;kg;150;0\nE002;P03;;Savon;;piece;0;0\n",
        ),
    ];
    for (kind, text) in files {
        let f = dir.join(format!("{kind}.csv"));
        std::fs::write(&f, text).unwrap();
        ok(&db, &["import", kind, f.to_str().unwrap()]);
    }
    db
}

/// Imports `rows` as a sales file that must be refused; the error, the database unchanged.
fn refused_sales(db: &Path, name: &str, rows: &str) -> String {
    let f = db.with_file_name(name);
    std::fs::write(&f, format!("{SALES}{rows}")).unwrap();
    let before = dump(db);
    let out = run(db, &["import", "sales", f.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "must be refused: {err}");
    assert_eq!(before, dump(db), "a refused import changed the database");
    err
}

#[test]
fn a_line_over_the_maximum_names_its_own_row_and_quantity() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let err = refused_sales(
        &db,
        "l.csv",
        "G1;02/10/2026 10:00;T01;P01;1;;cash\nG2;02/10/2026 10:05;T01;P01;2;;cash\n\
         G1;02/10/2026 10:00;T01;P02;9000;;cash\n",
    );
    assert!(
        err.starts_with("souk : l.csv:4:5 (quantity) : 9000 × 150,00 DH"),
        "{err}"
    );
    assert!(err.contains("dépasse le maximum"), "{err}");
    // Two lines each within bounds, over the maximum together: the second is named.
    let err = refused_sales(
        &db,
        "t.csv",
        "G5;02/10/2026 10:00;T01;P01;6000;;cash\nG5;02/10/2026 10:00;T01;P02;2000;;cash\n",
    );
    assert!(
        err.starts_with("souk : t.csv:3:5 (quantity) : ticket G5 : ticket de"),
        "{err}"
    );
}

#[test]
fn an_exhibitor_outside_the_phase_names_the_product_cell() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let err = refused_sales(
        &db,
        "m.csv",
        "G1;07/10/2026 10:00;T01;P01;1;;cash\nG1;07/10/2026 10:00;T01;P03;1;2;cash\n",
    );
    assert!(
        err.starts_with(
            "souk : m.csv:3:4 (product_code) : ticket G1 : l'exposant E002 ne participe pas à la phase 2"
        ),
        "{err}"
    );
}

#[test]
fn a_nil_amount_names_the_price_or_quantity_cell() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let err = refused_sales(
        &db,
        "z.csv",
        "G1;02/10/2026 10:00;T01;P01;1;0;cash\nG2;02/10/2026 10:00;T01;P01;0,001;1;cash\n\
         G3;02/10/2026 10:00;T01;P03;1;;cash\n",
    );
    assert!(
        err.contains("z.csv:2:6 (unit_price) : prix unitaire nul"),
        "{err}"
    );
    assert!(
        err.contains("z.csv:3:5 (quantity) : 0,001 × 1,00 DH font 0,00 DH"),
        "{err}"
    );
    assert!(
        err.contains("z.csv:4:6 (unit_price) : prix unitaire nul (prix du catalogue)"),
        "{err}"
    );
    assert!(!err.contains("paiement 1"), "{err}");
}

#[test]
fn a_sale_outside_every_phase_says_the_date_as_people_write_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let err = refused_sales(&db, "d.csv", "G4;15/10/2026 10:00;T01;P01;1;;cash\n");
    assert!(
        err.contains(
            "d.csv:2:2 (datetime) : ticket G4 : aucune phase ne contient la date 15/10/2026"
        ),
        "{err}"
    );
    for args in [
        &["people", "add", "Khadija", "--role", "supervisor"][..],
        &["phase", "close", "1", "--by", "Khadija", "--force"],
    ] {
        let out = souk()
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("SOUK_PIN", "432100")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A notebook dated in a closed phase is not refused: it goes to the phase's complément.
    let f = dir.path().join("c.csv");
    std::fs::write(
        &f,
        "ticket_ref;datetime;till;product_code;quantity;unit_price;payment_method\n\
         G4;03/10/2026 10:00;T01;P01;1;;cash\n",
    )
    .unwrap();
    let out = ok(&db, &["import", "sales", f.to_str().unwrap()]);
    assert!(
        out.contains("1 ticket en retard → complément 1 de la phase 1"),
        "{out}"
    );
}

#[test]
fn cash_rounding_takes_a_decimal_comma() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    ok(
        &db,
        &["init", "--market", "Test", "--cash-rounding", "0,50"],
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let step: i64 = c
        .query_row("SELECT cash_rounding FROM market", [], |r| r.get(0))
        .unwrap();
    assert_eq!(step, 50);
}

/// tests/fixtures/imports/produits-multiligne.csv (CRLF, a quoted name holding a line break) and its XLSX twin made
/// by `soffice --headless --infilter="CSV:44,34,76,1,,1036" --convert-to xlsx`: the same row either way.
#[test]
fn a_csv_cell_holding_a_line_break_keeps_the_rows_a_spreadsheet_shows() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports");
    let mut said = Vec::new();
    for name in ["produits-multiligne.csv", "produits-multiligne.xlsx"] {
        let f = fixtures.join(name);
        let before = dump(&db);
        let out = run(&db, &["import", "products", f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(before, dump(&db));
        said.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    assert!(
        said[0].contains("produits-multiligne.csv:3:7 (price) : « douze »"),
        "{}",
        said[0]
    );
    assert!(
        said[1].contains("produits-multiligne.xlsx:produits-multiligne!G3 (price)"),
        "{}",
        said[1]
    );
}
