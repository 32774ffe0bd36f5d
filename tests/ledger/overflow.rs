//! A chain whose perpetual total holds an amount from before the bounds: the next sale carries the total over
//! (journalled) instead of being refused for good; the chain still verifies, and bundles of it still merge.
use crate::support::sync::*;
use souk::storage::journal::{self, NewEntry};

#[test]
fn a_pinned_perpetual_total_is_carried_over_and_the_till_sells_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut org = market(&dir.path().join("org.souk"), UUID, "Salon Ifrane 2025");
    let mut t01 = laptop(&org, &dir.path().join("t01.souk"));
    sell(&mut t01, "T01", 2, 2, 0);
    // What a paper sale of 92,233,720,368,547,758.07 DH left before the bounds existed.
    let tx = t01.write_tx().unwrap();
    let (_, _, total) = journal::head(&tx, "T01").unwrap().unwrap();
    let pin = NewEntry {
        chain: "T01",
        kind: souk::domain::JournalKind::Import,
        actor: "Amina",
        approver: "",
        subject: "",
        detail: "ventes d'avant les bornes",
        amount: i64::MAX - total,
    };
    journal::append(&tx, &at(2, 18, 0), &pin).unwrap();
    tx.commit().unwrap();

    sell(&mut t01, "T01", 3, 3, 1);
    let carries: Vec<(i64, i64, String)> = t01
        .conn()
        .prepare("SELECT amount, grand_total, detail FROM journal WHERE chain = 'T01' AND kind = 'total_carry'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(carries.len(), 1, "{carries:?}");
    assert_eq!((carries[0].0, carries[0].1), (-i64::MAX, 0));
    assert!(carries[0].2.contains("reporté"), "{}", carries[0].2);
    let v = souk::storage::verify::verify(t01.conn()).unwrap();
    assert!(v.breaks.is_empty(), "{:?}", v.breaks);

    let bundle = dir.path().join("t01.bundle");
    souk::sync::export(&t01, &bundle, None, false).unwrap();
    let s = souk::sync::merge(&mut org, &[bundle]).unwrap();
    assert_eq!(s.new_tickets(), 5);
}
