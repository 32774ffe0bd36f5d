//! One durable sale (3 lines + 1 payment) through souk, against raw rusqlite inserting the same rows with the
//! same pragmas, in the same run and on the same disk.
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Unit};
use souk::storage::tickets::SaleContext;
use souk::storage::{Clock, Db};

fn sample_db(dir: &std::path::Path) -> std::path::PathBuf {
    let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ifrane-small");
    let path = dir.join("bench.db");
    let mut db = Db::create(&path).unwrap();
    let m = souk::demo::market();
    souk::storage::catalogue::insert_market(db.conn(), &m, "2025-08-06T08:00:00Z").unwrap();
    for k in ["phases", "tills", "exhibitors", "products"] {
        let kind = k.parse().unwrap();
        souk::import::import_file(&mut db, kind, &fx.join(format!("{k}.csv")), "bench").unwrap();
    }
    path
}

fn line(code: &str, ex: &str, qty: Decimal, price: i64) -> LineDraft {
    LineDraft {
        product_code: Some(code.into()),
        exhibitor_code: ex.into(),
        name_fr: format!("Produit {code}"),
        name_ar: Some("عسل".into()),
        unit: Unit::Kg,
        quantity: qty,
        unit_price: Decimal::new(price, 2),
        discount: Decimal::ZERO,
        vat_rate: Decimal::ZERO,
    }
}

fn bench_commit(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_db(dir.path());
    let mut db = Db::open(&path).unwrap();
    let clock = Clock::market().unwrap();
    let lines = vec![
        line("E001-01", "E001", Decimal::new(750, 3), 18220),
        line("E002-04", "E002", Decimal::from(3), 3773),
        line("E003-01", "E003", Decimal::from(2), 4999),
    ];
    let total: Decimal = lines.iter().map(|l| l.total()).sum();
    let settled = build_sale(
        &lines,
        Decimal::ZERO,
        &[PaymentDraft::new(PaymentMethod::Cash, total)],
        None,
    )
    .unwrap();
    let ctx = SaleContext {
        till: "T01".into(),
        cashier: "bench".into(),
        shift: None,
        at: clock
            .at_local("2025-08-07T11:00:00".parse().unwrap())
            .unwrap(),
        manual: false,
        ticket_ref: None,
        approver: None,
    };
    let mut g = c.benchmark_group("commit");
    g.bench_function("souk_commit_sale", |b| {
        b.iter(|| db.commit_sale(&ctx, &settled).unwrap())
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
    g.bench_function("raw_rusqlite_same_rows", |b| {
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
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(200).measurement_time(std::time::Duration::from_secs(8));
    targets = bench_commit
}
criterion_main!(benches);
