//! `import --dry-run` shows what would change (codes added, fields changed old → new, tickets and totals per
//! till), writes nothing, and on a file that would be refused says only the refusal.
use crate::support::common::*;
use std::path::{Path, PathBuf};

const EXHIBITORS: &str = "code;name;kind;ice;phone;commission_rate;stall_fee;phases\n";
const SALES: &str = "ticket_ref;datetime;till;product_code;quantity;unit_price;payment_method\n";

fn market(dir: &Path) -> PathBuf {
    let db = dir.join("m.db");
    ok(&db, &["init", "--market", "Test"]);
    let files = [
        ("phases", "number;name;starts;ends\n1;Un;01/10/2026;05/10/2026\n".to_string()),
        ("tills", "id;name;collector\nT01;A;organiser\nT02;B;exhibitor\n".into()),
        ("exhibitors", format!("{EXHIBITORS}E001;Coop A;cooperative;;;0,1;0;1\n")),
        (
            "products",
            "exhibitor_code;code;barcode;name_fr;name_ar;unit;price;vat_rate\nE001;P01;;Miel;;kg;150;0\n".into(),
        ),
    ];
    for (kind, text) in files {
        let f = dir.join(format!("{kind}.csv"));
        std::fs::write(&f, text).unwrap();
        ok(&db, &["import", kind, f.to_str().unwrap()]);
    }
    db
}

fn dry(db: &Path, kind: &str, name: &str, text: &str) -> std::process::Output {
    let f = db.with_file_name(name);
    std::fs::write(&f, text).unwrap();
    let before = dump(db);
    let out = run(db, &["import", kind, f.to_str().unwrap(), "--dry-run"]);
    assert_eq!(before, dump(db), "a dry run wrote to the database");
    out
}

#[test]
fn a_catalogue_dry_run_lists_codes_added_and_fields_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let mut text = format!("{EXHIBITORS}E001;Coop A bis;cooperative;;0612345678;0,15;0;1\n");
    for i in 2..=30 {
        text += &format!("E{i:03};Coop {i};association;;;0;0;1\n");
    }
    let out = dry(&db, "exhibitors", "e.csv", &text);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains(
            "essai, rien n'est écrit : 29 à ajouter, 1 à modifier, 0 inchangé, 0 ligne refusée"
        ),
        "{s}"
    );
    assert!(
        s.contains(
            "\n  ~ E001 : name : Coop A → Coop A bis ; phone : (vide) → 0612345678 ; commission_rate : 0,1 → 0,15\n"
        ),
        "{s}"
    );
    assert!(s.contains("\n  + E002 Coop 2\n"), "{s}");
    assert!(s.contains("\n  + E020 Coop 20\n"), "{s}");
    assert!(!s.contains("E021"), "{s}");
    assert!(s.ends_with("\n  … et 10 autres\n"), "{s}");
}

#[test]
fn a_sales_dry_run_gives_tickets_and_total_per_till() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let out = dry(
        &db,
        "sales",
        "s.csv",
        &format!(
            "{SALES}G1;02/10/2026 10:00;T01;P01;1;;cash\nG2;02/10/2026 10:05;T01;P01;2,5;;cash\n\
             G3;02/10/2026 10:05;T02;P01;1;10;card\n"
        ),
    );
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains(": 3 tickets à ajouter (3 lignes), 0 ligne refusée\n"),
        "{s}"
    );
    assert!(
        s.contains("\n  caisse T01 : 2 tickets, 525,00 DH\n  caisse T02 : 1 ticket, 10,00 DH\n"),
        "{s}"
    );
    let out = dry(
        &db,
        "sales",
        "u.csv",
        &format!("{SALES}G9;02/10/2026 10:00;T01;P01;1;;cash\n"),
    );
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains(": 1 ticket à ajouter (1 ligne), 0 ligne refusée\n"),
        "{s}"
    );
}

#[test]
fn a_dry_run_of_a_refused_file_says_only_the_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let db = market(dir.path());
    let out = dry(
        &db,
        "sales",
        "r.csv",
        &format!("{SALES}G1;02/10/2026 10:00;T01;P01;9000;;cash\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.starts_with(
            "souk : essai, rien n'a été écrit : le fichier serait refusé : r.csv:2:5 (quantity) : "
        ),
        "{e}"
    );
    assert!(!e.contains("refusé:"), "{e}");
}
