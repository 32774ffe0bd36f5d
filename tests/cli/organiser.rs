//! The organiser's findings of issue 10, each on the real binary: refused with a clear French message and the
//! files on disk unchanged (hashed before and after), or, where the design now accepts, the outcome checked.
use crate::support::common::*;
use souk::domain::canonical::sha256_hex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

pub const SALES_HEADER: &str =
    "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n";

/// Every file of a folder (but lock files) and the hash of its bytes.
pub fn hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        // SQLite's shared-memory index and an empty write-ahead log hold no data.
        let empty = std::fs::metadata(&p).map(|m| m.len() == 0).unwrap_or(true);
        let scratch = name.ends_with("-shm") || (name.ends_with("-wal") && empty);
        if p.is_file() && !name.ends_with(".lock") && !scratch {
            out.insert(name, sha256_hex(&std::fs::read(&p).unwrap()));
        }
    }
    out
}

/// `souk --db DB ARGS` with a PIN in the environment and no terminal.
pub fn run_pin(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = souk();
    c.arg("--db").arg(db).args(args).stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run souk")
}

pub fn ok_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = run_pin(db, args, env);
    assert!(
        out.status.success(),
        "souk {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

/// The command fails with exit 1, says every `expect` on stderr, and no file of the folder changed.
pub fn refused_env(db: &Path, args: &[&str], env: &[(&str, &str)], expect: &[&str]) -> String {
    let dir = db.parent().unwrap();
    let before = hashes(dir);
    let out = run_pin(db, args, env);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(1),
        "souk {args:?} should fail:\n{err}"
    );
    for e in expect {
        assert!(err.contains(e), "souk {args:?} should say {e:?}:\n{err}");
    }
    assert_eq!(hashes(dir), before, "souk {args:?} changed files on disk");
    err
}

pub fn refused(db: &Path, args: &[&str], expect: &[&str]) -> String {
    refused_env(db, args, &[], expect)
}

/// Writes `body` (under the header of `kind`) to a file next to the folder's databases.
pub fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn provision(org: &Path, till: &str) -> PathBuf {
    let copy = org.with_file_name(format!("caisse-{till}.db"));
    // Tills are provisioned before the market opens (the sample's phases run in August 2025).
    ok_env(
        org,
        &["backup", "--out", s(&copy), "--till", till],
        &[("SOUK_NOW", "2025-08-01 08:00")],
    );
    // The copy's first open turns on its write-ahead log (a header byte), as the till's first start does.
    ok(&copy, &["people", "list"]);
    copy
}

/// An organiser who may close phases (PIN 432187).
pub fn add_organiser(db: &Path) {
    ok_env(
        db,
        &["people", "add", "Karim", "--role", "organiser"],
        &[("SOUK_PIN", "432187")],
    );
}

pub fn close(db: &Path, phase: &str, force: bool) -> Output {
    let mut args = vec!["phase", "close", phase, "--by", "Karim"];
    if force {
        args.push("--force");
    }
    run_pin(db, &args, &[("SOUK_PIN", "432187")])
}

fn one_sale(dir: &Path, name: &str, reference: &str, day: &str, till: &str) -> PathBuf {
    write(
        dir,
        name,
        &format!("{SALES_HEADER}{reference},{day} 10:00,{till},E001-03,2,,cash\n"),
    )
}

#[test]
fn paper_sales_at_the_organiser_and_at_the_till_both_merge() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    let t02 = provision(&org, "T02");
    // The same outage, written on paper, entered at the organiser for T02 and at the T02 laptop itself.
    let at_org = one_sale(dir.path(), "org.csv", "P1", "2025-08-07", "T02");
    let out = ok(&org, &["import", "sales", s(&at_org)]);
    assert!(
        out.contains("1 tickets") || out.contains("1 ticket"),
        "{out}"
    );
    let at_till = one_sale(dir.path(), "till.csv", "P2", "2025-08-07", "T02");
    ok(&t02, &["import", "sales", s(&at_till)]);
    let bundle = dir.path().join("t02.bundle");
    ok(&t02, &["export", "--out", s(&bundle)]);
    ok(&org, &["merge", s(&bundle)]);
    ok(&org, &["merge", s(&bundle)]);
    let v = ok(&org, &["verify"]);
    assert!(v.contains("organisateur (ORG) : 1 ticket,"), "{v}");
    assert!(
        v.contains("caisse T02 : 1 ticket, dernier T02-000001"),
        "{v}"
    );
    let c = rusqlite::Connection::open(&org).unwrap();
    let ids: Vec<(String, String, String)> = c
        .prepare("SELECT id, chain, till FROM tickets ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        ids,
        vec![
            ("ORG-000001".into(), "ORG".into(), "T02".into()),
            ("T02-000001".into(), "T02".into(), "T02".into())
        ]
    );
    // Both are T02's takings (collector organiser) in the settlement.
    let csv = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    assert!(csv.contains("1,E001,Coopérative Tifawin,2,95.92"), "{csv}");
}

#[test]
fn a_database_without_a_till_identity_does_not_open_the_till() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    refused(
        &org,
        &["--till", "T01"],
        &[
            "celle de l'organisateur",
            "souk backup --out",
            "--till",
            "caisse T01 demandée",
        ],
    );
    let t02 = provision(&org, "T02");
    refused(
        &t02,
        &["--till", "T01"],
        &["préparée pour la caisse T02, pas T01"],
    );
}

#[test]
fn provisioning_records_the_till_and_a_second_copy_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    let first = provision(&org, "T02");
    // A second copy of T02 is made, with a warning naming the first copy, which it retires.
    let second = dir.path().join("autre-T02.db");
    let out = ok_env(
        &org,
        &["backup", "--out", s(&second), "--till", "T02"],
        &[("SOUK_NOW", "2025-08-02 09:00")],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("déjà été préparée")
            && err.contains("caisse-T02.db")
            && err.contains("01/08/2025"),
        "{err}"
    );
    assert!(second.exists());
    let c = rusqlite::Connection::open(&org).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM provisions WHERE till = 'T02'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2);
    let copy = rusqlite::Connection::open(&first).unwrap();
    let (role, till): (String, String) = copy
        .query_row("SELECT role, till FROM identity", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((role.as_str(), till.as_str()), ("till", "T02"));
    refused(
        &org,
        &[
            "backup",
            "--out",
            s(&dir.path().join("x.db")),
            "--till",
            "T09",
        ],
        &["caisse T09 inconnue"],
    );
    refused(
        &first,
        &[
            "backup",
            "--out",
            s(&dir.path().join("y.db")),
            "--till",
            "T03",
        ],
        &["seule la base de l'organisateur"],
    );
}

#[test]
fn reserved_names_are_refused_as_till_ids() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    for id in ["ORG", "org"] {
        let f = write(
            dir.path(),
            "tills.csv",
            &format!("id,name,collector\n{id},Caisse,organiser\n"),
        );
        refused(
            &org,
            &["import", "tills", s(&f)],
            &["tills.csv:2", "réservé"],
        );
    }
}

#[test]
fn bounds_and_future_dates_are_refused_at_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    let huge = write(
        dir.path(),
        "huge.csv",
        &format!("{SALES_HEADER}P1,2025-08-07 10:00,T02,E001-03,1,92233720368547758.07,cash\n"),
    );
    refused(
        &org,
        &["import", "sales", s(&huge)],
        &["huge.csv:2", "prix unitaire", "1.000.000,00"],
    );
    let many = write(
        dir.path(),
        "many.csv",
        &format!("{SALES_HEADER}P1,2025-08-07 10:00,T02,E001-03,10001,,cash\n"),
    );
    refused(
        &org,
        &["import", "sales", s(&many)],
        &["many.csv:2", "quantité", "10000"],
    );
    let line = write(
        dir.path(),
        "line.csv",
        &format!("{SALES_HEADER}P1,2025-08-07 10:00,T02,E001-03,2,999999.99,cash\n"),
    );
    refused(
        &org,
        &["import", "sales", s(&line)],
        &["line.csv:2", "dépasse le maximum"],
    );
    let future = write(
        dir.path(),
        "future.csv",
        &format!("{SALES_HEADER}P1,2099-08-07 10:00,T02,E001-03,1,,cash\n"),
    );
    refused(
        &org,
        &["import", "sales", s(&future)],
        &["future.csv:2", "dans le futur"],
    );
    let price = write(
        dir.path(),
        "products.csv",
        "exhibitor_code,code,barcode,name_fr,name_ar,unit,price,vat_rate\nE001,E001-99,,Tapis,,piece,1000000.01,0\n",
    );
    refused(
        &org,
        &["import", "products", s(&price)],
        &["products.csv:2", "prix", "maximum"],
    );
}

#[test]
fn re_imports_that_would_orphan_tickets_are_refused_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), true);
    let phases = write(
        dir.path(),
        "phases.csv",
        "number,name,starts,ends\n1,Phase 1,2025-08-06,2025-08-08\n",
    );
    refused(
        &org,
        &["import", "phases", s(&phases)],
        &["tickets déjà vendus", "phase 1", "ORG-0000"],
    );
    let exhibitors = std::fs::read_to_string(fixtures().join("exhibitors.csv"))
        .unwrap()
        .replace("0672698292,0,0,1;2;3", "0672698292,0,0,2;3");
    let f = write(dir.path(), "exhibitors.csv", &exhibitors);
    refused(
        &org,
        &["import", "exhibitors", s(&f)],
        &[
            "tickets déjà vendus",
            "l'exposant E001 quitterait la phase 1",
            "ORG-0000",
        ],
    );
    let products = std::fs::read_to_string(fixtures().join("products.csv"))
        .unwrap()
        .replace("E001,E001-01,", "E002,E001-01,");
    let f = write(dir.path(), "products.csv", &products);
    refused(
        &org,
        &["import", "products", s(&f)],
        &[
            "tickets déjà vendus",
            "le produit E001-01",
            "changerait d'exposant",
            "ORG-0000",
        ],
    );
}

#[test]
fn phase_close_waits_for_every_till_then_late_sales_go_to_the_complement() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    add_organiser(&org);
    let t02 = provision(&org, "T02");
    let t03 = provision(&org, "T03");
    for (db, till, r) in [(&t02, "T02", "A"), (&t03, "T03", "B")] {
        let f = one_sale(dir.path(), &format!("{till}.csv"), r, "2025-08-09", till);
        ok(db, &["import", "sales", s(&f)]);
    }
    let b02 = dir.path().join("t02.bundle");
    ok(&t02, &["export", "--out", s(&b02)]);
    ok(&org, &["merge", s(&b02)]);
    // T03 was provisioned and has not delivered: the close is refused, naming it.
    let before = hashes(dir.path());
    let out = close(&org, "1", false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("sans lot exporté après le 10/08/2025 : T03"),
        "{err}"
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("caisse T02 : 1 ticket de la phase, dernier T02-000001"),
        "{listing}"
    );
    assert!(
        listing.contains("caisse T03 : 0 ticket de la phase, dernier aucun, aucun lot fusionné"),
        "{listing}"
    );
    assert_eq!(
        hashes(dir.path()),
        before,
        "a refused close changes nothing"
    );
    // Forced: closed, the tills it went without named in the journal.
    let out = close(&org, "1", true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = rusqlite::Connection::open(&org).unwrap();
    let detail: String = c
        .query_row(
            "SELECT detail FROM journal WHERE kind = 'phase_close'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        detail.contains("forcée") && detail.contains("T03"),
        "{detail}"
    );
    let closed = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    // A paper sale into the closed phase is late, like a late bundle: it goes to the complement.
    let late_paper = one_sale(dir.path(), "late.csv", "C", "2025-08-09", "T02");
    let out = ok(&org, &["import", "sales", s(&late_paper)]);
    assert!(
        out.contains("1 ticket en retard → complément 1 de la phase 1"),
        "{out}"
    );
    // T03's bundle arrives: nothing is dropped, its ticket is late, in the complement.
    let b03 = dir.path().join("t03.bundle");
    ok(&t03, &["export", "--out", s(&b03)]);
    ok(&org, &["merge", s(&b03)]);
    let v = ok(&org, &["verify"]);
    assert!(
        v.contains("ventes tardives") && v.contains("T03-000001 (phase 1, complément 1)"),
        "{v}"
    );
    assert!(
        v.contains("caisse T03 : 1 ticket,") && v.contains("1 ticket tardif au complément"),
        "{v}"
    );
    assert_eq!(
        ok(
            &org,
            &["report", "settlement", "--phase", "1", "--format", "csv"]
        ),
        closed,
        "the closed settlement never changes"
    );
    let complement = ok(
        &org,
        &[
            "report",
            "settlement",
            "--phase",
            "1",
            "--complement",
            "--format",
            "csv",
        ],
    );
    assert!(
        complement.contains("1,E001,Coopérative Tifawin,2,95.92"),
        "{complement}"
    );
    assert!(
        !complement.contains("99.99"),
        "no stall fee in a complement:\n{complement}"
    );
    // `phase close 1` now closes the complement; then there is nothing left to close.
    let out = close(&org, "1", false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("complément 1 clôturé"));
    let out = close(&org, "1", false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("aucune vente tardive"));
}

#[test]
fn a_phase_does_not_close_before_its_last_day_is_over() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    add_organiser(&org);
    refused_env(
        &org,
        &["phase", "close", "1", "--by", "Karim"],
        &[("SOUK_PIN", "432187"), ("SOUK_NOW", "2025-08-10 18:00")],
        &[
            "le dernier jour de la phase 1 (10/08/2025) n'est pas terminé",
            "--force",
        ],
    );
}

#[test]
fn the_same_paper_ticket_entered_twice_merges_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    let t02 = provision(&org, "T02");
    let sheet = one_sale(dir.path(), "sheet.csv", "P7", "2025-08-07", "T02");
    ok(&org, &["import", "sales", s(&sheet)]);
    ok(&t02, &["import", "sales", s(&sheet)]);
    let bundle = dir.path().join("t02.bundle");
    ok(&t02, &["export", "--out", s(&bundle)]);
    let out = ok(&org, &["merge", s(&bundle)]);
    assert!(
        out.contains("P7 de la caisse T02 a été saisi deux fois (ORG-000001 et T02-000001)")
            && out.contains("remboursez"),
        "{out}"
    );
    // Once merged, the organiser's own import of the same sheet is refused as a duplicate.
    refused(&org, &["import", "sales", s(&sheet)], &["déjà importé"]);
    let v = ok(&org, &["verify"]);
    assert!(v.contains("saisi deux fois"), "{v}");
}
