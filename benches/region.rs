//! The region's PostgreSQL store, on a private cluster started by the bench (as the tests do; skipped, saying
//! why, where PostgreSQL is not installed).
//!
//! - `push_1m_lines`: `souk push` of a phase of 1,000,000 sale lines (benches/support/market_1m.rs: 320
//!   exhibitors, about 333,000 tickets) into an empty server, against the lower bound
//!   `baseline_copy_csv`: `COPY … FROM STDIN (FORMAT csv)` of the very rows that push wrote, every table, in one
//!   transaction (no reading SQLite, no checks, no conflict handling). Aim: push within 3× the baseline.
//! - `region_report_10_markets`: `souk region report` (all figures, CSV bytes) over 10 markets of 320
//!   exhibitors, each an open phase of 100,000 tickets (settled from the shares, the slow path; a closed
//!   phase answers from its frozen settlement). Aim: under 2 s.
//!
//! Each push or COPY starts from emptied tables (not timed). Sample sizes are Criterion's minimum (10).
//!
//! Figures of 2026-11-27 (second run, 10 samples each, schema 3; 2 cores shared with two helpers' builds and a
//! CI run, load 2–9): region report median 0.77 s (0.72–0.81 s); COPY baseline median 37.6 s (30.0–43.3 s); souk
//! push median 103.1 s (71.6–204.6 s): 2.74× the baseline's median (2.39× min to min); the first push into a
//! fresh server 114.6 s. First run (load 9–18): report 1.81 s, COPY 45.1 s, one timed push 98 s.
#[allow(dead_code)]
#[path = "../tests/region/cluster.rs"]
mod cluster;
#[path = "support/market_1m.rs"]
mod market_1m;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use souk::region::{RegionFilter, region_report, render};
use souk::report::Format;
use souk::storage::Db;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use cluster::TABLES;

fn empty(client: &mut postgres::Client) {
    client
        .batch_execute(&format!("TRUNCATE {}", TABLES.join(", ")))
        .unwrap();
}

fn copy_in(client: &mut postgres::Client, tables: &[(&str, Vec<u8>)]) {
    let mut tx = client.transaction().unwrap();
    for (t, csv) in tables {
        let mut w = tx
            .copy_in(&format!("COPY {t} FROM STDIN (FORMAT csv)"))
            .unwrap();
        w.write_all(csv).unwrap();
        w.finish().unwrap();
    }
    tx.commit().unwrap();
}

fn timed(iters: u64, mut setup: impl FnMut(), mut run: impl FnMut()) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        setup();
        let t = Instant::now();
        run();
        total += t.elapsed();
    }
    total
}

fn bench_push(c: &mut Criterion) {
    let Some(pg) = cluster::Cluster::start("region bench push_1m_lines") else {
        return;
    };
    let db = Db::open(&market_1m::path()).unwrap();
    let url = pg.url("bench");
    let mut client = pg.client("bench");
    let t = Instant::now();
    let s = souk::region::push(&db, &url, &mut |_, _, _| {}).unwrap();
    eprintln!("first push: {:.1?} ({:?})", t.elapsed(), s.sent);
    let lines: i64 = client
        .query_one("SELECT COUNT(*) FROM ticket_lines", &[])
        .unwrap()
        .get(0);
    assert!(lines >= 1_000_000, "{lines} lines pushed");
    let csv: Vec<(&str, Vec<u8>)> = TABLES
        .iter()
        .map(|t| {
            let mut bytes = Vec::new();
            client
                .copy_out(&format!("COPY {t} TO STDOUT (FORMAT csv)"))
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            (*t, bytes)
        })
        .collect();
    let mut g = c.benchmark_group("push_1m_lines");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    g.bench_function("baseline_copy_csv", |b| {
        b.iter_custom(|iters| {
            let mut c2 = pg.client("bench");
            timed(iters, || empty(&mut client), || copy_in(&mut c2, &csv))
        })
    });
    g.bench_function("souk_push", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                || empty(&mut client),
                || {
                    souk::region::push(&db, &url, &mut |_, _, _| {}).unwrap();
                },
            )
        })
    });
    g.finish();
}

/// 10 markets of 320 exhibitors (a third with an ICE shared across markets), one open phase of 100,000
/// single-exhibitor tickets each, written straight into the server's tables.
const TEN_MARKETS: &str = "
INSERT INTO markets SELECT 'm' || m, 'Marché ' || m, 'Conseil régional', 'Ville ' || m, 'MAD',
  'Africa/Casablanca', NULL FROM generate_series(1, 10) m;
INSERT INTO phases (market, number, name, starts, ends)
  SELECT 'm' || m, 1, 'Phase 1', '2025-08-06', '2025-08-19' FROM generate_series(1, 10) m;
INSERT INTO exhibitors SELECT 'm' || m, 'E' || lpad(e::text, 3, '0'), 'Coopérative ' || e, 'cooperative',
  CASE WHEN e % 3 = 0 THEN '00' || (1000000 + e) END, '0.05', 15000, 'Province ' || (e % 12),
  'Secteur ' || (e % 8), e % 2 = 0 FROM generate_series(1, 10) m, generate_series(1, 320) e;
INSERT INTO exhibitor_phases SELECT 'm' || m, 'E' || lpad(e::text, 3, '0'), 1
  FROM generate_series(1, 10) m, generate_series(1, 320) e;
INSERT INTO tills SELECT 'm' || m, t, t, CASE WHEN t = 'T03' THEN 'exhibitor' ELSE 'organiser' END
  FROM generate_series(1, 10) m, unnest(ARRAY['T01', 'T02', 'T03']) t;
INSERT INTO journal SELECT 'm' || m, 'T01', s, '2025-08-06T10:00:00Z', 7200, 'sale', 'bench', '', 't' || s, '',
  1000, 1000 * s, 'p', 'h', '' FROM generate_series(1, 10) m, generate_series(1, 100000) s;
INSERT INTO tickets SELECT 'm' || m, 't' || s, 'T01', 'T0' || (1 + s % 3), s, 'sale', NULL, '2025-08-06T10:00:00Z',
  7200, '2025-08-' || (6 + s % 14), 1, 'bench', NULL, false, NULL, 1000 + s % 5000, 0, s
  FROM generate_series(1, 10) m, generate_series(1, 100000) s;
INSERT INTO shares SELECT t.market, t.id, 'E' || lpad((1 + t.number % 320)::text, 3, '0'), 1, t.local_date, t.till,
  CASE WHEN t.till = 'T03' THEN 'exhibitor' ELSE 'organiser' END, false, t.total,
  CASE WHEN t.number % 4 = 0 THEN t.total ELSE 0 END, CASE WHEN t.number % 4 = 1 THEN t.total ELSE 0 END,
  CASE WHEN t.number % 4 = 2 THEN t.total ELSE 0 END, CASE WHEN t.number % 4 = 3 THEN t.total ELSE 0 END
  FROM tickets t;
ANALYZE;";

fn bench_report(c: &mut Criterion) {
    let Some(pg) = cluster::Cluster::start("region bench region_report_10_markets") else {
        return;
    };
    let mut client = pg.client("postgres");
    souk::region::init(&mut client).unwrap();
    let t = Instant::now();
    client.batch_execute(TEN_MARKETS).unwrap();
    eprintln!("10 markets written in {:.1?}", t.elapsed());
    let filter = RegionFilter::default();
    let r = region_report(&mut client, &filter).unwrap();
    assert_eq!(r.phases.len(), 10);
    assert_eq!(r.phases.iter().map(|p| p.exhibitors).sum::<u64>(), 3200);
    let mut g = c.benchmark_group("region_report_10_markets_320_exhibitors");
    g.sample_size(10);
    g.bench_function("souk_region_report_csv", |b| {
        b.iter(|| render(&region_report(&mut client, &filter).unwrap(), Format::Csv).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_report, bench_push);
criterion_main!(benches);
