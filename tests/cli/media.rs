//! A full disk and a read-only medium on the real binary: reading commands work, writing ones say in French
//! what is full or read-only and what to do, and nothing changes on disk.
use crate::support::common::*;
use crate::support::media::TinyDisk;
use sha2::{Digest, Sha256};
use std::path::Path;

fn hash(p: &Path) -> String {
    Sha256::digest(std::fs::read(p).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn stderr_of(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert_eq!(out.status.code(), Some(1), "souk {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The sample market copied onto the small disk.
fn market_on(disk: &TinyDisk, dir: &Path) -> std::path::PathBuf {
    let db = sample_market(dir, true);
    let there = disk.path("m.db");
    ok(&db, &["backup", "--out", there.to_str().unwrap()]);
    there
}

fn reading_works(db: &Path) {
    assert!(ok(db, &["verify"]).contains("journal intègre"));
    let csv = ok(
        db,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    assert!(csv.starts_with("phase,exhibitor_code"));
    ok(db, &["report", "totals", "--phase", "1"]);
    let ticket = crate::files::first_ticket(db);
    assert!(ok(db, &["receipt", &ticket, "--text"]).contains(&ticket));
}

#[test]
fn on_a_full_disk_reading_works_and_writing_says_the_disk_is_full() {
    let Some(disk) = TinyDisk::mount(4096) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = market_on(&disk, dir.path());
    disk.fill();
    let before = hash(&db);
    reading_works(&db);
    let sales = fixtures().join("sales.csv");
    let out_there = disk.path("r.pdf");
    for args in [
        &["import", "sales", sales.to_str().unwrap()][..],
        &[
            "report",
            "totals",
            "--phase",
            "1",
            "--format",
            "pdf",
            "--out",
            out_there.to_str().unwrap(),
        ],
    ] {
        let err = stderr_of(&db, args);
        let first = err.lines().next().unwrap();
        assert!(first.starts_with("souk : le disque est plein"), "{err}");
        assert!(
            first.contains(disk.root().to_str().unwrap()),
            "names the folder: {err}"
        );
        assert!(!first.contains("disk I/O error") && !first.contains("database or disk is full"));
    }
    assert!(
        !out_there.exists(),
        "a failed output leaves nothing under its name"
    );
    let names: Vec<_> = std::fs::read_dir(disk.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("souk-tmp") || n.ends_with(".pdf"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    assert_eq!(hash(&db), before);
}

#[test]
fn on_a_read_only_medium_reading_works_and_writing_says_so() {
    let Some(disk) = TinyDisk::mount(4096) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = market_on(&disk, dir.path());
    disk.read_only();
    let before = hash(&db);
    reading_works(&db);
    let sales = fixtures().join("sales.csv");
    let err = stderr_of(&db, &["import", "sales", sales.to_str().unwrap()]);
    assert!(
        err.starts_with("souk : le support est en lecture seule"),
        "{err}"
    );
    // Written elsewhere, a receipt from the read-only copy is fine.
    let out = dir.path().join("ticket.txt");
    let ticket = crate::files::first_ticket(&db);
    ok(
        &db,
        &["receipt", &ticket, "--text", "--out", out.to_str().unwrap()],
    );
    assert!(std::fs::read_to_string(&out).unwrap().contains(&ticket));
    assert_eq!(hash(&db), before);
}
