//! What an Ed25519 signature adds to a durable sale.
//!
//! `commit_signed`: souk's `commit_sale` on a database that signs its chain (every journal entry carries the
//! signature of its hash by the database's own key).
//! Baseline `commit_unsigned_same_rows`: the same sale committed the same way into an identical database whose
//! key is registered for another chain, so the same rows, indexes, hashing and fsync happen and only the
//! signature is left out. Also `sign_alone`: one signature with the cached key.
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Unit};
use souk::storage::tickets::SaleContext;
use souk::storage::{Clock, Db};

fn market(path: &std::path::Path) {
    let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ifrane-small");
    let mut db = Db::create(path).unwrap();
    let m = souk::demo::market();
    souk::storage::catalogue::insert_market(db.conn(), &m, "2025-08-06T08:00:00Z").unwrap();
    for k in ["phases", "tills", "exhibitors", "products"] {
        let kind = k.parse().unwrap();
        souk::import::import_file(&mut db, kind, &fx.join(format!("{k}.csv")), "bench").unwrap();
    }
    // A till's database, as provisioned: it signs the chain T01 with its own key.
    souk::storage::identity::set_till(db.conn(), "T01", "2025-08-06T08:00:00Z").unwrap();
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

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (signed, unsigned) = (dir.path().join("signed.db"), dir.path().join("unsigned.db"));
    market(&signed);
    market(&unsigned);
    // The baseline's key signs another chain: its sales are written unsigned, everything else alike.
    rusqlite::Connection::open(&unsigned)
        .unwrap()
        .execute("UPDATE signing_key SET chain = 'ZZZ'", [])
        .unwrap();
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
    let mut s = Db::open(&signed).unwrap();
    let mut u = Db::open(&unsigned).unwrap();
    let mut g = c.benchmark_group("signing");
    g.bench_function("commit_signed", |b| {
        b.iter(|| s.commit_sale(&ctx, &settled).unwrap())
    });
    g.bench_function("commit_unsigned_same_rows", |b| {
        b.iter(|| u.commit_sale(&ctx, &settled).unwrap())
    });
    let hash = "ab".repeat(32);
    g.bench_function("sign_alone", |b| {
        b.iter(|| souk::storage::keys::sign(s.conn(), "T01", &hash).unwrap())
    });
    g.finish();
    let signature: String = s
        .conn()
        .query_row(
            "SELECT signature FROM journal WHERE kind = 'sale' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(signature.len(), 128, "the signed database signs its sales");
    let unsigned_sig: String = u
        .conn()
        .query_row(
            "SELECT signature FROM journal WHERE kind = 'sale' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(unsigned_sig.is_empty(), "the baseline writes no signature");
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(200).measurement_time(std::time::Duration::from_secs(8));
    targets = bench
}
criterion_main!(benches);
