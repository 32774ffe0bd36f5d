//! A settlement computes only the parts its format prints: the CSV's report has no per-day breakdown and no
//! witness, and the same figures as the full report.
use crate::support::sync::{UUID, market, refund, sell};
use souk::report::{Format, SettlementParts};
use souk::storage::reports;

#[test]
fn csv_settlement_skips_the_days_and_the_witness() {
    let dir = tempfile::tempdir().unwrap();
    // Built in this process: a child spawned meanwhile would inherit the lock of another test's database.
    let mut db = market(&dir.path().join("m.souk"), UUID, "Salon");
    sell(&mut db, "T01", 2, 12, 0);
    sell(&mut db, "T02", 3, 9, 1);
    refund(&mut db, "T02", "T02-000002", 4);
    let full = reports::settlement_report(db.conn(), 1).unwrap();
    assert!(!full.daily.is_empty() && !full.chain_head.is_empty());
    let csv =
        reports::settlement_report_with(db.conn(), 1, Format::Csv.settlement_parts()).unwrap();
    assert!(csv.daily.is_empty() && csv.chain_head.is_empty());
    assert_eq!(csv.rows, full.rows);
    assert_eq!(
        souk::report::render_settlement(&csv, Format::Csv).unwrap(),
        souk::report::render_settlement(&full, Format::Csv).unwrap()
    );
    let text =
        reports::settlement_report_with(db.conn(), 1, Format::Text.settlement_parts()).unwrap();
    assert!(text.daily.is_empty());
    assert_eq!(text.chain_head, full.chain_head);
    let all = reports::settlement_report_with(db.conn(), 1, SettlementParts::ALL).unwrap();
    assert_eq!(all.daily, full.daily);
}
