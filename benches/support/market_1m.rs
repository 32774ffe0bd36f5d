//! The settlement bench's market, shared by the benches that need a large one: 320 exhibitors, one phase of
//! 14 days, three tills, 1,000,000 sale lines (about 333,000 tickets, 1–5 lines each, one payment method
//! each), built once through souk's own commit code and kept under target/bench-data/.
//!
//! Its tills sign nothing (the database's own key is ORG's), so a merge of its bundles checks no signature. The
//! signed variant ([`signed_path_with`], `settlement-signed-*.db`) holds the same tickets, each till's entries
//! signed by that till's own Ed25519 key (a fixed seed per till: reproducible), the three public keys registered
//! in it; [`signed_organiser`] is the organiser's market before any sale with those keys registered as
//! provisioning registers them, so that merging its bundles checks one signature per till entry, as at a market.
use rust_decimal::Decimal;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Product};
use souk::import::{Kind, import_bytes};
use souk::storage::keys::{self, Signer};
use souk::storage::tickets::{Batch, SaleContext, insert_ticket};
use souk::storage::{Clock, Db, catalogue, identity};
use std::fmt::Write;
use std::path::PathBuf;

/// The database, built on first use.
#[allow(dead_code)]
pub fn path() -> PathBuf {
    path_with(LINES)
}

/// The same market with its first `lines` sale lines (the same tickets as the 1M one's first), built on first
/// use; 0 gives the organiser's market before any sale (same uuid, catalogue, tills and phase).
pub fn path_with(lines: usize) -> PathBuf {
    built(lines, false)
}

/// The same market as [`path_with`]'s, the same tickets, each till's entries signed by its own key
/// ([`till_signer`]); built on first use.
#[allow(dead_code)]
pub fn signed_path_with(lines: usize) -> PathBuf {
    built(lines, true)
}

/// The organiser's market before any sale (the 0-line market) with the three tills provisioned: each till's
/// public key registered from its first entry, the provisioning journalled on ORG. What merges the signed
/// market's bundles; built on first use.
#[allow(dead_code)]
pub fn signed_organiser() -> PathBuf {
    let path = dir().join("bundles-template-signed.db");
    if !path.exists() {
        let tmp = dir().join("bundles-template-signed.db.building");
        remove_db(&tmp);
        Db::open(&path_with(0)).unwrap().backup_to(&tmp).unwrap();
        let mut db = Db::open(&tmp).unwrap();
        let at = Clock::market()
            .unwrap()
            .at_local(jiff::civil::date(2025, 8, 5).at(18, 0, 0, 0))
            .unwrap();
        for till in TILLS {
            let public = till_signer(till).public_key().unwrap();
            let file = format!("caisse-{till}.db");
            identity::record_provision(&mut db, till, &file, &public, "bench", &at).unwrap();
        }
        drop(db);
        std::fs::rename(&tmp, &path).unwrap();
        remove_db(&tmp);
    }
    path
}

/// The key till `till` signs with in the signed market (its seed is fixed: the bundles are reproducible).
pub fn till_signer(till: &str) -> Signer {
    use sha2::Digest;
    let seed = sha2::Sha256::digest(format!("souk bench till {till}").as_bytes());
    Signer::from_seed(till, seed.into())
}

fn dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn remove_db(p: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", ".lock", ".heads"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

fn built(lines: usize, signed: bool) -> PathBuf {
    let dir = dir();
    let size = if lines == LINES {
        "1m".to_string()
    } else {
        lines.to_string()
    };
    let name = if signed {
        format!("settlement-signed-{size}.db")
    } else {
        format!("settlement-{size}.db")
    };
    let path = dir.join(&name);
    if !path.exists() {
        let started = std::time::Instant::now();
        let tmp = dir.join(format!("{name}.building"));
        let _ = std::fs::remove_file(&tmp);
        build(&tmp, lines, signed);
        std::fs::rename(&tmp, &path).unwrap();
        let _ = std::fs::remove_file(dir.join(format!("{name}.building.lock")));
        eprintln!("built {} in {:.0?}", path.display(), started.elapsed());
    }
    path
}

const EXHIBITORS: usize = 320;
const LINES: usize = 1_000_000;
const TILLS: [&str; 3] = ["T01", "T02", "T03"];

fn build(path: &std::path::Path, wanted: usize, signed: bool) {
    let mut db = Db::create(path).unwrap();
    // One uuid for every size: the smaller markets and the empty one are the same market's.
    let market = souk::domain::Market {
        uuid: "0190f1a2-0000-7000-8000-0000000b1e00".into(),
        ..souk::demo::market()
    };
    catalogue::insert_market(db.conn(), &market, "2025-08-06T08:00:00Z").unwrap();
    let (mut ex, mut pr) = (
        String::from("code,name,kind,ice,phone,commission_rate,stall_fee,phases\n"),
        String::from("exhibitor_code,code,barcode,name_fr,name_ar,unit,price,vat_rate\n"),
    );
    for e in 1..=EXHIBITORS {
        let _ = writeln!(ex, "E{e:03},Coopérative {e},cooperative,,,0.05,150.00,1");
        for p in 1..=5 {
            let _ = writeln!(
                pr,
                "E{e:03},E{e:03}-{p},,Produit {p} de E{e:03},,{},{}.{:02},0",
                if p == 1 { "kg" } else { "piece" },
                10 + (e * 7 + p * 13) % 400,
                (e + p) % 100
            );
        }
    }
    import_bytes(
        &mut db,
        Kind::Phases,
        "phases.csv",
        b"number,name,starts,ends\n1,Phase 1,2025-08-06,2025-08-19\n",
        "bench",
    )
    .unwrap();
    import_bytes(
        &mut db,
        Kind::Tills,
        "tills.csv",
        b"id,name,collector\nT01,A,organiser\nT02,B,organiser\nT03,C,exhibitor\n",
        "bench",
    )
    .unwrap();
    import_bytes(&mut db, Kind::Exhibitors, "e.csv", ex.as_bytes(), "bench").unwrap();
    import_bytes(&mut db, Kind::Products, "p.csv", pr.as_bytes(), "bench").unwrap();
    let products = catalogue::products(db.conn()).unwrap();
    let clock = Clock::market().unwrap();
    let tx = db.write_tx().unwrap();
    // Signed: one batch per till, each journalling with its till's key, registered before its first entry.
    let mut signed_by: Vec<Batch> = Vec::new();
    if signed {
        for till in TILLS {
            let signer = till_signer(till);
            let public = signer.public_key().unwrap();
            keys::register(
                &tx,
                till,
                &public,
                keys::Origin::Provisioned,
                "2025-08-05T17:00:00Z",
            )
            .unwrap();
            signed_by.push(Batch::signed_by(signer));
        }
    }
    let (mut lines_done, mut x) = (0usize, 0x2545_f491_4f6c_dd1du64);
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    while lines_done < wanted {
        let n = 1 + next(5);
        let lines: Vec<LineDraft> = (0..n)
            .map(|_| draft(&products[next(products.len())], 1 + next(3)))
            .collect();
        lines_done += n;
        let total: Decimal = lines.iter().map(|l| l.total()).sum();
        let method = PaymentMethod::ALL[next(4)];
        let s = build_sale(
            &lines,
            Decimal::ZERO,
            &[PaymentDraft::new(method, total)],
            None,
        )
        .unwrap();
        let day = jiff::civil::date(2025, 8, 6 + next(14) as i8);
        let till = next(3);
        let ctx = SaleContext {
            till: TILLS[till].into(),
            cashier: "bench".into(),
            shift: None,
            at: clock.at_local(day.at(9 + next(10) as i8, 0, 0, 0)).unwrap(),
            manual: false,
            ticket_ref: None,
            approver: None,
        };
        match signed_by.get_mut(till) {
            Some(batch) => {
                let kind = souk::domain::TicketKind::Sale;
                batch.insert(&tx, &ctx.till, &ctx, &s, kind, None).unwrap();
            }
            None => {
                insert_ticket(&tx, &ctx, &s, souk::domain::TicketKind::Sale, None).unwrap();
            }
        }
    }
    for batch in &mut signed_by {
        batch.finish(&tx).unwrap();
    }
    tx.commit().unwrap();
}

fn draft(p: &Product, q: usize) -> LineDraft {
    LineDraft {
        product_code: Some(p.code.clone()),
        exhibitor_code: p.exhibitor_code.clone(),
        name_fr: p.name_fr.clone(),
        name_ar: None,
        unit: p.unit,
        quantity: Decimal::from(q),
        unit_price: p.price,
        discount: Decimal::ZERO,
        vat_rate: p.vat_rate,
    }
}
