//! A till provisioned a second time: the new copy gets a key of its own from the chain's next entry at the
//! organiser; the first copy's entries up to that point still merge, its later ones are refused naming the
//! retirement. On the real binary.
use super::organiser::{SALES_HEADER, ok_env, provision, refused, s, write};
use crate::support::common::*;
use std::path::{Path, PathBuf};

fn paper_sale(dir: &Path, name: &str, reference: &str) -> PathBuf {
    write(
        dir,
        name,
        &format!("{SALES_HEADER}{reference},2025-08-07 10:00,T02,E001-03,2,,cash\n"),
    )
}

fn export(db: &Path, name: &str) -> PathBuf {
    let b = db.with_file_name(name);
    ok(db, &["export", "--out", s(&b)]);
    b
}

#[test]
fn a_second_copy_retires_the_first_after_the_organisers_last_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let org = sample_market(d, false);
    let first = provision(&org, "T02");
    ok(
        &first,
        &["import", "sales", s(&paper_sale(d, "p1.csv", "P1"))],
    );
    let early = export(&first, "early.bundle");
    ok(&org, &["merge", s(&early)]);

    // The laptop is thought lost: a new copy of T02, with a warning naming the first one.
    let second = d.join("caisse-T02-bis.db");
    let out = ok_env(
        &org,
        &["backup", "--out", s(&second), "--till", "T02"],
        &[("SOUK_NOW", "2025-08-08 08:00")],
    );
    let warn = String::from_utf8_lossy(&out.stderr);
    for w in [
        "déjà été préparée",
        "caisse-T02.db",
        "01/08/2025",
        "après T02-000001",
        "ventes papier",
    ] {
        assert!(warn.contains(w), "{w:?} missing from:\n{warn}");
    }
    ok(&second, &["people", "list"]);

    // The first copy was found again and sold on: its new sales cannot merge; the message says why and what to do.
    ok(
        &first,
        &["import", "sales", s(&paper_sale(d, "p2.csv", "P2"))],
    );
    let late = export(&first, "late.bundle");
    refused(
        &org,
        &["merge", s(&late)],
        &[
            "caisse-T02.db a été remplacée le 08/08/2025",
            "ses ventes après T02-000001 ne peuvent pas être fusionnées",
            "faites-les saisir comme ventes papier",
        ],
    );
    // What it wrote up to the replacement still merges (here, again: nothing new).
    ok(&org, &["merge", s(&early)]);

    // The new copy goes on from the organiser's last entry of T02, and merges.
    ok(
        &second,
        &["import", "sales", s(&paper_sale(d, "p3.csv", "P3"))],
    );
    let fresh = export(&second, "fresh.bundle");
    let merged = ok(&org, &["merge", s(&fresh)]);
    assert!(merged.contains("1 ticket"), "{merged}");
    let v = ok(&org, &["verify"]);
    assert!(
        v.contains("caisse T02 : 2 tickets, dernier T02-000002"),
        "{v}"
    );
    ok(&second, &["verify"]);

    let c = rusqlite::Connection::open(&org).unwrap();
    let journalled: String = c
        .query_row(
            "SELECT detail FROM journal WHERE chain = 'ORG' AND kind = 'reprovision' AND subject = 'T02'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(journalled.contains("caisse-T02-bis.db"), "{journalled}");
    let keys: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM chain_keys WHERE chain = 'T02'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 2);
}
