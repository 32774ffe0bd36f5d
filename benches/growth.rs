//! How `souk verify` and `souk report settlement --format csv` grow with the market: the settlement bench's
//! market (benches/support/market_1m.rs) at 10k, 100k and 1M sale lines (the smaller ones are the first tickets
//! of the 1M one), each against its baselines measured in the same run on the same file:
//! - verify vs the Rust floor (every row read once in key order, the same SHA-256s; benches/support/verify_floor.rs)
//!   and vs SQLite's `PRAGMA integrity_check`;
//! - the settlement CSV vs SQLite's GROUP BY over the phase's shares (benches/support/settlement_csv.rs).
//! - verify of the signed market (every till entry signed by its till's key, `settlement-signed-*.db`) vs the
//!   same floor, and vs the floor plus the same signatures checked in batches of 1024 (the same work;
//!   benches/support/verify_floor.rs `signatures`).
//!
//! The aim (issue 16): each grows by at most ~11× per tenfold step. `cargo bench --bench growth -- --table` prints
//! each operation's fastest of `reps` runs (alternated with its baselines: the machine is shared), the ratios and
//! the growth per step; `GROWTH_SIZES=10000,100000` runs only those sizes. Without `--table`, criterion measures
//! the same at 10k and 100k lines. Export and merge growth: benches/bundles.rs.
//!
//! Figures of one `--table` run on a quiet machine (load 1.5): verify 1.48× / 1.46× / 1.45× the floor and 1.32× /
//! 0.81× / 0.49× integrity_check at 10k / 100k / 1M (2.07 s vs 1.43 s at 1M); settlement CSV 1.85× / 1.12× / 0.99×
//! the GROUP BY; growth verify 10.2× then 10.0× (floor 10.3×, 10.1×), settlement CSV 5.6× then 8.8×.
//! 2026-11-28 04:12–04:17 UTC (load 1.3–1.5), at 1M: verify 1.49–1.56× the floor over five runs; signed, with
//! the signatures checked on their own thread beside the passes, 3.05–3.11 s: 0.67–0.71× the floor plus the same
//! signatures checked in batches (4.4–4.6 s) and 2.2–2.3× the floor alone. The same day, `souk verify` of the
//! signed 1M market took 12.8 s with signatures checked one by one inline, 6.2 s in batches inline, 4.2 s now.
//! With hashing on a second thread (verify's default since), 04:35 UTC, load ~2: verify 1.35× / 1.39× / 1.19×
//! the floor at 10k / 100k / 1M, growth 10.3× then 8.6×; signed 0.037 / 0.325 / 3.32 s.
#[path = "support/market_1m.rs"]
mod market_1m;
#[path = "support/settlement_csv.rs"]
mod settlement_csv;
#[path = "support/verify_floor.rs"]
mod verify_floor;

use criterion::{Criterion, criterion_group};
use settlement_csv::{csv_report, group_by_shares};
use souk::storage::Db;
use std::time::{Duration, Instant};
use verify_floor::{floor, integrity_check, signatures};

const SIZES: [(usize, usize); 3] = [(10_000, 7), (100_000, 5), (1_000_000, 2)];

#[derive(Clone, Copy)]
struct Row {
    verify: f64,
    floor: f64,
    integrity: f64,
    report: f64,
    group_by: f64,
}

fn verify(db: &Db) -> u64 {
    let v = souk::storage::verify::verify(db.conn()).unwrap();
    assert!(v.ok(), "{:?}", v.breaks.first());
    v.entries + v.tickets
}

fn fastest(best: &mut f64, f: impl FnOnce()) {
    let t = Instant::now();
    f();
    *best = best.min(t.elapsed().as_secs_f64());
}

fn measure(db: &Db, reps: usize) -> Row {
    let mut r = Row {
        verify: f64::MAX,
        floor: f64::MAX,
        integrity: f64::MAX,
        report: f64::MAX,
        group_by: f64::MAX,
    };
    for _ in 0..reps {
        fastest(&mut r.verify, || {
            verify(db);
        });
        fastest(&mut r.floor, || {
            floor(db.conn());
        });
        fastest(&mut r.integrity, || {
            assert_eq!(integrity_check(db.conn()), "ok")
        });
        fastest(&mut r.report, || {
            csv_report(db);
        });
        fastest(&mut r.group_by, || {
            group_by_shares(db.conn());
        });
    }
    r
}

fn open(lines: usize) -> Db {
    let db = Db::open(&market_1m::path_with(lines)).unwrap();
    // Same rows checked by both: the floor proves it hashed what verify hashes.
    assert_eq!(floor(db.conn()), verify(&db));
    db
}

/// The signed market (every till entry signed by its till's key, as at a real market): verify against the floor
/// and against the floor plus the same signatures checked in batches (the same work).
fn signed(lines: usize, reps: usize) {
    let db = Db::open(&market_1m::signed_path_with(lines)).unwrap();
    let (mut v, mut f, mut s) = (f64::MAX, f64::MAX, f64::MAX);
    let mut checked = 0;
    for _ in 0..reps {
        fastest(&mut v, || {
            verify(&db);
        });
        fastest(&mut f, || {
            floor(db.conn());
        });
        fastest(&mut s, || checked = signatures(db.conn()));
    }
    println!(
        "{lines:>9} lines, signed: verify {v:.3}s vs floor {f:.3}s = {:.2}x, vs floor + {checked} signatures \
         {:.3}s = {:.2}x",
        v / f,
        f + s,
        v / (f + s),
    );
}

fn table() {
    let only: Option<Vec<usize>> = std::env::var("GROWTH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect());
    let mut rows = Vec::new();
    for (lines, reps) in SIZES {
        if only.as_ref().is_some_and(|o| !o.contains(&lines)) {
            continue;
        }
        let db = open(lines);
        let r = measure(&db, reps);
        signed(lines, reps);
        println!(
            "{lines:>9} lines: verify {:.3}s vs floor {:.3}s = {:.2}x, vs integrity_check {:.3}s = {:.2}x | \
             settlement csv {:.4}s vs GROUP BY {:.4}s = {:.2}x",
            r.verify,
            r.floor,
            r.verify / r.floor,
            r.integrity,
            r.verify / r.integrity,
            r.report,
            r.group_by,
            r.report / r.group_by,
        );
        rows.push((lines, r));
    }
    for w in rows.windows(2) {
        let ((a, x), (b, y)) = (w[0], w[1]);
        println!(
            "growth {a} → {b} lines: verify {:.1}x (floor {:.1}x, integrity_check {:.1}x), settlement csv {:.1}x \
             (GROUP BY {:.1}x)",
            y.verify / x.verify,
            y.floor / x.floor,
            y.integrity / x.integrity,
            y.report / x.report,
            y.group_by / x.group_by,
        );
    }
}

fn benches(c: &mut Criterion) {
    for lines in [10_000, 100_000] {
        let db = open(lines);
        let mut g = c.benchmark_group(format!("growth_{}k", lines / 1000));
        g.sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        g.bench_function("souk_verify", |b| b.iter(|| verify(&db)));
        g.bench_function("floor_rust_scan_same_sha256", |b| {
            b.iter(|| floor(db.conn()))
        });
        g.bench_function("sqlite_integrity_check", |b| {
            b.iter(|| integrity_check(db.conn()))
        });
        g.bench_function("souk_report_settlement_csv", |b| b.iter(|| csv_report(&db)));
        g.bench_function("baseline_sqlite_group_by_shares", |b| {
            b.iter(|| group_by_shares(db.conn()))
        });
        g.finish();
    }
}

criterion_group!(growth, benches);

fn main() {
    if std::env::args().any(|a| a == "--table") {
        table();
        return;
    }
    growth();
    Criterion::default().configure_from_args().final_summary();
}
