//! The settlement report as `souk report settlement --format csv` computes it, and its baseline: SQLite's own
//! GROUP BY over the stored shares of the phase, every row read into Rust (shared by the settlement and growth
//! benches).
use souk::report::{Format, render_settlement};
use souk::storage::{Db, reports};

/// The sums a settlement needs, per exhibitor, refund flag and collector.
const GROUP_BY_SHARES: &str = "SELECT exhibitor_code, is_refund, collector, COUNT(*), SUM(net), SUM(cash),
 SUM(card), SUM(mobile), SUM(other) FROM shares WHERE phase = 1 GROUP BY exhibitor_code, is_refund, collector";

pub fn group_by_shares(conn: &rusqlite::Connection) -> i64 {
    let mut stmt = conn.prepare_cached(GROUP_BY_SHARES).unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut check = 0i64;
    while let Some(r) = rows.next().unwrap() {
        let code: String = r.get(0).unwrap();
        check = check.wrapping_add(code.len() as i64);
        for i in 3..9 {
            check = check.wrapping_add(r.get::<_, i64>(i).unwrap());
        }
    }
    check
}

pub fn csv_report(db: &Db) -> Vec<u8> {
    let parts = Format::Csv.settlement_parts();
    let r = reports::settlement_report_with(db.conn(), 1, parts).unwrap();
    render_settlement(&r, Format::Csv).unwrap()
}
