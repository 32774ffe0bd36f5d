//! Imports through the real binary: good files land, bad ones are refused with file:line:column and change
//! nothing.
use crate::support::common::*;
use std::path::Path;

fn refused(db: &Path, kind: &str, name: &str, content: &str, expect: &[&str]) {
    let dir = db.parent().unwrap();
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    let before = dump(db);
    let out = run(db, &["import", kind, file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{kind} {name} should be refused: {err}"
    );
    for e in expect {
        assert!(
            err.contains(e),
            "stderr of {name} should contain {e:?}:\n{err}"
        );
    }
    assert_eq!(before, dump(db), "a refused import changed the database");
}

const PRODUCTS_HEADER: &str = "exhibitor_code,code,barcode,name_fr,name_ar,unit,price,vat_rate\n";

#[test]
fn bad_product_files_are_refused_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let good = "E001,X-1,,Miel,,kg,10.00,0\n";
    let cases: &[(&str, String, &[&str])] = &[
        (
            "price.csv",
            format!("{PRODUCTS_HEADER}{good}E001,X-2,,Miel,,kg,douze,0\n"),
            &["price.csv:3:7", "douze"],
        ),
        (
            "exhibitor.csv",
            format!("{PRODUCTS_HEADER}E999,X-2,,Miel,,kg,12.00,0\n"),
            &["exhibitor.csv:2:1", "E999"],
        ),
        (
            "dup.csv",
            format!("{PRODUCTS_HEADER}{good}{good}"),
            &["dup.csv:3:2", "double", "ligne 2"],
        ),
        (
            "neg.csv",
            format!("{PRODUCTS_HEADER}E001,X-2,,Miel,,kg,-3.00,0\n"),
            &["neg.csv:2:7", "négatif"],
        ),
        (
            "header.csv",
            format!("exhibitor,code,barcode,name_fr,name_ar,unit,price,vat_rate\n{good}"),
            &["header.csv:1 :", "absente", "exhibitor_code"],
        ),
        (
            "unit.csv",
            format!("{PRODUCTS_HEADER}E001,X-2,,Miel,,sac,12.00,0\n"),
            &["unit.csv:2:6", "sac"],
        ),
        (
            "fields.csv",
            format!("{PRODUCTS_HEADER}E001,X-2,Miel\n"),
            &["fields.csv:2:4", "champ(s) au lieu de 8", "name_fr"],
        ),
    ];
    for (name, content, expect) in cases {
        refused(&db, "products", name, content, expect);
    }
}

#[test]
fn a_quantity_with_four_decimals_refuses_the_sales_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let content = "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n\
        P1,2025-08-07 10:00,T01,E001-01,1,,cash\n\
        P2,2025-08-07 10:05,T01,E001-01,0.7505,,cash\n";
    refused(
        &db,
        "sales",
        "qty.csv",
        content,
        &["qty.csv:3:5", "0.7505", "3 décimales"],
    );
}

#[test]
fn sales_refused_outside_phases_or_exhibitors_or_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let h = "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n";
    // E005 is not in phase 1 (2025-08-06..10)
    refused(
        &db,
        "sales",
        "absent.csv",
        &format!("{h}P1,2025-08-07 10:00,T01,E005-01,1,,cash\n"),
        &["absent.csv:2", "E005", "phase 1"],
    );
    refused(
        &db,
        "sales",
        "date.csv",
        &format!("{h}P1,2025-09-07 10:00,T01,E001-01,1,,cash\n"),
        &["date.csv:2", "aucune phase"],
    );
    refused(
        &db,
        "sales",
        "piece.csv",
        &format!("{h}P1,2025-08-07 10:00,T01,E001-03,1.5,,cash\n"),
        &["piece.csv:2:5", "pièce"],
    );
    let file = dir.path().join("ok.csv");
    std::fs::write(&file, format!("{h}P1,2025-08-07 10:00,T01,E001-01,1,,cash\nP2,2025-08-07 10:05,T01,E001-03,2,20.00,card\n")).unwrap();
    let out = ok(&db, &["import", "sales", file.to_str().unwrap()]);
    assert!(out.contains("2 tickets"), "{out}");
    // the same file again: refused whole, naming the line of the first duplicate reference
    refused(
        &db,
        "sales",
        "ok.csv",
        &std::fs::read_to_string(&file).unwrap(),
        // paper sales are numbered in the importing database's own series (ORG here), collected by T01
        &["ok.csv:2:1", "déjà importé", "caisse T01", "ORG-000001"],
    );
}

#[test]
fn bad_exhibitors_and_phases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let h = "code,name,kind,ice,phone,commission_rate,stall_fee,phases\n";
    refused(
        &db,
        "exhibitors",
        "rate.csv",
        &format!("{h}E050,Coop,cooperative,,,5,0,1\n"),
        &["rate.csv:2:6", "taux"],
    );
    refused(
        &db,
        "exhibitors",
        "phase.csv",
        &format!("{h}E050,Coop,cooperative,,,0,0,1;7\n"),
        &["phase.csv:2:8", "phase 7"],
    );
    refused(
        &db,
        "exhibitors",
        "ice.csv",
        &format!("{h}E050,Coop,cooperative,12AB,,0,0,1\n"),
        &["ice.csv:2:4", "ICE"],
    );
    let ph = "number,name,starts,ends\n";
    refused(
        &db,
        "phases",
        "overlap.csv",
        &format!("{ph}4,Phase 4,2025-08-20,2025-08-25\n"),
        &["overlap.csv:2", "chevauchent"],
    );
    refused(
        &db,
        "phases",
        "date.csv",
        &format!("{ph}4,Phase 4,2025-13-01,2025-08-25\n"),
        &["date.csv:2:3 (starts)", "2025-13-01", "n'existe pas"],
    );
    refused(
        &db,
        "tills",
        "coll.csv",
        "id,name,collector\nT09,Caisse,personne\n",
        &["coll.csv:2:3", "personne"],
    );
}

#[test]
fn the_sample_market_imports_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let out = ok(&db, &["verify"]);
    assert!(out.contains("organisateur (ORG) : 41 tickets"), "{out}");
    assert!(out.contains("journal intègre"), "{out}");
}

#[test]
fn usage_errors_exit_2_and_missing_database_exits_1() {
    let out = souk().args(["import", "nothing"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir.path().join("absent.db"), &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("introuvable"), "{err}");
}

#[test]
fn backup_is_a_verified_copy_and_a_second_instance_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let copy = dir.path().join("copie.db");
    ok(&db, &["backup", "--out", copy.to_str().unwrap()]);
    assert_eq!(dump(&db), dump(&copy));
    ok(&copy, &["verify"]);
    let _held = souk::storage::Db::open(&db).unwrap();
    let other = dir.path().join("autre.db");
    let out = run(&db, &["backup", "--out", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("déjà ouverte"));
    assert!(!other.exists());
    // Reading needs no lock: verify works beside the writer.
    ok(&db, &["verify"]);
}
