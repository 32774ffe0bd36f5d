//! Imports of files made by LibreOffice (tests/fixtures/imports, see make_fixtures.py): XLSX, ODS, a French `;`
//! CSV, a CRLF CSV with errors on known lines; malformed files refused with a position, the database unchanged.
use crate::support::common::*;
use calamine::{Data, Reader, open_workbook_auto};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/imports")
        .join(name)
}

fn query(db: &Path, sql: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let cols: Vec<String> = (0..n)
            .map(|i| match r.get::<_, rusqlite::types::Value>(i).unwrap() {
                rusqlite::types::Value::Null => String::new(),
                rusqlite::types::Value::Integer(v) => v.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .collect();
        Ok(cols.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Runs an import that must be refused; returns stderr after checking that nothing changed.
fn refused(db: &Path, kind: &str, file: &Path, extra: &[&str]) -> String {
    let before = dump(db);
    let mut args = vec!["import", kind, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(db, &args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{file:?} should be refused: {err}"
    );
    assert_eq!(before, dump(db), "a refused import changed the database");
    err
}

#[test]
fn xlsx_dry_run_writes_nothing_then_imports_then_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let file = fixture("produits.xlsx");
    let f = file.to_str().unwrap();
    let before = dump(&db);
    let out = ok(&db, &["import", "products", f, "--dry-run"]);
    assert!(out.contains("feuille « Produits »"), "{out}");
    assert!(
        out.contains("rien n'est écrit : 5 à ajouter, 0 à modifier, 0 inchangé, 0 ligne refusée"),
        "{out}"
    );
    assert_eq!(before, dump(&db), "a dry run wrote to the database");
    let out = ok(&db, &["import", "products", f]);
    assert!(out.contains(": 5 ajoutés, 0 modifié, 0 inchangé"), "{out}");
    let rows = query(
        &db,
        "SELECT code, barcode, unit, price, vat_rate FROM products WHERE code LIKE 'X-%' ORDER BY code",
    );
    assert_eq!(
        rows,
        [
            "X-01|6111000000017|kg|25000|0",
            "X-02||piece|1250|0",
            "X-03||l|32050|0",
            "X-04|6111000000024|piece|1890|0",
            "X-05||kg|9500|0.1",
        ]
    );
    let out = ok(&db, &["import", "products", f, "--dry-run"]);
    assert!(
        out.contains("0 à ajouter, 0 à modifier, 5 inchangés"),
        "{out}"
    );
}

#[test]
fn ods_sheets_named_like_the_kind_hold_phases_and_exhibitors() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let f = fixture("marche.ods");
    let out = ok(&db, &["import", "phases", f.to_str().unwrap()]);
    assert!(
        out.contains("ODS, feuille « Phases »") && out.contains("1 ajouté,"),
        "{out}"
    );
    let out = ok(&db, &["import", "exhibitors", f.to_str().unwrap()]);
    assert!(
        out.contains("feuille « Exposants »") && out.contains("3 ajoutés"),
        "{out}"
    );
    assert_eq!(
        query(
            &db,
            "SELECT number, starts, ends FROM phases WHERE number = 4"
        ),
        ["4|2026-11-25|2026-11-29"]
    );
    let rows = query(
        &db,
        "SELECT code, kind, ice, commission_rate, stall_fee, sector, women_led FROM exhibitors
         WHERE code LIKE 'E10%' ORDER BY code",
    );
    // E101's ICE is a number cell shown with 15 digits: its leading zeros come back.
    assert_eq!(
        rows,
        [
            "E101|cooperative|001234567000089|0.05|15000|agroalimentaire|1",
            "E102|association|000987654000012|0.075|9990|artisanat|0",
            "E103|gie||0|0|cosmetique|",
        ]
    );
    // The same exhibitors saved by LibreOffice as a French CSV (`;`, 5 %, 150,00) are the same rows.
    let out = ok(
        &db,
        &[
            "import",
            "exhibitors",
            fixture("exposants-fr.csv").to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("séparateur « ; »") && out.contains("0 ajouté, 0 modifié, 3 inchangés"),
        "{out}"
    );
}

#[test]
fn french_csv_sales_with_decimal_commas_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let out = ok(
        &db,
        &[
            "import",
            "sales",
            fixture("ventes-fr.csv").to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("séparateur « ; »") && out.contains("2 tickets ajoutés (3 lignes)"),
        "{out}"
    );
    assert_paper_sales_fr(&db);
    let iso = ok(&db, &["report", "day", "--date", "2025-08-07"]);
    let fr = ok(&db, &["report", "day", "--date", "07/08/2025"]);
    assert_eq!(strip_edited(&iso), strip_edited(&fr));
    assert!(fr.contains("07/08/2025"), "{fr}");
}

#[test]
fn an_excel_workbook_of_paper_sales_with_date_and_number_cells() {
    // LibreOffice's XLSX: a notes sheet first, then "Ventes" with date-time cells, 0,750 in a 3-decimal number
    // cell, prices in 2-decimal cells; read cell by cell as the rows come.
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let out = ok(
        &db,
        &["import", "sales", fixture("ventes.xlsx").to_str().unwrap()],
    );
    assert!(out.contains("2 tickets ajoutés (3 lignes)"), "{out}");
    assert_paper_sales_fr(&db);
}

/// The lines of the French paper sales (`ventes-fr.csv`, `ventes.xlsx`) as the ledger holds them.
fn assert_paper_sales_fr(db: &std::path::Path) {
    let lines = query(
        db,
        "SELECT t.ticket_ref, t.till, t.local_date, l.product_code, l.quantity, l.unit_price, p.method
         FROM tickets t JOIN ticket_lines l ON l.ticket_id = t.id JOIN payments p ON p.ticket_id = t.id
         ORDER BY t.ticket_ref, l.product_code",
    );
    assert_eq!(
        lines,
        [
            "P101|T01|2025-08-07|E001-01|750|18220|cash",
            "P101|T01|2025-08-07|E001-03|2000|2250|cash",
            "P102|T02|2025-08-08|E002-01|1000|1994|card",
        ]
    );
}

fn strip_edited(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("Édité le"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn crlf_csv_errors_name_the_rows_a_spreadsheet_shows() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let file = fixture("produits-crlf.csv");
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "the fixture is CRLF"
    );
    let err = refused(&db, "products", &file, &[]);
    assert!(err.contains("produits-crlf.csv:4:7 (price)"), "{err}");
    assert!(err.contains("produits-crlf.csv:6:6 (unit)"), "{err}");
    // Checked against the file as a spreadsheet shows it: row 4 column 7 is "douze"; the quoted name holding a
    // line break (editor lines 5 and 6) is one row, so "sac", on the editor's line 7, is on row 6.
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[3].split(',').nth(6), Some("douze"));
    assert!(lines[4].ends_with("\"Savon noir"));
    assert_eq!(lines[6].split(',').nth(5), Some("sac"));
    // The same file with LF line ends gives the same positions.
    let lf = dir.path().join("produits-lf.csv");
    std::fs::write(&lf, text.replace("\r\n", "\n")).unwrap();
    let err = refused(&db, "products", &lf, &[]);
    assert!(
        err.contains("produits-lf.csv:4:7") && err.contains("produits-lf.csv:6:6"),
        "{err}"
    );
    // A dry run says the same refusal, and only it: no counts of what a refused file would add.
    let out = run(
        &db,
        &["import", "products", file.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "souk : essai, rien n'a été écrit : le fichier serait refusé (2 erreurs) :\n  produits-crlf.csv:4:7 (price)"
        ),
        "{stderr}"
    );
}

#[test]
fn xlsx_errors_name_the_cells() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let file = fixture("produits-erreur.xlsx");
    let err = refused(&db, "products", &file, &[]);
    assert!(
        err.contains("produits-erreur.xlsx:Produits!G12 (price)"),
        "{err}"
    );
    assert!(
        err.contains("produits-erreur.xlsx:Produits!H9 (vat_rate)"),
        "{err}"
    );
    let mut book = open_workbook_auto(&file).unwrap();
    let sheet = book.worksheet_range("Produits").unwrap();
    // G12 and H9 are (row 11, column 6) and (row 8, column 7) counted from 0.
    assert_eq!(
        sheet.get_value((11, 6)),
        Some(&Data::String("douze".into()))
    );
    assert!(matches!(sheet.get_value((8, 7)), Some(Data::Float(f)) if *f == 5.0));
}

#[test]
fn malformed_files_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let err = refused(&db, "products", &fixture("produits-fusion.xlsx"), &[]);
    assert!(
        err.contains("produits-fusion.xlsx:Produits!B1") && err.contains("fusionnées"),
        "{err}"
    );
    // In ODS a merged header leaves a column without a name above its values.
    let err = refused(&db, "products", &fixture("produits-fusion.ods"), &[]);
    assert!(
        err.contains("produits-fusion.ods:Produits!C1") && err.contains("fusionnées"),
        "{err}"
    );
    let err = refused(&db, "products", &fixture("vide.ods"), &[]);
    assert!(
        err.contains("vide.ods") && err.contains("est vide"),
        "{err}"
    );
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let h = "exhibitor_code,code,barcode,name_fr,name_ar,unit,price,vat_rate\n";
    let good = "E001,W-1,,Miel,,kg,10.00,0\n";
    let cases: Vec<(PathBuf, Vec<&str>)> = vec![
        (
            write("pas-zip.xlsx", h.as_bytes()),
            vec!["pas-zip.xlsx", "pas une archive zip"],
        ),
        (
            write(
                "ansi.csv",
                &[h.as_bytes(), good.as_bytes(), b"E001,W-2,,Th\xE9,,kg,1,0\n"].concat(),
            ),
            vec!["ansi.csv:3 ", "UTF-8"],
        ),
        (
            write(
                "nul.csv",
                &[h.as_bytes(), good.as_bytes(), b"\0\0\n"].concat(),
            ),
            vec!["nul.csv:3 ", "octet nul"],
        ),
        (
            write(
                "long.csv",
                format!("{h}E001,W-1,,\"{}\",,kg,1,0\n", "x".repeat(5 << 20)).as_bytes(),
            ),
            vec!["long.csv:2:4", "octets"],
        ),
        (
            write(
                "quote.csv",
                format!("{h}{good}E001,W-2,,\"Miel,,kg,1,0\nE001,W-3,,Amlou,,kg,1,0\n").as_bytes(),
            ),
            vec!["quote.csv:3:4", "guillemet"],
        ),
        (
            write(
                "double.csv",
                format!("exhibitor_code,code,code,name_fr,name_ar,unit,price,vat_rate\n{good}")
                    .as_bytes(),
            ),
            vec!["double.csv:1:3", "en double"],
        ),
        (
            write(
                "virgules.csv",
                format!("{h}E001,W-1,,Miel,,kg,12,50,0\nE001,W-2,,Amlou,,kg,8,00,0\n").as_bytes(),
            ),
            vec!["virgules.csv:2:7 (price)", "virgule décimale", "1 autre"],
        ),
    ];
    for (file, expect) in cases {
        let err = refused(&db, "products", &file, &[]);
        for e in expect {
            assert!(err.contains(e), "{file:?}: expected {e:?} in\n{err}");
        }
        assert_eq!(err.lines().count(), 1, "one line for {file:?}:\n{err}");
    }
    // A dry run of a refused file also writes nothing.
    refused(
        &db,
        "products",
        &dir.path().join("virgules.csv"),
        &["--dry-run"],
    );
}

#[test]
fn a_french_kind_in_an_older_database_counts_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE exhibitors SET kind = 'coopérative' WHERE code = 'E002'",
        [],
    )
    .unwrap();
    drop(c);
    let out = ok(
        &db,
        &["report", "totals", "--phase", "1", "--format", "csv"],
    );
    let kinds: Vec<&str> = out.lines().filter(|l| l.starts_with("1,kind,")).collect();
    assert!(
        kinds.iter().all(|l| !l.contains("coopérative")),
        "{kinds:?}"
    );
    assert_eq!(kinds.len(), 2, "{kinds:?}");
}
