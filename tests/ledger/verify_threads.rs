//! `verify` hashes on a second thread while it reads: the verdict, breaks and their order, is the one a single
//! thread gives, on a journal broken in several places.
use crate::support::sync::{UUID, market, refund, sell};
use souk::storage::verify::{Threads, verify_with};

#[test]
fn two_threads_find_what_one_finds_in_the_same_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.souk");
    let mut db = market(&path, UUID, "Salon");
    for day in 2..5 {
        sell(&mut db, "T01", day, 400, day as usize);
    }
    sell(&mut db, "T02", 3, 300, 1);
    sell(&mut db, "T02", 4, 300, 2);
    refund(&mut db, "T02", "T02-000002", 4);
    let clean = verify_with(db.conn(), Threads::Two).unwrap();
    assert!(clean.ok(), "{:?}", clean.breaks);
    assert_eq!(clean, verify_with(db.conn(), Threads::One).unwrap());

    let c = rusqlite::Connection::open(&path).unwrap();
    for t in ["tickets", "lines", "payments", "shares", "journal"] {
        for op in ["update", "delete"] {
            c.execute_batch(&format!("DROP TRIGGER IF EXISTS {t}_no_{op}"))
                .unwrap();
        }
    }
    c.execute_batch(
        "UPDATE journal SET actor = 'X' WHERE chain = 'T01' AND seq = 1030;
         UPDATE journal SET actor = 'X' WHERE chain = 'T01' AND seq = 7;
         UPDATE ticket_lines SET quantity = quantity + 1000 WHERE ticket_id = 'T01-001100' AND line_no = 1;
         UPDATE payments SET method = 'other' WHERE ticket_id = 'T02-000550';
         UPDATE shares SET net = net + 1 WHERE ticket_id = 'T01-000003';
         DELETE FROM journal WHERE chain = 'T02' AND seq = 300;",
    )
    .unwrap();
    let one = verify_with(db.conn(), Threads::One).unwrap();
    let two = verify_with(db.conn(), Threads::Two).unwrap();
    assert_eq!(one, two);
    for named in [
        "journal T01 n°7 ",
        "journal T01 n°1030 ",
        "T01-001100",
        "T02-000550",
        "T01-000003",
        "journal T02 n°301",
    ] {
        assert!(
            two.breaks.iter().any(|b| b.contains(named)),
            "{named} not named in {:#?}",
            two.breaks
        );
    }
}
