//! A laptop whose database has no identity, identified at the till with an organiser's PIN: its first bundle
//! registers the key it announces (trust on first use), later bundles must carry it, and a second laptop that
//! claims the same till with another key is refused.
use crate::support::sync::*;
use souk::domain::Role;
use souk::storage::Db;
use souk::storage::identify::Identified;
use souk::storage::identity::{Identity, identity};
use souk::storage::people::{PinCheck, add_person};
use std::path::Path;

const PIN: &str = "432187";

/// A copy of the organiser's database restored without its identity.
fn unidentified(org: &Db, path: &Path) -> Db {
    let db = laptop(org, path);
    db.conn().execute("DELETE FROM identity", []).unwrap();
    assert_eq!(identity(db.conn()).unwrap(), Identity::Unset);
    db
}

fn rows(db: &Db, sql: &str) -> i64 {
    db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_till_identified_on_site_merges_and_a_second_key_for_it_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut org = market(&dir.path().join("org.souk"), UUID, "Salon Ifrane 2025");
    add_person(org.conn(), "Karim", Role::Organiser, PIN).unwrap();
    add_person(org.conn(), "Amina", Role::Cashier, "1234").unwrap();
    let mut t03 = unidentified(&org, &dir.path().join("t03.souk"));
    let mut other = unidentified(&org, &dir.path().join("autre.souk"));

    // Only an organiser's right PIN, and only a till imported here and not reserved.
    let wrong = t03
        .identify_as_till("T03", "Karim", "0000", &at(2, 8, 0))
        .unwrap();
    assert!(
        matches!(wrong, Identified::Pin(PinCheck::Wrong { failures: 1, .. })),
        "{wrong:?}"
    );
    let cashier = t03
        .identify_as_till("T03", "Amina", "1234", &at(2, 8, 0))
        .unwrap();
    assert!(
        matches!(&cashier, Identified::Refused(m) if m.contains("n'est pas organisateur")),
        "{cashier:?}"
    );
    for (till, why) in [("ORG", "réservé"), ("T09", "inconnue")] {
        let r = t03
            .identify_as_till(till, "Karim", PIN, &at(2, 8, 0))
            .unwrap();
        assert!(
            matches!(&r, Identified::Refused(m) if m.contains(why)),
            "{r:?}"
        );
    }
    assert_eq!(identity(t03.conn()).unwrap(), Identity::Unset);
    let done = t03
        .identify_as_till("T03", "Karim", PIN, &at(2, 8, 5))
        .unwrap();
    assert_eq!(done, Identified::Done("T03".into()));
    assert_eq!(
        identity(t03.conn()).unwrap(),
        Identity::Till { id: "T03".into() }
    );
    assert_eq!(
        rows(
            &t03,
            "SELECT COUNT(*) FROM journal WHERE chain = 'T03' AND kind = 'identity' AND actor = 'Karim'"
        ),
        1
    );
    let (chain, _) = souk::storage::keys::own_public(t03.conn())
        .unwrap()
        .unwrap();
    assert_eq!(chain, "T03");

    sell(&mut t03, "T03", 2, 4, 0);
    let first = dir.path().join("t03-1.bundle");
    souk::sync::export(&t03, &first, None, false).unwrap();
    let s = souk::sync::merge(&mut org, std::slice::from_ref(&first)).unwrap();
    assert_eq!(s.new_tickets(), 4);
    assert!(
        s.notes.iter().any(|n| n
            == "clé de la caisse T03 enregistrée à la première fusion : caisse identifiée sur place le 02/07/2025"),
        "{:?}",
        s.notes
    );
    assert_eq!(
        rows(
            &org,
            "SELECT COUNT(*) FROM journal WHERE chain = 'ORG' AND kind = 'key_first_use' AND subject = 'T03'"
        ),
        1
    );
    assert_eq!(
        rows(
            &org,
            "SELECT COUNT(*) FROM chain_keys WHERE chain = 'T03' AND origin = 'bundle'"
        ),
        1
    );
    let v = souk::storage::verify::verify(org.conn()).unwrap();
    assert!(v.breaks.is_empty(), "{:?}", v.breaks);

    // Later bundles carry the same key and merge.
    sell(&mut t03, "T03", 3, 3, 1);
    let second = dir.path().join("t03-2.bundle");
    souk::sync::export(&t03, &second, None, false).unwrap();
    let s = souk::sync::merge(&mut org, std::slice::from_ref(&second)).unwrap();
    assert_eq!(s.new_tickets(), 3);
    assert!(
        s.notes.iter().all(|n| !n.contains("première fusion")),
        "{:?}",
        s.notes
    );

    // Another laptop, identified as T03 too (it could not know), brings another key: refused, nothing merged.
    assert_eq!(
        other
            .identify_as_till("T03", "Karim", PIN, &at(3, 9, 0))
            .unwrap(),
        Identified::Done("T03".into())
    );
    sell(&mut other, "T03", 3, 2, 2);
    let forged = dir.path().join("autre.bundle");
    souk::sync::export(&other, &forged, None, false).unwrap();
    let before = dump(&org);
    let e = souk::sync::merge(&mut org, std::slice::from_ref(&forged)).unwrap_err();
    let msg = format!("{e:#}");
    assert!(
        msg.contains("identifié sur place comme T03")
            && msg.contains("deux postes vendent comme T03"),
        "{msg}"
    );
    assert_eq!(dump(&org), before);

    // And once the organiser merged T03, a copy of its database can no longer claim T03.
    let mut late = unidentified(&org, &dir.path().join("tard.souk"));
    let r = late
        .identify_as_till("T03", "Karim", PIN, &at(4, 9, 0))
        .unwrap();
    assert!(
        matches!(&r, Identified::Refused(m) if m.contains("vient d'un autre poste")),
        "{r:?}"
    );
}
