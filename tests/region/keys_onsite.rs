//! Chain keys by range on the server: a till identified on site (its key registered at the first merge) is
//! pushed; a version-2 server keeps its keys when upgraded.
use crate::cluster::{Cluster, dump};
use crate::fixture::build;
use crate::keys::{A, pushed, ranges, refusals, refused};
use crate::support::common::ok;
use crate::support::sync::{UUID, at, laptop, market, sell};
use souk::storage::Db;
use std::path::Path;

const PIN: &str = "432187";

/// A copy of the organiser's database restored without its identity, identified at the till as `till`.
fn identified(org: &Db, path: &Path, till: &str, day: u8) -> Db {
    let mut db = laptop(org, path);
    db.conn().execute("DELETE FROM identity", []).unwrap();
    let done = db
        .identify_as_till(till, "Karim", PIN, &at(day, 8, 0))
        .unwrap();
    assert_eq!(done, souk::storage::identify::Identified::Done(till.into()));
    db
}

#[test]
fn a_till_identified_on_site_is_pushed() {
    let Some(pg) = Cluster::start("a_till_identified_on_site_is_pushed") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (org_path, t03_path) = (dir.path().join("org.souk"), dir.path().join("t03.souk"));
    let mut org = market(&org_path, UUID, "Salon Ifrane 2025");
    souk::storage::people::add_person(org.conn(), "Karim", souk::domain::Role::Organiser, PIN)
        .unwrap();
    let mut t03 = identified(&org, &t03_path, "T03", 2);
    let mut other = identified(&org, &dir.path().join("autre.souk"), "T03", 3);
    sell(&mut t03, "T03", 2, 4, 0);
    sell(&mut other, "T03", 3, 2, 2);
    let bundle = dir.path().join("t03.bundle");
    souk::sync::export(&t03, &bundle, None, false).unwrap();
    souk::sync::merge(&mut org, std::slice::from_ref(&bundle)).unwrap();
    drop((org, t03, other));

    let url = pg.url("onsite");
    let mut client = pg.client("onsite");
    pushed(&org_path, &url);
    let identity: i64 = client
        .query_one(
            "SELECT seq FROM journal WHERE chain = 'T03' AND kind = 'identity'",
            &[],
        )
        .unwrap()
        .get(0);
    let keys = ranges(&mut client, "T03");
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0].0, identity, "the key signs from the identity entry");
    let n: i64 = client
        .query_one("SELECT COUNT(*) FROM tickets WHERE till = 'T03'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 4);
    let state = dump(&mut client);
    pushed(&t03_path, &url);
    assert_eq!(
        dump(&mut client),
        state,
        "the till's own push brings nothing new"
    );
    // The other laptop that claimed T03 is refused: another key from the same entry.
    let err = refused(&dir.path().join("autre.souk"), &url);
    assert!(
        err.contains("journal T03") && err.contains("autre clé"),
        "{err}"
    );
    assert_eq!(dump(&mut client), state);

    // A server with no key for T03 registers the one its identity entry announces, as the first merge does.
    let bare = dir.path().join("t03-bare.souk");
    std::fs::copy(&t03_path, &bare).unwrap();
    let c = rusqlite::Connection::open(&bare).unwrap();
    c.execute_batch(
        "DROP TRIGGER chain_keys_no_delete; DELETE FROM chain_keys WHERE chain = 'T03';",
    )
    .unwrap();
    drop(c);
    let url2 = pg.url("onsite_first_use");
    let said = pushed(&bare, &url2);
    assert!(
        said.contains(&format!(
            "T03 : clé de signature enregistrée à partir de l'entrée n°{identity}"
        )),
        "{said}"
    );
    let mut client2 = pg.client("onsite_first_use");
    assert_eq!(ranges(&mut client2, "T03"), keys);
    pushed(&org_path, &url2);
    assert_eq!(dump(&mut client2), state);
}

/// A server at schema version 2 (one key per chain) is upgraded: its keys become first ranges, and a push
/// that holds the same keys goes on from them.
#[test]
fn a_version_2_server_keeps_its_keys() {
    let Some(pg) = Cluster::start("a_version_2_server_keeps_its_keys") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), A, "ifrane", 2, 0);
    let url = pg.url("v2");
    let mut client = pg.client("v2");
    for sql in [
        include_str!("../../src/region/migrations/001_region.sql"),
        include_str!("../../src/region/migrations/002_complements.sql"),
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, major INTEGER NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
         INSERT INTO schema_version (version, major) VALUES (1, 1), (2, 1);",
    ] {
        client.batch_execute(sql).unwrap();
    }
    let local = rusqlite::Connection::open(&m.organiser).unwrap();
    let t02: String = local
        .query_row(
            "SELECT public_key FROM chain_keys WHERE chain = 'T02'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(local);
    client
        .batch_execute(&format!(
            "INSERT INTO markets VALUES ('{A}', 'ifrane', 'x', 'x', 'MAD', 'Africa/Casablanca', NULL);
             INSERT INTO chain_keys (market, chain, public_key, from_seq) VALUES ('{A}', 'T02', '{t02}', 1);"
        ))
        .unwrap();
    let said = ok(&m.organiser, &["region", "init", "--to", &url]);
    assert!(said.contains("version 3"), "{said}");
    assert_eq!(ranges(&mut client, "T02"), [(1, t02.clone())]);
    // Keys by range now: a second range of the same chain fits.
    let second = dir.path().join("ifrane-T02-bis.souk");
    ok(
        &m.organiser,
        &["backup", "--out", second.to_str().unwrap(), "--till", "T02"],
    );
    let said = pushed(&m.organiser, &url);
    assert!(
        said.lines()
            .all(|l| l != "T02 : clé de signature enregistrée à partir de l'entrée n°1"),
        "the range the server kept is not sent again:\n{said}"
    );
    let keys = ranges(&mut client, "T02");
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(keys[0], (1, t02));
    assert!(refusals(&mut client).is_empty());
    let fresh = pg.url("v3");
    pushed(&m.organiser, &fresh);
    assert_eq!(dump(&mut client), dump(&mut pg.client("v3")));
}
