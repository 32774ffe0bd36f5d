//! `souk push`: idempotent, order-independent, resumable after SIGKILL, and refusing forged or diverging chains.
use crate::cluster::{Cluster, dump};
use crate::fixture::{RegionMarket, build};
use crate::support::common::{run, souk};
use std::path::Path;
use std::process::Output;

const A: &str = "0190f1a2-0000-7000-8000-00000000aa01";
const B: &str = "0190f1a2-0000-7000-8000-00000000bb02";

fn push(db: &Path, url: &str) -> Output {
    run(db, &["push", "--to", url])
}

fn pushed(db: &Path, url: &str) -> String {
    let out = push(db, url);
    assert!(
        out.status.success(),
        "push {}: {}",
        db.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn push_twice_changes_nothing() {
    let Some(pg) = Cluster::start("push_twice_changes_nothing") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 5, 0);
    let url = pg.url("region");
    let first = pushed(&m.organiser, &url);
    assert!(first.contains("T01 :"), "{first}");
    let mut client = pg.client("region");
    let state = dump(&mut client);
    assert!(state.contains("-- tickets (20)"), "{state}");
    let again = pushed(&m.organiser, &url);
    assert!(again.contains("le serveur avait déjà tout"), "{again}");
    assert_eq!(dump(&mut client), state);
    // The tills pushing their own copies bring nothing new either.
    for t in &m.tills {
        pushed(t, &url);
    }
    assert_eq!(dump(&mut client), state);
}

/// Push orders for two markets: tills first or organiser first, with repeats.
fn order(a: &RegionMarket, b: &RegionMarket, shuffle: &[usize]) -> Vec<std::path::PathBuf> {
    let all: Vec<_> = [&a.organiser, &b.organiser]
        .into_iter()
        .chain(a.tills.iter())
        .chain(b.tills.iter())
        .cloned()
        .collect();
    shuffle.iter().map(|i| all[*i].clone()).collect()
}

#[test]
fn two_markets_in_any_order_give_one_state() {
    let Some(pg) = Cluster::start("two_markets_in_any_order_give_one_state") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let a = build(dir.path(), A, "ifrane", 4, 0);
    let b = build(dir.path(), B, "azrou", 3, 7);
    let orders: [&[usize]; 3] = [
        &[0, 1],
        &[2, 9, 3, 3, 1, 4, 6, 5, 7, 8, 0, 2],
        &[6, 7, 8, 9, 2, 3, 4, 5, 5, 1, 0, 6],
    ];
    let mut states = Vec::new();
    for (i, o) in orders.iter().enumerate() {
        let url = pg.url(&format!("order{i}"));
        for db in order(&a, &b, o) {
            pushed(&db, &url);
        }
        states.push(dump(&mut pg.client(&format!("order{i}"))));
    }
    assert!(states[0].contains("-- markets (2)"), "{}", states[0]);
    assert_eq!(states[1], states[0]);
    assert_eq!(states[2], states[0]);
}

#[test]
fn push_killed_mid_batch_resumes_without_doubles() {
    let Some(pg) = Cluster::start("push_killed_mid_batch_resumes_without_doubles") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 400, 0);
    let url = pg.url("killed");
    let mut client = pg.client("killed");
    let mut child = souk()
        .arg("--db")
        .arg(&m.organiser)
        .args(["push", "--to", &url])
        .env("SOUK_PUSH_BATCH", "10")
        .spawn()
        .unwrap();
    let mut seen = 0i64;
    for _ in 0..2000 {
        let n: i64 = client
            .query_one("SELECT COUNT(*) FROM journal WHERE chain <> 'ORG'", &[])
            .map(|r| r.get(0))
            .unwrap_or(0);
        if n >= 100 {
            seen = n;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    let partial: i64 = client
        .query_one("SELECT COUNT(*) FROM journal", &[])
        .unwrap()
        .get(0);
    assert!(seen >= 100, "the push never got going");
    pushed(&m.organiser, &url);
    let total: i64 = client
        .query_one("SELECT COUNT(*) FROM journal", &[])
        .unwrap()
        .get(0);
    assert!(
        partial < total,
        "killed too late: {partial} of {total} entries already there"
    );
    let resumed = dump(&mut client);
    let clean_url = pg.url("clean");
    pushed(&m.organiser, &clean_url);
    assert_eq!(resumed, dump(&mut pg.client("clean")));
    let doubles: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM (SELECT till, number FROM tickets GROUP BY till, number HAVING COUNT(*) > 1) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(doubles, 0);
}

#[test]
fn diverging_and_forged_chains_are_refused_and_recorded() {
    let Some(pg) = Cluster::start("diverging_and_forged_chains_are_refused_and_recorded") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 3, 0);
    // A second laptop selling as T01 from the same copy: its chain forks from the first one's.
    let twin = dir.path().join("twin-T01.souk");
    std::fs::copy(&m.tills[0], &twin).unwrap();
    {
        let mut db = souk::storage::Db::open(&m.tills[0]).unwrap();
        crate::support::sync::sell(&mut db, "T01", 8, 2, 1);
        let mut db = souk::storage::Db::open(&twin).unwrap();
        crate::support::sync::sell(&mut db, "T01", 8, 3, 5);
    }
    let url = pg.url("refusals");
    let mut client = pg.client("refusals");
    pushed(&m.tills[0], &url);
    let before = dump(&mut client);
    let out = push(&twin, &url);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("journal T01") && err.contains("divergente"),
        "{err}"
    );
    assert_eq!(
        dump(&mut client),
        before,
        "nothing of the diverging chain written"
    );
    // A forged entry, hashes recomputed, fails its signature.
    let forged = dir.path().join("forged-T02.souk");
    std::fs::copy(&m.tills[1], &forged).unwrap();
    forge(&forged, "T02");
    let out = push(&forged, &url);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("journal T02") && err.contains("signature"),
        "{err}"
    );
    let refused: Vec<(String, String)> = client
        .query("SELECT chain, reason FROM refused ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].0, "T01");
    assert_eq!(refused[1].0, "T02");
    let t02: i64 = client
        .query_one("SELECT COUNT(*) FROM journal WHERE chain = 'T02'", &[])
        .unwrap()
        .get(0);
    assert_eq!(t02, 0, "nothing of the forged chain written");
    // A wrong address and a refused login are said in French, without the password.
    let out = push(&m.organiser, "mysql://x");
    assert!(String::from_utf8_lossy(&out.stderr).contains("adresse de serveur invalide"));
    let out = push(
        &m.organiser,
        &format!(
            "postgresql://nobody:s3cret@/refusals?host={}",
            pg.socket_dir()
        ),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("connexion refusée"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

/// Rewrites the last login entry of `chain` with a new actor, its hash recomputed (the signature cannot be).
fn forge(db: &Path, chain: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER journal_no_update").unwrap();
    let seq: i64 = c
        .query_row(
            "SELECT MAX(seq) FROM journal WHERE chain = ?1 AND kind = 'login'",
            [chain],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "UPDATE journal SET actor = 'Intrus' WHERE chain = ?1 AND seq = ?2",
        rusqlite::params![chain, seq],
    )
    .unwrap();
    let e = c
        .query_row(
            &format!(
                "{} WHERE chain = ?1 AND seq = ?2",
                souk::storage::journal::SELECT_ENTRY
            ),
            rusqlite::params![chain, seq],
            souk::storage::journal::from_row,
        )
        .unwrap();
    let hash = souk::domain::canonical::entry_hash(&e.fields());
    c.execute(
        "UPDATE journal SET hash = ?3 WHERE chain = ?1 AND seq = ?2",
        rusqlite::params![chain, seq, hash],
    )
    .unwrap();
}

#[test]
fn init_then_a_server_of_another_major_version_is_refused() {
    let Some(pg) = Cluster::start("init_then_a_server_of_another_major_version_is_refused") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 1, 0);
    let url = pg.url("major");
    let said = crate::support::common::ok(&m.organiser, &["region", "init", "--to", &url]);
    assert!(said.contains("version 3"), "{said}");
    let mut client = pg.client("major");
    client
        .execute(
            "INSERT INTO schema_version (version, major) VALUES (100, 2)",
            &[],
        )
        .unwrap();
    let out = push(&m.organiser, &url);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("version majeure 2"), "{err}");
    let n: i64 = client
        .query_one("SELECT COUNT(*) FROM markets", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "nothing sent");
}
