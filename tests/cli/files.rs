//! Files on the real binary: `--out` never replaces the database in use (links included) nor, without
//! `--force`, an existing file; outputs appear whole or not at all; files are private; the lock holds through
//! links; read commands never write into what is not a souk database; `demo --fresh` replaces only the demo.
use crate::support::common::*;
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn hash(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The folder's files, without the -wal/-shm that SQLite keeps beside a database it has open or has read, and
/// without the head files that witness each database's chains.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".db-wal") && !n.ends_with(".db-shm") && !n.ends_with(".db.heads"))
        .collect();
    names.sort();
    names
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn refused(db: &Path, args: &[&str], why: &str) -> String {
    let out = run(db, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "souk {args:?}: {err}");
    assert!(err.starts_with("souk : "), "{err}");
    assert!(err.contains(why), "souk {args:?}: {err}");
    err
}

/// The first ticket of the sample market.
pub fn first_ticket(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT id FROM tickets ORDER BY rowid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap()
}

/// Every command that writes `--out`, towards `target`.
fn out_commands(db: &Path, target: &str) -> Vec<Vec<String>> {
    let ticket = first_ticket(db);
    let cmds: [&[&str]; 5] = [
        &["report", "settlement", "--phase", "1", "--format", "csv"],
        &["report", "totals", "--phase", "1", "--format", "pdf"],
        &["receipt", &ticket, "--text"],
        &["export"],
        &["backup"],
    ];
    cmds.iter()
        .map(|c| {
            let mut v: Vec<String> = c.iter().map(|s| s.to_string()).collect();
            v.extend(["--out".into(), target.into()]);
            v
        })
        .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn out_never_replaces_the_database_in_use_even_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let hard = dir.path().join("lien.db");
    std::fs::hard_link(&db, &hard).unwrap();
    let sym = dir.path().join("raccourci.db");
    std::os::unix::fs::symlink(&db, &sym).unwrap();
    let heads = dir.path().join("m.db.heads");
    let before = (hash(&db), hash(&heads));
    for target in [&db, &hard, &sym, &heads] {
        for cmd in out_commands(&db, target.to_str().unwrap()) {
            for force in [false, true] {
                let mut args = strs(&cmd);
                if force {
                    args.push("--force");
                }
                refused(&db, &args, "base de données en cours d'utilisation");
                assert_eq!((hash(&db), hash(&heads)), before, "{args:?}");
            }
        }
    }
    assert!(
        std::fs::symlink_metadata(&sym)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(listing(dir.path()), ["lien.db", "m.db", "raccourci.db"]);
    ok(&db, &["verify"]);
}

#[test]
fn out_replaces_an_existing_file_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let target = dir.path().join("sortie");
    for cmd in out_commands(&db, target.to_str().unwrap()) {
        std::fs::write(&target, b"ancien contenu").unwrap();
        let err = refused(&db, &strs(&cmd), "existe déjà");
        assert!(err.contains("--force"), "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"ancien contenu");
        let mut args = strs(&cmd);
        args.push("--force");
        ok(&db, &args);
        assert_ne!(
            std::fs::read(&target).unwrap(),
            b"ancien contenu",
            "{cmd:?}"
        );
        assert_eq!(listing(dir.path()), ["m.db", "sortie"], "{cmd:?}");
    }
}

#[test]
fn outputs_are_whole_or_absent_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    assert_eq!(mode(&db), 0o600);
    let missing = dir.path().join("absent/r.csv");
    refused(
        &db,
        &[
            "report",
            "settlement",
            "--phase",
            "1",
            "--format",
            "csv",
            "--out",
            missing.to_str().unwrap(),
        ],
        "n'existe pas",
    );
    let copy = dir.path().join("copie.db");
    let bundle = dir.path().join("lot.souk");
    ok(&db, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(dump(&copy) == dump(&db), "the copy holds the same rows");
    ok(&db, &["export", "--out", bundle.to_str().unwrap()]);
    assert_eq!(mode(&copy), 0o600);
    assert_eq!(mode(&bundle), 0o600);
    // One file each, nothing left beside them (no -wal, -shm or temporary name).
    assert_eq!(listing(dir.path()), ["copie.db", "lot.souk", "m.db"]);
    assert!(!dir.path().join("copie.db-wal").exists());
}

#[test]
fn backup_and_export_of_two_tills_into_one_folder_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = sample_market(dir.path(), true);
    let b = dir.path().join("b.db");
    ok(&a, &["backup", "--out", b.to_str().unwrap()]);
    let stick = dir.path().join("cle");
    std::fs::create_dir(&stick).unwrap();
    for round in 0..4 {
        let copy = stick.join(format!("X{round}.db"));
        let bundle = stick.join(format!("X{round}.souk"));
        let backup = souk()
            .arg("--db")
            .arg(&a)
            .args(["backup", "--out"])
            .arg(&copy)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let export = souk()
            .arg("--db")
            .arg(&b)
            .args(["export", "--out"])
            .arg(&bundle)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(backup.wait_with_output().unwrap().status.success());
        assert!(export.wait_with_output().unwrap().status.success());
        ok(&copy, &["verify"]);
    }
    assert_eq!(listing(&stick).len(), 8, "{:?}", listing(&stick));
}

#[test]
fn a_link_to_an_open_database_cannot_open_a_second_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), false);
    let hard = dir.path().join("lien.db");
    std::fs::hard_link(&db, &hard).unwrap();
    let sym = dir.path().join("raccourci.db");
    std::os::unix::fs::symlink(&db, &sym).unwrap();
    let held = souk::storage::Db::open(&db).unwrap();
    let before = hash(&db);
    let phases = fixtures().join("sales.csv");
    for via in [&db, &hard, &sym] {
        refused(
            via,
            &["import", "sales", phases.to_str().unwrap()],
            "déjà ouverte",
        );
    }
    drop(held);
    assert_eq!(hash(&db), before);
    ok(&sym, &["import", "sales", phases.to_str().unwrap()]);
}

#[test]
fn read_commands_never_write_into_what_is_not_a_souk_database() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("vide.db");
    std::fs::write(&empty, b"").unwrap();
    let foreign = dir.path().join("autre.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE clients (nom TEXT); INSERT INTO clients VALUES ('x');")
        .unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "pas une base\n".repeat(300)).unwrap();
    let names = listing(dir.path());
    for f in [&empty, &foreign, &text] {
        let before = hash(f);
        for args in [
            &["verify"][..],
            &["report", "settlement", "--phase", "1"],
            &["report", "day", "--date", "2025-08-06"],
            &["receipt", "ORG-000001", "--text"],
        ] {
            refused(f, args, "n'est pas une base de données souk");
            assert_eq!(hash(f), before, "{f:?} {args:?}");
        }
        if f != &empty {
            let sales = fixtures().join("sales.csv");
            refused(
                f,
                &["import", "sales", sales.to_str().unwrap()],
                "n'est pas une base de données souk",
            );
            assert_eq!(hash(f), before, "{f:?}");
        }
    }
    assert_eq!(listing(dir.path()), names);
}

#[test]
fn demo_fresh_replaces_only_the_demo_and_never_under_a_till() {
    let dir = tempfile::tempdir().unwrap();
    let real = sample_market(dir.path(), false);
    let before = hash(&real);
    refused(
        &real,
        &["demo", "--fresh", "--no-till"],
        "n'est pas la base de la démonstration",
    );
    refused(
        &real,
        &["demo", "--no-till"],
        "n'est pas la base de la démonstration",
    );
    assert_eq!(hash(&real), before);

    let demo_dir = dir.path().join("demo");
    let demo_db = demo_dir.join("demo.db");
    let demo = |extra: &[&str]| {
        let mut c = souk();
        c.args(["demo", "--no-till", "--dir"])
            .arg(&demo_dir)
            .args(extra);
        c.output().unwrap()
    };
    assert!(demo(&[]).status.success());
    let uuid = |p: &PathBuf| -> String {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("SELECT uuid FROM market", [], |r| r.get(0))
            .unwrap()
    };
    let first = uuid(&demo_db);
    let till = souk::storage::Db::open(&demo_db).unwrap();
    let held = hash(&demo_db);
    let out = demo(&["--fresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("déjà ouverte"));
    assert_eq!(hash(&demo_db), held);
    drop(till);
    assert!(demo(&["--fresh"]).status.success());
    assert_ne!(uuid(&demo_db), first);
    assert_eq!(listing(&demo_dir), ["demo.db"]);
}

#[test]
fn spreadsheet_exports_never_start_a_formula_from_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    ok(&db, &["init", "--market", "Marché"]);
    for k in ["phases", "tills"] {
        ok(
            &db,
            &[
                "import",
                k,
                fixtures().join(format!("{k}.csv")).to_str().unwrap(),
            ],
        );
    }
    let exhibitors = std::fs::read_to_string(fixtures().join("exhibitors.csv"))
        .unwrap()
        .replacen(
            "Coopérative Tifawin",
            "\"=HYPERLINK(\"\"http://x\"\",\"\"clic\"\")\"",
            1,
        )
        .replacen("Coopérative Al Amal", "@SUM(A1:A9)", 1);
    let file = dir.path().join("exhibitors.csv");
    std::fs::write(&file, exhibitors).unwrap();
    ok(&db, &["import", "exhibitors", file.to_str().unwrap()]);
    let csv = ok(
        &db,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = r.records().map(|x| x.unwrap()[2].to_string()).collect();
    assert!(
        names.contains(&"'=HYPERLINK(\"http://x\",\"clic\")".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"'@SUM(A1:A9)".to_string()), "{names:?}");
    assert!(
        names.iter().all(|n| !n.starts_with(['=', '+', '@', '-'])),
        "{names:?}"
    );
}
