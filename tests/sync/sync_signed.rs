//! Signatures across laptops: a provisioned till gets its own key (the organiser's secret stays home), the
//! organiser registers it, and a bundle whose entries were rewritten with their hashes recomputed is refused.
use crate::support::common::*;
use souk::domain::canonical::entry_hash;
use souk::storage::journal;
use std::path::Path;

fn secret_and_chain(db: &Path) -> (String, String) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT secret, chain FROM signing_key WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// An organiser database, a till T02 provisioned from it with the paper sales imported there, and a spare copy
/// of the organiser's database taken before any merge.
fn market(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let org = sample_market(dir, false);
    let till = dir.join("t02.db");
    ok(
        &org,
        &["backup", "--out", till.to_str().unwrap(), "--till", "T02"],
    );
    let spare = dir.join("org-spare.db");
    std::fs::copy(&org, &spare).unwrap();
    let sales = fixtures().join("sales.csv");
    ok(&till, &["import", "sales", sales.to_str().unwrap()]);
    (org, till, spare)
}

#[test]
fn a_provisioned_till_has_its_own_key_registered_by_the_organiser() {
    let dir = tempfile::tempdir().unwrap();
    let (org, till, _) = market(dir.path());
    let (org_secret, org_chain) = secret_and_chain(&org);
    let (till_secret, till_chain) = secret_and_chain(&till);
    assert_eq!(org_chain, "ORG");
    assert_eq!(till_chain, "T02");
    assert_ne!(org_secret, till_secret);
    let bytes = std::fs::read(&till).unwrap();
    assert!(
        !bytes
            .windows(org_secret.len())
            .any(|w| w == org_secret.as_bytes()),
        "the organiser's secret must not travel in the till's copy"
    );
    let c = rusqlite::Connection::open(&org).unwrap();
    let registered: String = c
        .query_row(
            "SELECT public_key FROM chain_keys WHERE chain = 'T02'",
            [],
            |r| r.get(0),
        )
        .expect("the organiser registered T02's key at provisioning");
    let own: String = rusqlite::Connection::open(&till)
        .unwrap()
        .query_row("SELECT public_key FROM signing_key", [], |r| r.get(0))
        .unwrap();
    assert_eq!(registered, own);

    let bundle = dir.path().join("t02.souk");
    ok(&till, &["export", "--out", bundle.to_str().unwrap()]);
    let out = ok(&org, &["merge", bundle.to_str().unwrap()]);
    assert!(!out.contains("non signées"), "{out}");
    ok(&org, &["verify"]);
    // The organiser's head file witnesses the merged chain too: its tail cut here is caught.
    let heads = std::fs::read_to_string(souk::storage::heads::head_path(&org)).unwrap();
    assert!(heads.contains("\nT02 "), "{heads}");
    let c = rusqlite::Connection::open(&org).unwrap();
    c.execute_batch(
        "DROP TRIGGER journal_no_delete;
         DELETE FROM journal WHERE chain = 'T02' AND seq = (SELECT MAX(seq) FROM journal WHERE chain = 'T02')
           AND kind NOT IN ('sale', 'refund');",
    )
    .unwrap();
    let cut = c.changes();
    drop(c);
    if cut == 1 {
        let out = run(&org, &["verify"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("témoin de têtes"));
    }
}

#[test]
fn a_bundle_rewritten_with_its_hashes_recomputed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_, till, spare) = market(dir.path());
    // Rewrite the till's chain from its first entry, every hash recomputed, the signatures left as they were.
    let c = rusqlite::Connection::open(&till).unwrap();
    c.execute_batch("DROP TRIGGER IF EXISTS journal_no_update")
        .unwrap();
    let mut entries: Vec<journal::Entry> = c
        .prepare(&format!(
            "{} WHERE chain = 'T02' ORDER BY seq",
            journal::SELECT_ENTRY
        ))
        .unwrap()
        .query_map([], journal::from_row)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!entries.is_empty());
    entries[0].actor = "faussaire".into();
    let mut prev: Option<String> = None;
    for e in entries.iter_mut() {
        if let Some(p) = prev.take() {
            e.prev_hash = p;
        }
        e.hash = entry_hash(&e.fields());
        prev = Some(e.hash.clone());
        c.execute(
            "UPDATE journal SET actor = ?1, prev_hash = ?2, hash = ?3 WHERE chain = 'T02' AND seq = ?4",
            rusqlite::params![e.actor, e.prev_hash, e.hash, e.seq as i64],
        )
        .unwrap();
    }
    drop(c);
    let bundle = dir.path().join("forged.souk");
    let out = run(&till, &["export", "--out", bundle.to_str().unwrap()]);
    if !out.status.success() {
        // Refusing to export a rewritten chain is as good: nothing forged leaves the till.
        return;
    }
    let before = dump(&spare);
    let out = run(&spare, &["merge", bundle.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a forged bundle merged:\n{err}");
    assert!(err.contains("signature"), "{err}");
    assert_eq!(dump(&spare), before, "nothing merged");
}

#[test]
fn a_bundle_exported_after_a_merged_one_but_shorter_is_refused_as_a_tail_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (org, till, _) = market(dir.path());
    let first = dir.path().join("lundi.souk");
    ok(&till, &["export", "--out", first.to_str().unwrap()]);
    ok(&org, &["merge", first.to_str().unwrap()]);

    // The till's newest sale removed with its journal entry, as sqlite3 would.
    let c = rusqlite::Connection::open(&till).unwrap();
    for t in ["journal", "tickets", "ticket_lines", "payments", "shares"] {
        c.execute_batch(&format!(
            "DROP TRIGGER IF EXISTS {}_no_delete",
            if t == "ticket_lines" { "lines" } else { t }
        ))
        .unwrap();
    }
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let (seq, subject): (i64, String) = c
        .query_row(
            "SELECT seq, subject FROM journal WHERE chain = 'T02' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    c.execute(
        "DELETE FROM journal WHERE chain = 'T02' AND seq = ?1",
        [seq],
    )
    .unwrap();
    for t in ["ticket_lines", "payments", "shares"] {
        c.execute(&format!("DELETE FROM {t} WHERE ticket_id = ?1"), [&subject])
            .unwrap();
    }
    c.execute("DELETE FROM tickets WHERE id = ?1", [&subject])
        .unwrap();
    drop(c);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = dir.path().join("mardi.souk");
    let out = run(&till, &["export", "--out", second.to_str().unwrap()]);
    if !out.status.success() {
        return; // a till that refuses to export a cut chain is as good
    }
    let before = dump(&org);
    let out = run(&org, &["merge", second.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a tail-cut bundle merged:\n{err}"
    );
    assert!(err.contains("perdu ses dernières entrées"), "{err}");
    assert_eq!(dump(&org), before);
    // Yesterday's bundle merged again is still fine: it was exported before what was merged.
    ok(&org, &["merge", first.to_str().unwrap()]);
}
