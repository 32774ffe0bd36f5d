//! What an Ed25519 signature adds to a durable sale.
//!
//! `commit_signed`: souk's `commit_sale` on a database that signs its chain (every journal entry carries the
//! signature of its hash by the database's own key).
//! Baseline `commit_unsigned_same_rows`: the same sale committed the same way into an identical database whose
//! key is registered for another chain, so the same rows, indexes, hashing and fsync happen and only the
//! signature is left out. Also `sign_alone`: one signature with the cached key.
use criterion::{Criterion, criterion_group, criterion_main};
use souk::storage::Db;

#[path = "support/sale.rs"]
mod sale;

/// A till's database, as provisioned: it signs the chain T01 with its own key.
fn market(path: &std::path::Path) {
    sale::sample_market(path);
    let db = Db::open(path).unwrap();
    souk::storage::identity::set_till(db.conn(), "T01", "2025-08-06T08:00:00Z").unwrap();
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
    let (settled, ctx) = sale::three_line_sale();
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
