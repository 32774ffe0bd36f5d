//! `souk verify` on the settlement bench's market (1,000,000 lines, about 333,000 tickets and journal entries,
//! benches/support/market_1m.rs), in one run on the same file.
//!
//! Baselines (the ratios that count):
//! - `floor_rust_scan_same_sha256`: the least work that checks the same hashes: every row of the journal,
//!   tickets, lines, payments and shares read once in key order, the same canonical bytes written straight from
//!   the columns (no decimals, no normalisation), one SHA-256 per journal entry and one per ticket. It proves
//!   it hashed the same bytes: its entry hashes must equal the stored ones, and the XOR of its ticket hashes
//!   the XOR of the journal's ticket details.
//! - `sqlite_integrity_check`: SQLite's own `PRAGMA integrity_check` of the file.
//!
//! Against them: `souk_verify` (storage::verify::verify: chains, signatures, tickets, shares, numbering, with
//! hashing on a second thread while the first reads), the database already open. Secondary:
//! `souk_verify_two_threads`, the same called explicitly. 2026-11-28, with `yes` keeping one of the 2 cores
//! busy: floor 1.37 s, souk_verify 1.80 s and 1.91 s (1.31–1.39×); idle, one thread took 2.17 s, two 1.98 s.
//!
//! The market's till chains were written by the organiser's database itself, so they carry no signature;
//! on a real organiser's database every merged till entry is signed and `verify` checks one Ed25519
//! signature per entry, 1024 at a time (batch verification). `ed25519_verify_1000_entries` measures the cost
//! of checking them one by one (×1000); the growth bench's signed rows measure verify on the signed market.
#[path = "support/market_1m.rs"]
mod market_1m;
#[path = "support/verify_floor.rs"]
mod verify_floor;

use criterion::{Criterion, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use souk::storage::Db;
use souk::storage::verify::{Threads, verify_with};
use verify_floor::{floor, hex, integrity_check};

fn bench_verify(c: &mut Criterion) {
    let db = Db::open(&market_1m::path()).unwrap();
    let v = souk::storage::verify::verify(db.conn()).unwrap();
    assert!(v.ok() && v.tickets > 300_000, "{:?}", v.breaks.first());
    assert_eq!(floor(db.conn()), v.entries + v.tickets);
    let mut g = c.benchmark_group("verify_1m_lines");
    g.sample_size(10);
    g.bench_function("floor_rust_scan_same_sha256", |b| {
        b.iter(|| floor(db.conn()))
    });
    g.bench_function("sqlite_integrity_check", |b| {
        b.iter(|| assert_eq!(integrity_check(db.conn()), "ok"))
    });
    g.bench_function("souk_verify", |b| {
        b.iter(|| souk::storage::verify::verify(db.conn()).unwrap())
    });
    g.bench_function("souk_verify_two_threads", |b| {
        b.iter(|| verify_with(db.conn(), Threads::Two).unwrap())
    });
    g.finish();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let signed: Vec<(String, ed25519_dalek::Signature)> = (0..1000)
        .map(|i| {
            let hash = hex(&Sha256::digest(format!("entry {i}").as_bytes()));
            let sig = ed25519_dalek::Signer::sign(&key, hash.as_bytes());
            (hash, sig)
        })
        .collect();
    let public = key.verifying_key();
    c.bench_function("ed25519_verify_1000_entries", |b| {
        b.iter(|| {
            signed
                .iter()
                .filter(|(h, s)| ed25519_dalek::Verifier::verify(&public, h.as_bytes(), s).is_ok())
                .count()
        })
    });
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
