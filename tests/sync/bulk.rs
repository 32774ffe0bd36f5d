//! A merge that brings more than the database holds loads the shares in bulk: their indexes set aside, then
//! built again before the commit. Either way the same rows and the same schema; a refusal keeps the indexes.
use crate::support::sync::*;
use souk::storage::{Db, verify};
use souk::sync::{Bulk, Refusal, merge_with};

fn schema(db: &Db) -> Vec<String> {
    rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema")
}

fn sound(db: &Db) {
    let check: String = db
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let v = verify::verify(db.conn()).unwrap();
    assert!(v.ok(), "{:?}", v.breaks);
}

#[test]
fn in_bulk_or_row_by_row_a_merge_writes_the_same_rows_and_indexes() {
    let fx = three_tills();
    let mut bulk = fx.organiser("bulk.souk");
    let mut rows_one_by_one = fx.organiser("rows.souk");
    let before = schema(&bulk);
    let a = merge_with(&mut bulk, &fx.bundles, Bulk::Always).unwrap();
    let b = merge_with(&mut rows_one_by_one, &fx.bundles, Bulk::Never).unwrap();
    assert_eq!(a.new_tickets(), b.new_tickets());
    assert!(a.new_tickets() > 40);
    assert_eq!(sales_state(&bulk), sales_state(&rows_one_by_one));
    assert_eq!(schema(&bulk), before);
    sound(&bulk);
    // The day report and the settlement read through the rebuilt indexes.
    let plan: String = bulk
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT SUM(net) FROM shares WHERE local_date = '2025-07-03'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("shares_day"), "{plan}");
}

#[test]
fn a_lone_bundle_merged_in_bulk_is_the_same_as_row_by_row() {
    // A lone bundle keeps its statement journals in memory; the indexes are built with temporary files on disk.
    let m = OneTill::new(300);
    let mut bulk = m.organiser("bulk.souk");
    let mut rows_one_by_one = m.organiser("rows.souk");
    let before = schema(&bulk);
    let a = merge_with(&mut bulk, std::slice::from_ref(&m.bundle), Bulk::Always).unwrap();
    merge_with(
        &mut rows_one_by_one,
        std::slice::from_ref(&m.bundle),
        Bulk::Never,
    )
    .unwrap();
    assert_eq!(a.new_tickets(), 300);
    assert_eq!(sales_state(&bulk), sales_state(&rows_one_by_one));
    assert_eq!(schema(&bulk), before);
    sound(&bulk);
}

#[test]
fn a_bulk_merge_refused_late_keeps_the_indexes_and_changes_nothing() {
    let m = OneTill::new(300);
    // Refused at its last ticket, after every other ticket was written.
    let late = m.last_ticket_edited("late.bundle");
    let mut org = m.organiser("org.souk");
    let (rows_before, schema_before) = (dump(&org), schema(&org));
    let e = merge_with(&mut org, &[late], Bulk::Always).expect_err("refused");
    let e = e.downcast::<souk::sync::SyncError>().unwrap();
    assert_eq!(e.refusal(), Some(Refusal::TicketMismatch), "{e}");
    assert_eq!(dump(&org), rows_before);
    assert_eq!(schema(&org), schema_before);
    sound(&org);
}
