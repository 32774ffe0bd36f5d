//! The pipelined export (rows read on the connection's thread, encoded, hashed and compressed on others) writes
//! the bundle the plain path writes, byte for byte; a value that cannot be read, on either thread, stops it with
//! a French message naming the row, and leaves no file nor a bookkeeping row.
use crate::support::sync::*;
use souk::storage::Db;
use souk::sync::{Pipeline, export, export_at, merge};
use std::path::Path;

/// A till with more records than one batch of the pipeline (1,024), a refund and an import on its ORG.
fn busy_till(dir: &Path) -> Db {
    let master = market(&dir.join("master.souk"), UUID, "Salon Ifrane 2025");
    let mut db = laptop(&master, &dir.join("T01.souk"));
    sell(&mut db, "T01", 2, 700, 0);
    sell(&mut db, "T01", 3, 700, 1);
    refund(&mut db, "T01", "T01-000002", 4);
    db
}

#[test]
fn the_pipelined_bundle_is_the_plain_paths_byte_for_byte_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let db = busy_till(dir.path());
    let at = "2025-07-04T18:00:00Z";
    let (a, b) = (dir.path().join("a.bundle"), dir.path().join("b.bundle"));
    let piped = export_at(&db, &a, at, Pipeline::Threads).unwrap();
    let plain = export_at(&db, &b, at, Pipeline::Inline).unwrap();
    assert_eq!(piped.tickets, 1401);
    assert_eq!(
        (
            piped.sha.as_str(),
            piped.text_bytes,
            piped.entries,
            piped.tickets
        ),
        (
            plain.sha.as_str(),
            plain.text_bytes,
            plain.entries,
            plain.tickets
        )
    );
    assert_eq!(bundle_text(&a), bundle_text(&b));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let master = Db::open(&dir.path().join("master.souk")).unwrap();
    let mut org = laptop(&master, &dir.path().join("org.souk"));
    let m = merge(&mut org, &[a]).unwrap();
    assert_eq!(m.new_tickets(), 1401);
    assert_eq!(sales_state(&org), sales_state(&db));
}

/// Damages the last ticket with `sql` (after more than a batch of records went to the encoding thread), exports
/// and returns the error, checking that nothing was left behind.
fn export_damaged(sql: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let db = busy_till(dir.path());
    let c = rusqlite::Connection::open(dir.path().join("T01.souk")).unwrap();
    c.execute_batch(sql).unwrap();
    drop(c);
    let out = dir.path().join("out").join("T01.bundle");
    std::fs::create_dir(out.parent().unwrap()).unwrap();
    let err = format!("{:#}", export(&db, &out, None, false).unwrap_err());
    let left: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let exports: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM exports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(exports, 0);
    err
}

#[test]
fn a_value_the_encoding_thread_cannot_read_leaves_no_file_and_a_french_message() {
    let err = export_damaged(
        "DROP TRIGGER lines_no_update;
         UPDATE ticket_lines SET unit = 'boisseau'
          WHERE ticket_id = (SELECT id FROM tickets ORDER BY number DESC LIMIT 1) AND line_no = 1;",
    );
    assert!(
        err.contains("valeur enregistrée illisible : ticket_lines, ligne ticket T01-001401")
            && err.contains("colonne unit")
            && err.contains("boisseau"),
        "{err}"
    );
}

#[test]
fn a_value_the_reading_thread_cannot_read_leaves_no_file_and_a_french_message() {
    let err = export_damaged(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER tickets_no_update;
         UPDATE tickets SET id = X'4242' WHERE number = (SELECT MAX(number) FROM tickets);",
    );
    assert!(
        err.contains(
            "valeur enregistrée illisible : tickets, ligne n° 1401, colonne id : données binaires"
        ),
        "{err}"
    );
}

/// Both paths' bundles of `db`, which must be the same bytes.
fn same_both_ways(db: &Db, dir: &Path) -> String {
    let at = "2025-07-04T18:00:00Z";
    let n = std::fs::read_dir(dir).unwrap().count();
    let (a, b) = (
        dir.join(format!("piped{n}.bundle")),
        dir.join(format!("plain{n}.bundle")),
    );
    let piped = export_at(db, &a, at, Pipeline::Threads).unwrap();
    let plain = export_at(db, &b, at, Pipeline::Inline).unwrap();
    assert_eq!((piped.sha, piped.tickets), (plain.sha, plain.tickets));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    bundle_text(&a)
}

/// The pipelined export reads lines, payments and shares by ticket id (a chain's ids sort as its numbers); rows
/// of no ticket between two ids, and tickets whose id is not `{chain}-{number:06}` (from there on it reads them
/// joined to the tickets), still give the plain path's bundle.
#[test]
fn stray_rows_and_ids_out_of_order_give_the_plain_paths_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = busy_till(dir.path());
    let c = rusqlite::Connection::open(dir.path().join("T01.souk")).unwrap();
    c.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO ticket_lines SELECT 'T01-0000055', line_no, product_code, exhibitor_code, name_fr, name_ar,
           unit, quantity, unit_price, discount, vat_rate, total, refund_of_line FROM ticket_lines
           WHERE ticket_id = 'T01-000005';
         INSERT INTO payments SELECT 'T01-0000055', pos, method, amount, tendered, change, reference
           FROM payments WHERE ticket_id = 'T01-000005';",
    )
    .unwrap();
    let text = same_both_ways(&db, dir.path());
    assert!(!text.contains("T01-0000055"), "a row of no ticket went out");
    assert!(text.contains("\"T01-000700\""));
    for t in [
        "tickets_no_update",
        "lines_no_update",
        "payments_no_update",
        "shares_no_update",
    ] {
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    c.execute_batch(
        "UPDATE tickets SET id = 'Z' || id WHERE id = 'T01-000700';
         UPDATE ticket_lines SET ticket_id = 'Z' || ticket_id WHERE ticket_id = 'T01-000700';
         UPDATE payments SET ticket_id = 'Z' || ticket_id WHERE ticket_id = 'T01-000700';
         UPDATE shares SET ticket_id = 'Z' || ticket_id WHERE ticket_id = 'T01-000700';",
    )
    .unwrap();
    drop(c);
    let text = same_both_ways(&db, dir.path());
    assert!(text.contains("ZT01-000700"));
}
