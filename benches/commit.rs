//! One durable sale (3 lines of 3 exhibitors, 1 payment) through souk's `commit_sale`, in the same run and on
//! the same disk as its baselines.
//!
//! Baseline (the ratio that counts): `baseline_same_9_rows_same_schema`, the rows souk writes for that sale
//! (the ticket, 3 lines, 1 payment, 3 shares and the journal entry) inserted with cached statements into the
//! same schema with the same indexes and triggers, same pragmas (WAL, synchronous=FULL), one transaction:
//! what is left of the ratio is souk's numbering, checks, canonical encoding and hashing.
//!
//! Secondary reference, kept from earlier runs: `raw_rusqlite_5_rows_3_plain_tables`, a ticket, 3 lines and
//! a payment into three tables without secondary indexes (it writes less than souk does: not a baseline).
use criterion::{Criterion, criterion_group, criterion_main};
use souk::storage::Db;

#[path = "support/sale.rs"]
mod sale;

fn sample_db(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("bench.db");
    sale::sample_market(&path);
    path
}

fn bench_commit(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_db(dir.path());
    let mut db = Db::open(&path).unwrap();
    let (settled, ctx) = sale::three_line_sale();
    let mut g = c.benchmark_group("commit");
    g.bench_function("souk_commit_sale", |b| {
        b.iter(|| db.commit_sale(&ctx, &settled).unwrap())
    });
    // A sale and its receipt's print job: as it was (the job in a second transaction after the sale, two
    // syncs) and as the till does it now (the job inside the sale's transaction, one sync). Both render the
    // same receipt.
    let mut sink = souk::tui::MemorySink::default();
    g.bench_function("sale_then_job_two_transactions", |b| {
        b.iter(|| {
            let t = db.commit_sale(&ctx, &settled).unwrap();
            souk::documents::sink::queue_receipt(db.conn(), &t, &mut sink).unwrap();
            sink.sales.clear();
        })
    });
    g.bench_function("sale_with_job_one_transaction", |b| {
        b.iter(|| {
            db.commit_sale_with(&ctx, &settled, |tx, t| {
                souk::documents::sink::queue_receipt(tx, t, &mut sink)
            })
            .unwrap();
            sink.sales.clear();
        })
    });

    let raw_path = dir.path().join("raw.db");
    let raw = rusqlite::Connection::open(&raw_path).unwrap();
    souk::storage::configure(&raw).unwrap();
    raw.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, till TEXT, at TEXT, cashier TEXT, total INTEGER);
         CREATE TABLE l (t INTEGER, n INTEGER, product TEXT, name TEXT, qty INTEGER, price INTEGER, total INTEGER, PRIMARY KEY (t, n)) WITHOUT ROWID;
         CREATE TABLE p (t INTEGER, n INTEGER, method TEXT, amount INTEGER, PRIMARY KEY (t, n)) WITHOUT ROWID;",
    )
    .unwrap();
    let mut n: i64 = 0;
    g.bench_function("raw_rusqlite_5_rows_3_plain_tables", |b| {
        b.iter(|| {
            n += 1;
            let tx = raw.unchecked_transaction().unwrap();
            tx.prepare_cached(
                "INSERT INTO t VALUES (?1, 'T01', '2025-08-07T10:00:00Z', 'bench', 31399)",
            )
            .unwrap()
            .execute([n])
            .unwrap();
            for (i, code) in ["E001-01", "E002-04", "E003-01"].iter().enumerate() {
                tx.prepare_cached("INSERT INTO l VALUES (?1, ?2, ?3, 'Produit', 1000, 4999, 9998)")
                    .unwrap()
                    .execute(rusqlite::params![n, i as i64, code])
                    .unwrap();
            }
            tx.prepare_cached("INSERT INTO p VALUES (?1, 1, 'cash', 31399)")
                .unwrap()
                .execute([n])
                .unwrap();
            tx.commit().unwrap();
        })
    });

    let same_dir = tempfile::tempdir().unwrap();
    let same_path = sample_db(same_dir.path());
    let same = rusqlite::Connection::open(&same_path).unwrap();
    souk::storage::configure(&same).unwrap();
    let mut k: i64 = 0;
    g.bench_function("baseline_same_9_rows_same_schema", |b| {
        b.iter(|| {
            k += 1;
            same_schema_rows(&same, k);
        })
    });
    g.finish();
}

fn same_schema_rows(conn: &rusqlite::Connection, k: i64) {
    use rusqlite::params;
    let id = format!("T01-{k:06}");
    let tx = conn.unchecked_transaction().unwrap();
    let hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    tx.prepare_cached(
        "INSERT INTO journal (chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, amount,
         grand_total, prev_hash, hash) VALUES ('T01', ?1, '2025-08-07T10:00:00Z', 60, 'sale', 'bench', '', ?2, ?3,
         31399, ?4, ?3, ?3)",
    )
    .unwrap()
    .execute(params![k, id, hash, k * 31399])
    .unwrap();
    tx.prepare_cached(
        "INSERT INTO tickets (id, chain, till, number, kind, refund_of, at_utc, utc_offset, local_date, phase,
         cashier, shift, manual, ticket_ref, total, rounding, journal_seq) VALUES (?1, 'T01', 'T01', ?2, 'sale', NULL,
         '2025-08-07T10:00:00Z', 60, '2025-08-07', 1, 'bench', NULL, 0, NULL, 31399, 0, ?2)",
    )
    .unwrap()
    .execute(params![id, k])
    .unwrap();
    for (i, (code, ex)) in [
        ("E001-01", "E001"),
        ("E002-04", "E002"),
        ("E003-01", "E003"),
    ]
    .iter()
    .enumerate()
    {
        tx.prepare_cached(
            "INSERT INTO ticket_lines (ticket_id, line_no, product_code, exhibitor_code, name_fr, name_ar, unit,
             quantity, unit_price, discount, vat_rate, total, refund_of_line)
             VALUES (?1, ?2, ?3, ?4, 'Produit', 'عسل', 'kg', 1000, 4999, 0, '0', 4999, NULL)",
        )
        .unwrap()
        .execute(params![id, i as i64 + 1, code, ex])
        .unwrap();
        tx.prepare_cached(
            "INSERT INTO shares (ticket_id, exhibitor_code, phase, local_date, till, collector, is_refund, net,
             cash, card, mobile, other) VALUES (?1, ?2, 1, '2025-08-07', 'T01', 'organiser', 0, 4999, 4999, 0, 0, 0)",
        )
        .unwrap()
        .execute(params![id, ex])
        .unwrap();
    }
    tx.prepare_cached(
        "INSERT INTO payments (ticket_id, pos, method, amount, tendered, change, reference)
         VALUES (?1, 1, 'cash', 31399, NULL, 0, NULL)",
    )
    .unwrap()
    .execute(params![id])
    .unwrap();
    tx.commit().unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(200).measurement_time(std::time::Duration::from_secs(8));
    targets = bench_commit
}
criterion_main!(benches);
