//! Export and merge of one till with 100,000 tickets, against baselines measured in the same run.
//!
//! Baselines (the ratios that count):
//! - for `merge_into_empty`: `baseline_insert_select_same_rows`, the same rows (the till's journal, tickets,
//!   lines, payments and shares) copied by `INSERT … SELECT` from the attached till database into the same
//!   schema of the same organiser copy, in one transaction: the write floor, with nothing checked;
//! - for `export`: `baseline_vacuum_into`, a `VACUUM INTO` copy of the till's database plus an fsync of the copy
//!   (export syncs its file before renaming it).
//!
//! The same comparisons at 10k, 100k and 1M lines, with the bundle's size against `zstd -3`: benches/bundles.rs.
//!
//! Secondary references: `baseline_read_rows` (reading the same rows with plain SQL) and
//! `merge_again_all_known` (a bundle merged a second time).
#[path = "../tests/support/sync.rs"]
mod sync_support;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rust_decimal::{Decimal, dec};
use souk::domain::sale::build_sale;
use souk::domain::{PaymentDraft, PaymentMethod, TicketKind};
use souk::storage::tickets::insert_ticket;
use souk::storage::{Db, catalogue};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use sync_support::*;

const TICKETS: usize = 100_000;

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    template: PathBuf,
    till: Db,
    bundle: PathBuf,
}

/// The organiser's empty market (template for each merge) and one till with 100,000 tickets, inserted in
/// a single transaction.
fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let master = market(&dir.join("org.souk"), UUID, "Salon Ifrane 2025");
    let template = dir.join("template.souk");
    master.backup_to(&template).unwrap();
    let mut till = laptop(&master, &dir.join("T01.souk"));
    let started = Instant::now();
    fill(&mut till);
    println!("built {TICKETS} tickets in {:.1?}", started.elapsed());
    let bundle = dir.join("T01.bundle");
    let started = Instant::now();
    let s = souk::sync::export(&till, &bundle, Some("T01"), false).unwrap();
    println!(
        "first export: {:.1?}, bundle {:.1} MB ({} entries, {} tickets), database {:.1} MB",
        started.elapsed(),
        s.bytes as f64 / 1e6,
        s.entries,
        s.tickets,
        file_mb(&dir.join("T01.souk"))
    );
    Setup {
        _dir: tmp,
        dir,
        template,
        till,
        bundle,
    }
}

fn fill(db: &mut Db) {
    let products = catalogue::products(db.conn()).unwrap();
    let tx = db.write_tx().unwrap();
    for k in 0..TICKETS {
        let a = &products[k % products.len()];
        let b = &products[(k * 7 + 3) % products.len()];
        let drafts = vec![
            draft(a, dec!(1)),
            draft(b, Decimal::new(500 + (k % 900) as i64, 3)),
        ];
        let total: Decimal = drafts.iter().map(|d| d.total()).sum();
        let method = [
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Mobile,
        ][k % 3];
        let settled = build_sale(
            &drafts,
            Decimal::ZERO,
            &[PaymentDraft::new(method, total)],
            None,
        )
        .unwrap();
        let minute = k % (12 * 60);
        let when = at(
            2 + (k / 25_000) as u8,
            8 + (minute / 60) as i8,
            (minute % 60) as i8,
        );
        insert_ticket(&tx, &ctx("T01", when), &settled, TicketKind::Sale, None).unwrap();
    }
    tx.commit().unwrap();
}

fn file_mb(p: &Path) -> f64 {
    std::fs::metadata(p)
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0)
}

static N: AtomicUsize = AtomicUsize::new(0);

fn fresh(dir: &Path, ext: &str) -> PathBuf {
    dir.join(format!("run{}.{ext}", N.fetch_add(1, Ordering::Relaxed)))
}

fn organiser_copy(s: &Setup) -> Db {
    let p = fresh(&s.dir, "souk");
    std::fs::copy(&s.template, &p).unwrap();
    Db::open(&p).unwrap()
}

/// Plain SQL over the rows a bundle carries: the floor for reading them.
fn read_rows(db: &Db) -> i64 {
    let mut total = 0i64;
    for sql in [
        "SELECT length(hash) + length(detail) + amount FROM journal WHERE chain = 'T01'",
        "SELECT t.total + length(t.id) FROM tickets t WHERE t.till = 'T01'",
        "SELECT l.total + l.quantity + length(l.name_fr) FROM ticket_lines l",
        "SELECT p.amount FROM payments p",
        "SELECT s.net + s.cash FROM shares s",
    ] {
        let mut stmt = db.conn().prepare(sql).unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            total = total.wrapping_add(r.get::<_, i64>(0).unwrap());
        }
    }
    total
}

/// The till's rows into the organiser's copy, by SQLite alone.
fn insert_select(db: &Db, till: &Path) {
    let conn = db.conn();
    conn.execute("ATTACH DATABASE ?1 AS till", [till.to_str().unwrap()])
        .unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         INSERT INTO main.journal SELECT * FROM till.journal WHERE chain = 'T01';
         INSERT INTO main.tickets SELECT * FROM till.tickets WHERE till = 'T01';
         INSERT INTO main.ticket_lines SELECT * FROM till.ticket_lines;
         INSERT INTO main.payments SELECT * FROM till.payments;
         INSERT INTO main.shares SELECT * FROM till.shares;
         COMMIT;
         DETACH DATABASE till;",
    )
    .unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, TICKETS as i64);
}

fn benches(c: &mut Criterion) {
    let s = setup();
    let mut g = c.benchmark_group("sync_100k");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    g.bench_function("export", |b| {
        b.iter_batched(
            || fresh(&s.dir, "bundle"),
            |out| {
                souk::sync::export(&s.till, &out, Some("T01"), false).unwrap();
                std::fs::remove_file(out).unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("baseline_vacuum_into", |b| {
        b.iter_batched(
            || fresh(&s.dir, "copy"),
            |out| {
                let sql = format!("VACUUM INTO '{}'", out.display());
                s.till.conn().execute_batch(&sql).unwrap();
                std::fs::File::open(&out).unwrap().sync_all().unwrap();
                std::fs::remove_file(out).unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("baseline_read_rows", |b| b.iter(|| read_rows(&s.till)));
    g.bench_function("merge_into_empty", |b| {
        b.iter_batched(
            || organiser_copy(&s),
            |mut db| {
                let m = souk::sync::merge(&mut db, std::slice::from_ref(&s.bundle)).unwrap();
                assert_eq!(m.new_tickets(), TICKETS as u64);
                db
            },
            BatchSize::PerIteration,
        )
    });
    let till_file = s.dir.join("T01.souk");
    g.bench_function("baseline_insert_select_same_rows", |b| {
        b.iter_batched(
            || organiser_copy(&s),
            |db| {
                insert_select(&db, &till_file);
                db
            },
            BatchSize::PerIteration,
        )
    });
    let mut merged = organiser_copy(&s);
    souk::sync::merge(&mut merged, std::slice::from_ref(&s.bundle)).unwrap();
    g.bench_function("merge_again_all_known", |b| {
        b.iter(|| {
            let m = souk::sync::merge(&mut merged, std::slice::from_ref(&s.bundle)).unwrap();
            assert_eq!(m.new_entries(), 0);
        })
    });
    g.finish();
}

criterion_group!(sync, benches);
criterion_main!(sync);
