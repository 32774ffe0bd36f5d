//! Settlement of a phase of 1,000,000 sale lines and 320 exhibitors (benches/support/market_1m.rs), on one file
//! in one run.
//!
//! Baseline (the ratio that counts): `baseline_sqlite_group_by_shares`, SQLite's own GROUP BY over the stored
//! shares of the phase, every row read into Rust: the least work that yields the settlement's sums. Against it:
//! - `souk_report_settlement_csv`: what `souk report settlement --phase 1 --format csv` does once the database
//!   is open (settlement, rows, CSV bytes);
//! - `souk_settle_phase`: the settlement alone.
//!
//! Secondary references, kept from earlier runs:
//! - `obvious_sql_group_by`: a GROUP BY over lines joined to tickets and payments; its per-method split is an
//!   integer division, not souk's largest-remainder allocation, so it is not the same answer;
//! - `souk_report_settlement_all_parts`: the report as XLSX and PDF need it (per-day breakdown and witness);
//! - `one_exhibitor_one_day`: one cooperative checking its day at the stall.
#[path = "support/market_1m.rs"]
mod market_1m;
#[path = "support/settlement_csv.rs"]
mod settlement_csv;

use criterion::{Criterion, criterion_group, criterion_main};
use settlement_csv::{csv_report, group_by_shares};
use souk::report::SettlementParts;
use souk::storage::{Db, reports, settlement};

const OBVIOUS_SQL: &str = "
SELECT l.exhibitor_code, COUNT(DISTINCT t.id),
  SUM(CASE WHEN t.kind = 'sale' THEN l.total ELSE 0 END), SUM(CASE WHEN t.kind = 'refund' THEN l.total ELSE 0 END),
  SUM(l.total * p.cash / t.total), SUM(l.total * p.card / t.total), SUM(l.total * p.mobile / t.total),
  SUM(l.total * p.other / t.total), SUM(CASE WHEN k.collector = 'organiser' THEN l.total ELSE 0 END)
FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id JOIN tills k ON k.id = t.till
JOIN (SELECT ticket_id, SUM(CASE WHEN method = 'cash' THEN amount ELSE 0 END) AS cash,
             SUM(CASE WHEN method = 'card' THEN amount ELSE 0 END) AS card,
             SUM(CASE WHEN method = 'mobile' THEN amount ELSE 0 END) AS mobile,
             SUM(CASE WHEN method = 'other' THEN amount ELSE 0 END) AS other
      FROM payments GROUP BY ticket_id) p ON p.ticket_id = t.id
WHERE t.phase = 1 AND t.total > 0 GROUP BY l.exhibitor_code";

fn bench_settlement(c: &mut Criterion) {
    let db = Db::open(&market_1m::path()).unwrap();
    assert_eq!(csv_report(&db).iter().filter(|b| **b == b'\n').count(), 321);
    let mut g = c.benchmark_group("settlement_1m_lines_320_exhibitors");
    g.sample_size(10);
    g.bench_function("baseline_sqlite_group_by_shares", |b| {
        b.iter(|| group_by_shares(db.conn()))
    });
    g.bench_function("souk_report_settlement_csv", |b| b.iter(|| csv_report(&db)));
    g.bench_function("souk_settle_phase", |b| {
        b.iter(|| settlement::settle_phase(db.conn(), 1).unwrap())
    });
    g.bench_function("souk_report_settlement_all_parts", |b| {
        b.iter(|| reports::settlement_report_with(db.conn(), 1, SettlementParts::ALL).unwrap())
    });
    g.bench_function("obvious_sql_group_by", |b| {
        b.iter(|| {
            let mut stmt = db.conn().prepare_cached(OBVIOUS_SQL).unwrap();
            stmt.query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .count()
        })
    });
    g.bench_function("one_exhibitor_one_day", |b| {
        b.iter(|| settlement::exhibitor_day(db.conn(), "2025-08-12", "E042").unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_settlement);
criterion_main!(benches);
