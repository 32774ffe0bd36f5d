//! No statement is re-prepared on the hot paths (commit, refund, paper-sales import, export, merge, verify,
//! settlement and its reports). A re-prepare re-parses and re-plans a statement: SQLite does it when a value
//! bound to a statement whose plan depended on it changes, or when rusqlite clears a cached statement's
//! bindings. Every statement that runs is seen through rusqlite's profile trace, which reads its counter
//! (`StatementStatus::RePrepare`) when it finishes.
use crate::support::sync::{UUID, market, sell, three_tills};
use rusqlite::StatementStatus;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use souk::import::{Kind, import_bytes};
use souk::storage::{Db, reports, settlement, verify};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

/// Highest re-prepare count seen per SQL text while the recorder was on.
#[derive(Clone, Default)]
struct Reprepares(Arc<Mutex<BTreeMap<String, i32>>>);

impl Reprepares {
    fn on(db: &mut Db) -> Reprepares {
        let seen = Reprepares::default();
        let sink = seen.clone();
        db.conn_mut()
            .trace_v2(
                TraceEventCodes::SQLITE_TRACE_PROFILE,
                Some(move |e: TraceEvent<'_>| {
                    if let TraceEvent::Profile(stmt, _) = e {
                        let n = stmt.get_status(StatementStatus::RePrepare);
                        let mut map = sink.0.lock().unwrap();
                        let max = map.entry(stmt.sql().into_owned()).or_default();
                        *max = (*max).max(n);
                    }
                }),
            )
            .unwrap();
        seen
    }

    fn statements(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// Fails naming every statement that was re-prepared.
    fn assert_none(&self, path: &str) {
        let map = self.0.lock().unwrap();
        assert!(!map.is_empty(), "{path}: no statement was traced");
        let bad: Vec<String> = map
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(sql, n)| {
                format!(
                    "{n}× {}",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                )
            })
            .collect();
        assert!(
            bad.is_empty(),
            "{path}: {} statement(s) re-prepared:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}

// Markets are built in this process: a child spawned meanwhile would inherit the lock of another test's
// database.
#[test]
fn commit_and_refund_never_reprepare() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = market(&dir.path().join("m.souk"), UUID, "Marché");
    let seen = Reprepares::on(&mut db);
    sell(&mut db, "T01", 2, 40, 1);
    crate::support::sync::refund(&mut db, "T01", "T01-000003", 2);
    crate::support::sync::refund(&mut db, "T01", "T01-000007", 3);
    sell(&mut db, "T02", 3, 10, 2);
    seen.assert_none("commit");
}

#[test]
fn paper_sales_import_never_reprepares() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = market(&dir.path().join("m.souk"), UUID, "Marché");
    let mut csv =
        String::from("ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n");
    for k in 0..60 {
        let (till, method) = (
            ["T01", "T02", "T03"][k % 3],
            ["cash", "card", "mobile"][k % 3],
        );
        for p in [(k % 3, k % 9), (1 + k % 2, (k + 4) % 9)] {
            let code = format!("E0{}-P{}", 1 + p.1 / 3, p.0);
            let _ = writeln!(
                csv,
                "P{k:03},2025-07-0{} 1{}:00,{till},{code},1,,{method}",
                2 + k % 7,
                k % 8
            );
        }
    }
    let seen = Reprepares::on(&mut db);
    import_bytes(&mut db, Kind::Sales, "ventes.csv", csv.as_bytes(), "test").unwrap();
    assert!(seen.statements() > 5);
    seen.assert_none("import sales");
    let tickets: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM tickets WHERE manual", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(tickets, 60);
}

#[test]
fn export_merge_verify_and_reports_never_reprepare() {
    let fx = three_tills();
    let mut org = fx.organiser("org.souk");
    let seen = Reprepares::on(&mut org);
    souk::sync::merge(&mut org, &fx.bundles).unwrap();
    seen.assert_none("merge");

    let seen = Reprepares::on(&mut org);
    souk::sync::merge(&mut org, &fx.bundles).unwrap();
    seen.assert_none("merge again");

    // A merge that sets the shares' indexes aside and builds them again changes the schema twice.
    let mut bulk = fx.organiser("bulk.souk");
    let seen = Reprepares::on(&mut bulk);
    souk::sync::merge_with(&mut bulk, &fx.bundles, souk::sync::Bulk::Always).unwrap();
    seen.assert_none("merge in bulk");

    let seen = Reprepares::on(&mut org);
    souk::sync::export(&org, &fx.path("all.bundle"), None, false).unwrap();
    seen.assert_none("export");

    let seen = Reprepares::on(&mut org);
    let v = verify::verify(org.conn()).unwrap();
    assert!(v.ok(), "{:?}", v.breaks);
    assert!(v.tickets > 30);
    seen.assert_none("verify");

    let seen = Reprepares::on(&mut org);
    settlement::settle_phase(org.conn(), 1).unwrap();
    reports::settlement_report(org.conn(), 1).unwrap();
    reports::phase_totals(org.conn(), 1).unwrap();
    reports::day_report(org.conn(), "2025-07-03", None).unwrap();
    reports::day_report(org.conn(), "2025-07-04", Some("T02")).unwrap();
    seen.assert_none("settlement and reports");
}
