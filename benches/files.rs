//! Opening and backing up a market as it grows, each against its baseline in the same run, on the same file:
//! - open: `Db::open` (writer: lock, schema check, no full-file check after a clean exit) and `Db::open_read`
//!   of a large market, against the same on an empty market (contract: within 1.5×); the former open, which ran
//!   `PRAGMA quick_check` every time, is kept as a secondary reference.
//! - backup: `Db::backup_with` (backup API in one step, `integrity_check` of the copy, fsync, rename), against
//!   what the sqlite3 shell's `.backup` does (100 pages per step, no pause) followed by `PRAGMA
//!   integrity_check` on the copy and an fsync, done with rusqlite directly (contract: within 1.5×).
//!
//! - pin: one argon2id PIN check (what login and approvals cost) with souk's parameters, against the argon2
//!   crate's defaults and heavier candidates: the parameters are the strongest that keep a check under 0.5 s.
//!
//! Figures of 2026-11-27 (2 cores shared with five other builds, load 10–15: ratios, not times):
//! - open, 1M lines (400 MB) vs empty: writer 1.00 ms vs 1.01 ms (1.0×), read-only 0.64 ms vs 1.02 ms; the former
//!   open with quick_check 1.60 s. At 200k lines: 0.89 ms vs 1.00 ms (a first run gave 1.52 vs 0.98: noise).
//! - backup: 1M lines 14.4 s vs baseline 16.7 s (0.86×); 200k lines 2.62 s vs 2.40 s (1.09×). Peak RSS of
//!   `souk backup` at 1M: 17 MB.
//! - pin (under the same load): crate defaults 19 MiB × 2 47 ms, 64 MiB × 3 328 ms, 128 MiB × 3 1.02 s,
//!   256 MiB × 2 1.36 s: souk takes 64 MiB × 3.
//!
//! Database: SOUK_BENCH_LINES sale lines (default 200,000; the settlement bench's 1M if asked), built once
//! under target/bench-data/.
use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::Connection;
use rust_decimal::Decimal;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod};
use souk::files::OutRules;
use souk::import::{Kind, import_bytes};
use souk::storage::tickets::{SaleContext, insert_ticket};
use souk::storage::{Clock, Db, catalogue};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn market(path: &Path) -> Db {
    let mut db = Db::create(path).unwrap();
    catalogue::insert_market(db.conn(), &souk::demo::market(), "2025-08-06T08:00:00Z").unwrap();
    let mut ex = String::from("code,name,kind,ice,phone,commission_rate,stall_fee,phases\n");
    let mut pr = String::from("exhibitor_code,code,barcode,name_fr,name_ar,unit,price,vat_rate\n");
    for e in 1..=320 {
        let _ = writeln!(ex, "E{e:03},Coopérative {e},cooperative,,,0.05,150.00,1");
        for p in 1..=5 {
            let _ = writeln!(
                pr,
                "E{e:03},E{e:03}-{p},,Produit {p},,piece,{}.50,0",
                10 + p
            );
        }
    }
    let files: [(Kind, &[u8]); 4] = [
        (
            Kind::Phases,
            b"number,name,starts,ends\n1,Phase 1,2025-08-06,2025-08-19\n",
        ),
        (
            Kind::Tills,
            b"id,name,collector\nT01,A,organiser\nT02,B,organiser\nT03,C,exhibitor\n",
        ),
        (Kind::Exhibitors, ex.as_bytes()),
        (Kind::Products, pr.as_bytes()),
    ];
    for (kind, bytes) in files {
        import_bytes(&mut db, kind, "bench.csv", bytes, "bench").unwrap();
    }
    db
}

fn build(path: &Path, lines: usize) {
    let mut db = market(path);
    let products = catalogue::products(db.conn()).unwrap();
    let clock = Clock::market().unwrap();
    let tx = db.write_tx().unwrap();
    let (mut done, mut x) = (0usize, 0x2545_f491_4f6c_dd1du64);
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    while done < lines {
        let n = 1 + next(5);
        let drafts: Vec<LineDraft> = (0..n)
            .map(|_| {
                let p = &products[next(products.len())];
                LineDraft {
                    product_code: Some(p.code.clone()),
                    exhibitor_code: p.exhibitor_code.clone(),
                    name_fr: p.name_fr.clone(),
                    name_ar: None,
                    unit: p.unit,
                    quantity: Decimal::from(1 + next(3)),
                    unit_price: p.price,
                    discount: Decimal::ZERO,
                    vat_rate: p.vat_rate,
                }
            })
            .collect();
        done += n;
        let total: Decimal = drafts.iter().map(|l| l.total()).sum();
        let pay = [PaymentDraft::new(PaymentMethod::ALL[next(4)], total)];
        let sale = build_sale(&drafts, Decimal::ZERO, &pay, None).unwrap();
        let day = jiff::civil::date(2025, 8, 6 + next(14) as i8);
        let ctx = SaleContext {
            till: ["T01", "T02", "T03"][next(3)].into(),
            cashier: "bench".into(),
            shift: None,
            at: clock.at_local(day.at(9 + next(10) as i8, 0, 0, 0)).unwrap(),
            manual: false,
            ticket_ref: None,
            approver: None,
        };
        insert_ticket(&tx, &ctx, &sale, souk::domain::TicketKind::Sale, None).unwrap();
    }
    tx.commit().unwrap();
}

fn databases() -> (PathBuf, PathBuf, PathBuf) {
    let lines: usize = std::env::var("SOUK_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let big = if lines == 1_000_000 && dir.join("settlement-1m.db").exists() {
        dir.join("settlement-1m.db")
    } else {
        dir.join(format!("files-{lines}.db"))
    };
    if !big.exists() {
        build(&big, lines);
    }
    let empty = dir.join("files-empty.db");
    if !empty.exists() {
        drop(market(&empty));
    }
    let scratch = dir.join("files-scratch");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    (big, empty, scratch)
}

fn bench_open(c: &mut Criterion, big: &Path, empty: &Path) {
    let mut g = c.benchmark_group("open");
    g.sample_size(20);
    for (name, path) in [("large", big), ("empty", empty)] {
        g.bench_function(format!("souk_open_{name}"), |b| {
            b.iter(|| drop(Db::open(path).unwrap()))
        });
        g.bench_function(format!("souk_open_read_{name}"), |b| {
            b.iter(|| drop(Db::open_read(path).unwrap()))
        });
        g.bench_function(format!("former_open_with_quick_check_{name}"), |b| {
            b.iter(|| {
                let db = Db::open(path).unwrap();
                db.quick_check().unwrap();
            })
        });
    }
    g.finish();
}

fn shell_backup(src: &Connection, out: &Path) {
    let mut dst = Connection::open(out).unwrap();
    {
        let b = rusqlite::backup::Backup::new(src, &mut dst).unwrap();
        while b.step(100).unwrap() != rusqlite::backup::StepResult::Done {}
    }
    drop(dst);
    let c = Connection::open(out).unwrap();
    let v: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, "ok");
    drop(c);
    std::fs::File::open(out).unwrap().sync_all().unwrap();
}

fn bench_backup(c: &mut Criterion, big: &Path, scratch: &Path) {
    let db = Db::open(big).unwrap();
    let out = scratch.join("copie.db");
    let clean = |p: &Path| {
        for ext in ["", "-wal", "-shm", "-journal"] {
            let mut s = p.as_os_str().to_owned();
            s.push(ext);
            let _ = std::fs::remove_file(s);
        }
    };
    let mut g = c.benchmark_group("backup");
    g.sample_size(10);
    g.bench_function("souk_backup", |b| {
        b.iter(|| {
            clean(&out);
            db.backup_with(&out, &OutRules::new(db.path(), false), |_| Ok(()))
                .unwrap();
        })
    });
    g.bench_function("baseline_shell_backup_integrity_check_fsync", |b| {
        b.iter(|| {
            clean(&out);
            shell_backup(db.conn(), &out);
        })
    });
    g.finish();
    clean(&out);
}

fn bench_pin(c: &mut Criterion) {
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};
    let salt = SaltString::encode_b64(b"souk-bench-salt!").unwrap();
    let mut g = c.benchmark_group("pin");
    g.sample_size(10);
    let souk_hash = souk::storage::people::hash_pin("482913").unwrap();
    g.bench_function("souk_pin_check", |b| {
        let h = PasswordHash::new(&souk_hash).unwrap();
        b.iter(|| Argon2::default().verify_password(b"482913", &h).unwrap())
    });
    for (m, t) in [
        (19 * 1024, 2),
        (64 * 1024, 3),
        (128 * 1024, 3),
        (256 * 1024, 2),
    ] {
        let a = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(m, t, 1, None).unwrap(),
        );
        let hash = a.hash_password(b"482913", &salt).unwrap().to_string();
        g.bench_function(format!("argon2id_m{}MiB_t{t}", m / 1024), |b| {
            let h = PasswordHash::new(&hash).unwrap();
            b.iter(|| a.verify_password(b"482913", &h).unwrap())
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    if std::env::var_os("SOUK_BENCH_PIN_ONLY").is_some() {
        return bench_pin(c);
    }
    bench_pin(c);
    let (big, empty, scratch) = databases();
    bench_open(c, &big, &empty);
    bench_backup(c, &big, &scratch);
}

criterion_group!(files, benches);
criterion_main!(files);
