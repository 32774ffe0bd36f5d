//! Chain keys by range on the server: a till provisioned a second time signs with a new key from the chain's next
//! entry; its entries under both keys are pushed, the first copy's later ones refused.
use crate::cluster::{Cluster, dump};
use crate::fixture::build;
use crate::support::common::{ok, run};
use crate::support::sync::{UUID, market, sell};
use souk::storage::Db;
use std::path::Path;

pub const A: &str = "0190f1a2-0000-7000-8000-00000000aa01";

pub fn pushed(db: &Path, url: &str) -> String {
    ok(db, &["push", "--to", url])
}

/// A push refused for one chain: exit 1, the reason on stderr.
pub fn refused(db: &Path, url: &str) -> String {
    let out = run(db, &["push", "--to", url]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn refusals(client: &mut postgres::Client) -> Vec<(String, String)> {
    client
        .query("SELECT chain, reason FROM refused ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

pub fn ranges(client: &mut postgres::Client, chain: &str) -> Vec<(i64, String)> {
    client
        .query(
            "SELECT from_seq, public_key FROM chain_keys WHERE chain = $1 ORDER BY from_seq",
            &[&chain],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

pub fn export(db: &Path, name: &str) -> String {
    let b = db.with_file_name(name);
    souk::sync::export(&Db::open(db).unwrap(), &b, None, false).unwrap();
    b.display().to_string()
}

#[test]
fn a_till_provisioned_twice_is_pushed_under_both_keys() {
    let Some(pg) = Cluster::start("a_till_provisioned_twice_is_pushed_under_both_keys") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 3, 0);
    let url = pg.url("reprovision");
    let mut client = pg.client("reprovision");
    // The server holds T02's first key and its first copy's entries; the new range arrives later.
    pushed(&m.organiser, &url);
    assert_eq!(ranges(&mut client, "T02").len(), 1);
    let second = dir.path().join("ifrane-T02-bis.souk");
    ok(
        &m.organiser,
        &["backup", "--out", second.to_str().unwrap(), "--till", "T02"],
    );
    let head: i64 = client
        .query_one("SELECT MAX(seq) FROM journal WHERE chain = 'T02'", &[])
        .unwrap()
        .get(0);
    let said = pushed(&m.organiser, &url);
    assert!(
        said.contains(&format!(
            "T02 : clé de signature enregistrée à partir de l'entrée n°{}",
            head + 1
        )),
        "{said}"
    );
    let keys = ranges(&mut client, "T02");
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_ne!(keys[0].1, keys[1].1);

    // The first copy, found again, sells on with its old key: its push is refused, recorded, nothing written.
    sell(&mut Db::open(&m.tills[1]).unwrap(), "T02", 5, 2, 3);
    let before = dump(&mut client);
    let err = refused(&m.tills[1], &url);
    assert!(
        err.contains(&format!("journal T02 n°{}", head + 1))
            && err.contains("copie remplacée")
            && err.contains("ventes papier"),
        "{err}"
    );
    assert_eq!(dump(&mut client), before, "nothing of the refused chain");
    let why = refusals(&mut client);
    assert_eq!(why.len(), 1, "{why:?}");
    assert_eq!(why[0].0, "T02");

    // A server that got those later sales before it knew the new key: the organiser's push of T02 is refused
    // (they are not the till's any more), the new range is not written, the other chains still go.
    let early = pg.url("reprovision_retired_first");
    let mut c = pg.client("reprovision_retired_first");
    pushed(&m.tills[1], &early);
    let err = refused(&m.organiser, &early);
    assert!(
        err.contains("copie remplacée") && err.contains("déjà sur le serveur"),
        "{err}"
    );
    assert_eq!(
        ranges(&mut c, "T02").len(),
        1,
        "the new range is not written"
    );
    let t01: i64 = c
        .query_one("SELECT COUNT(*) FROM tickets WHERE till = 'T01'", &[])
        .unwrap()
        .get(0);
    assert_eq!(t01, 3);
    assert_eq!(refusals(&mut c).len(), 1);

    // The new copy sells, its bundle merges at the organiser's, the organiser pushes: every entry accepted.
    sell(&mut Db::open(&second).unwrap(), "T02", 6, 4, 5);
    let bundle = export(&second, "T02-bis.bundle");
    ok(&m.organiser, &["merge", &bundle]);
    let said = pushed(&m.organiser, &url);
    assert!(
        said.contains("T02 :") && said.contains("4 ticket(s)"),
        "{said}"
    );
    assert_eq!(refusals(&mut client).len(), 1);
    let t02: i64 = client
        .query_one("SELECT COUNT(*) FROM tickets WHERE till = 'T02'", &[])
        .unwrap()
        .get(0);
    assert_eq!(t02, 3 + 4);

    // The region report counts every ticket, and reads back the organiser's own settlement.
    let csv = ok(
        &m.organiser,
        &["region", "report", "--from", &url, "--format", "csv"],
    );
    let phase: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("phase,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(
        phase[6], "16",
        "4 tills × 3 tickets + 4 under the new key:\n{csv}"
    );
    let own = ok(
        &m.organiser,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    let region = ok(
        &m.organiser,
        &[
            "region", "report", "--from", &url, "--market", A, "--phase", "1", "--format", "csv",
        ],
    );
    assert_eq!(region, own);

    // Again, from the organiser or from either copy of T02's database: nothing changes.
    let state = dump(&mut client);
    assert!(pushed(&m.organiser, &url).contains("le serveur avait déjà tout"));
    pushed(&second, &url);
    assert_eq!(dump(&mut client), state);
    refused(&m.tills[1], &url);
    assert_eq!(dump(&mut client), state);

    // The same market pushed in one go to an empty server gives the same state.
    let fresh = pg.url("reprovision_once");
    pushed(&m.organiser, &fresh);
    assert_eq!(dump(&mut pg.client("reprovision_once")), state);
}

/// A push killed while it sends a re-provisioned till's entries under its new key resumes, nothing doubled.
#[test]
fn a_push_killed_after_the_new_range_resumes() {
    let Some(pg) = Cluster::start("a_push_killed_after_the_new_range_resumes") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 3, 0);
    let url = pg.url("killed_keys");
    let mut client = pg.client("killed_keys");
    pushed(&m.organiser, &url);
    let second = dir.path().join("ifrane-T02-bis.souk");
    ok(
        &m.organiser,
        &["backup", "--out", second.to_str().unwrap(), "--till", "T02"],
    );
    sell(&mut Db::open(&second).unwrap(), "T02", 6, 300, 5);
    let bundle = export(&second, "T02-bis.bundle");
    ok(&m.organiser, &["merge", &bundle]);
    let t02 = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT COUNT(*) FROM journal WHERE chain = 'T02'", &[])
            .map(|r| r.get(0))
            .unwrap_or(0)
    };
    let start = t02(&mut client);
    let mut child = crate::support::common::souk()
        .arg("--db")
        .arg(&m.organiser)
        .args(["push", "--to", &url])
        .env("SOUK_PUSH_BATCH", "5")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..4000 {
        if t02(&mut client) >= start + 50 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    let partial = t02(&mut client);
    assert!(partial >= start + 50, "the push never got going");
    assert_eq!(
        ranges(&mut client, "T02").len(),
        2,
        "the new range went first"
    );
    pushed(&m.organiser, &url);
    assert!(t02(&mut client) > partial, "killed too late");
    assert!(refusals(&mut client).is_empty());
    let fresh = pg.url("killed_keys_once");
    pushed(&m.organiser, &fresh);
    assert_eq!(dump(&mut client), dump(&mut pg.client("killed_keys_once")));
}

#[test]
fn another_key_from_the_same_entry_refuses_the_chain() {
    let Some(pg) = Cluster::start("another_key_from_the_same_entry_refuses_the_chain") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 2, 0);
    let url = pg.url("otherkey");
    let mut client = pg.client("otherkey");
    pushed(&m.organiser, &url);
    // The server holds, for T03 from entry 1, a key that is not the one the organiser registered.
    client
        .execute(
            "UPDATE chain_keys SET public_key = repeat('ab', 32) WHERE chain = 'T03'",
            &[],
        )
        .unwrap();
    sell(&mut Db::open(&m.tills[2]).unwrap(), "T03", 6, 2, 1);
    sell(&mut Db::open(&m.tills[0]).unwrap(), "T01", 6, 2, 1);
    for t in [0, 2] {
        let b = export(&m.tills[t], &format!("more-{t}.bundle"));
        ok(&m.organiser, &["merge", &b]);
    }
    let before: i64 = client
        .query_one("SELECT COUNT(*) FROM journal WHERE chain = 'T03'", &[])
        .unwrap()
        .get(0);
    let err = refused(&m.organiser, &url);
    assert!(
        err.contains("journal T03") && err.contains("autre clé") && err.contains("n°1"),
        "{err}"
    );
    let after: i64 = client
        .query_one("SELECT COUNT(*) FROM journal WHERE chain = 'T03'", &[])
        .unwrap()
        .get(0);
    assert_eq!(after, before, "nothing of T03 written");
    let t01: i64 = client
        .query_one("SELECT COUNT(*) FROM tickets WHERE till = 'T01'", &[])
        .unwrap()
        .get(0);
    assert_eq!(t01, 4, "the other chains still go");
    let why = refusals(&mut client);
    assert_eq!(why.len(), 1, "{why:?}");
    assert_eq!(why[0].0, "T03");
}

/// Provisioned again before it sold, after the organiser pushed: the server's key for the till, which signed
/// nothing there, is replaced by the organiser's push; the first copy is refused, the new one goes.
#[test]
fn a_till_provisioned_again_before_it_sold_takes_its_new_key() {
    let Some(pg) = Cluster::start("a_till_provisioned_again_before_it_sold_takes_its_new_key")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.souk");
    drop(market(&org, UUID, "Salon Ifrane 2025"));
    let copy = |name: &str| {
        let p = dir.path().join(name);
        ok(
            &org,
            &["backup", "--out", p.to_str().unwrap(), "--till", "T03"],
        );
        p
    };
    let url = pg.url("again");
    let mut client = pg.client("again");
    let first = copy("t03-a.souk");
    // T01's copy, made now, holds T03's first key.
    let t01 = dir.path().join("t01.souk");
    ok(
        &org,
        &["backup", "--out", t01.to_str().unwrap(), "--till", "T01"],
    );
    pushed(&org, &url);
    let k1 = ranges(&mut client, "T03");
    assert_eq!(k1.len(), 1, "{k1:?}");
    let second = copy("t03-b.souk");
    sell(&mut Db::open(&second).unwrap(), "T03", 2, 3, 1);
    // The new copy, having sold, before the organiser: refused, saying which push goes first.
    let err = refused(&second, &url);
    assert!(
        err.contains("autre clé") && err.contains("envoyez d'abord la base de l'organisateur"),
        "{err}"
    );
    let said = pushed(&org, &url);
    assert!(
        said.contains("T03 : clé de signature remplacée à partir de l'entrée n°1"),
        "{said}"
    );
    let k2 = ranges(&mut client, "T03");
    assert_eq!(k2.len(), 1);
    assert_ne!(k2, k1);
    // T01 pushes its sales: T03's old key in its copy is not its business.
    sell(&mut Db::open(&t01).unwrap(), "T01", 2, 2, 4);
    assert!(pushed(&t01, &url).contains("T01 :"));
    assert_eq!(ranges(&mut client, "T03"), k2);
    assert_eq!(
        refusals(&mut client).len(),
        1,
        "only the new copy's push before the organiser's"
    );
    sell(&mut Db::open(&first).unwrap(), "T03", 2, 2, 0);
    let before = dump(&mut client);
    let err = refused(&first, &url);
    assert!(
        err.contains("journal T03") && err.contains("autre clé") && err.contains("ventes papier"),
        "{err}"
    );
    assert_eq!(dump(&mut client), before);
    assert_eq!(refusals(&mut client).len(), 2);
    pushed(&second, &url);
    let n: i64 = client
        .query_one("SELECT COUNT(*) FROM tickets WHERE till = 'T03'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
    // Once the till has sold under a key on the server, even the organiser cannot replace that key.
    copy("t03-c.souk");
    let err = refused(&org, &url);
    assert!(
        err.contains("journal T03") && err.contains("autre clé"),
        "{err}"
    );
    assert_eq!(ranges(&mut client, "T03"), k2);
    assert_eq!(refusals(&mut client).len(), 3);
}
