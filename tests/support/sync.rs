//! A market built through the library: an organiser database copied to three till laptops that sell.
#![allow(dead_code)]
use rusqlite::types::Value;
use rust_decimal::Decimal;
use rust_decimal::dec;
use souk::domain::JournalKind;
use souk::domain::sale::build_sale;
use souk::domain::{
    Collector, Exhibitor, LineDraft, Market, PaymentDraft, PaymentMethod, Phase, Product, Till,
    Unit,
};
use souk::storage::journal::{self, NewEntry};
use souk::storage::tickets::{SaleContext, load_ticket};
use souk::storage::{Clock, Db, LocalTime, ORG_CHAIN, catalogue};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const UUID: &str = "0190f1a2-0000-7000-8000-00000000a001";

pub fn at(day: u8, hour: i8, minute: i8) -> LocalTime {
    let local = jiff::civil::date(2025, 7, day as i8).at(hour, minute, 0, 0);
    Clock::market().unwrap().at_local(local).unwrap()
}

/// An organiser database with one phase, three tills, three exhibitors and their products.
pub fn market(path: &Path, uuid: &str, name: &str) -> Db {
    let mut db = Db::create(path).unwrap();
    let tx = db.write_tx().unwrap();
    let m = Market {
        uuid: uuid.into(),
        name: name.into(),
        organiser: "Conseil régional Fès-Meknès".into(),
        city: "Ifrane".into(),
        currency: "MAD".into(),
        timezone: "Africa/Casablanca".into(),
        cash_rounding: None,
    };
    catalogue::insert_market(&tx, &m, "2025-06-30T08:00:00Z").unwrap();
    let phase = Phase {
        number: 1,
        name: "Phase 1".into(),
        starts: jiff::civil::date(2025, 7, 1),
        ends: jiff::civil::date(2025, 7, 10),
        closed: false,
    };
    catalogue::upsert_phase(&tx, &phase).unwrap();
    for (id, collector) in [
        ("T01", Collector::Organiser),
        ("T02", Collector::Organiser),
        ("T03", Collector::Exhibitor),
    ] {
        let t = Till {
            id: id.into(),
            name: format!("Caisse {id}"),
            collector,
        };
        catalogue::upsert_till(&tx, &t).unwrap();
    }
    for (i, (code, ex_name)) in [
        ("E01", "Coopérative Tighanimine"),
        ("E02", "Association Amal"),
        ("E03", "GIE Atlas"),
    ]
    .into_iter()
    .enumerate()
    {
        catalogue::upsert_exhibitor(&tx, &exhibitor(code, ex_name, i)).unwrap();
        for (j, (pname, price, unit)) in [
            ("Huile d'argan 250 ml", dec!(120), Unit::Piece),
            ("Miel de thym", dec!(180.50), Unit::Kg),
            ("Amlou | pot", dec!(65), Unit::Piece),
        ]
        .into_iter()
        .enumerate()
        {
            let p = Product {
                code: format!("{code}-P{j}"),
                exhibitor_code: code.into(),
                barcode: None,
                name_fr: format!("{pname} ({code})"),
                name_ar: (j == 0).then(|| "زيت أركان".to_string()),
                unit,
                price,
                vat_rate: if j == 2 { dec!(0.2) } else { Decimal::ZERO },
            };
            catalogue::upsert_product(&tx, &p).unwrap();
        }
    }
    let e = NewEntry {
        chain: ORG_CHAIN,
        kind: JournalKind::Import,
        actor: "organisateur",
        detail: "exposants.csv",
        approver: "",
        subject: "",
        amount: 0,
    };
    journal::append(&tx, &at(1, 8, 0), &e).unwrap();
    tx.commit().unwrap();
    db
}

fn exhibitor(code: &str, name: &str, i: usize) -> Exhibitor {
    Exhibitor {
        code: code.into(),
        name: name.into(),
        kind: "cooperative".into(),
        ice: None,
        phone: None,
        commission_rate: Decimal::new(5 * i as i64, 2),
        stall_fee: Decimal::new(100 * i as i64, 0),
        phases: vec![1],
        province: None,
        sector: None,
        women_led: Some(i == 0),
    }
}

/// A till laptop: a backup copy of the organiser's database.
pub fn laptop(master: &Db, path: &Path) -> Db {
    master.backup_to(path).unwrap();
    Db::open(path).unwrap()
}

pub fn ctx(till: &str, at: LocalTime) -> SaleContext {
    SaleContext {
        till: till.into(),
        cashier: "Amina".into(),
        shift: Some(format!("{till}-S1")),
        at,
        manual: false,
        ticket_ref: None,
        approver: None,
    }
}

/// `n` sales on a till (after a login), varied exhibitors, quantities and payment splits.
pub fn sell(db: &mut Db, till: &str, day: u8, n: usize, seed: usize) {
    let login = NewEntry {
        chain: till,
        kind: JournalKind::Login,
        actor: "Amina",
        approver: "",
        subject: "",
        detail: "",
        amount: 0,
    };
    db.journal_event(&at(day, 9, 0), &login).unwrap();
    let products = catalogue::products(db.conn()).unwrap();
    for k in 0..n {
        let a = &products[(seed + k) % products.len()];
        let b = &products[(seed * 3 + k * 5 + 1) % products.len()];
        let drafts = vec![
            draft(a, dec!(1)),
            draft(b, Decimal::new(1250 + k as i64, 3)),
        ];
        let total: Decimal = drafts.iter().map(|d| d.total()).sum();
        let payments = if k % 3 == 0 {
            let card = (total / dec!(3)).round_dp(2);
            vec![
                PaymentDraft::new(PaymentMethod::Card, card),
                PaymentDraft::new(PaymentMethod::Cash, total - card),
            ]
        } else {
            vec![PaymentDraft::new(PaymentMethod::Mobile, total)]
        };
        let settled = build_sale(&drafts, Decimal::ZERO, &payments, None).unwrap();
        let when = at(day, 10 + (k / 60) as i8, (k % 60) as i8);
        db.commit_sale(&ctx(till, when), &settled).unwrap();
    }
}

pub fn draft(p: &Product, qty: Decimal) -> LineDraft {
    let quantity = if p.unit == Unit::Piece {
        qty.ceil()
    } else {
        qty
    };
    LineDraft {
        product_code: Some(p.code.clone()),
        exhibitor_code: p.exhibitor_code.clone(),
        name_fr: p.name_fr.clone(),
        name_ar: p.name_ar.clone(),
        unit: p.unit,
        quantity,
        unit_price: p.price,
        discount: Decimal::ZERO,
        vat_rate: p.vat_rate,
    }
}

/// Refunds line 1 of a ticket in full, in cash.
pub fn refund(db: &mut Db, till: &str, original: &str, day: u8) {
    let orig = load_ticket(db.conn(), original).unwrap().unwrap();
    let line = &orig.lines[0];
    let payout = PaymentDraft::new(PaymentMethod::Cash, line.total);
    db.refund(
        &ctx(till, at(day, 18, 0)),
        original,
        &[(1, line.quantity)],
        &[payout],
    )
    .unwrap();
}

/// Every row of every table, sorted: two databases with equal dumps hold the same data.
pub fn dump(db: &Db) -> BTreeMap<String, Vec<String>> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| (t.clone(), rows(db, &format!("SELECT * FROM {t}"))))
        .collect()
}

pub fn rows(db: &Db, sql: &str) -> Vec<String> {
    let mut stmt = db.conn().prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut out: Vec<String> = stmt
        .query_map([], |r| {
            let vals: Vec<Value> = (0..n).map(|i| r.get(i).unwrap()).collect();
            Ok(format!("{vals:?}"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.sort();
    out
}

/// The consolidated sales: till journals, ticket rows, shares and the settlement sums.
pub fn sales_state(db: &Db) -> String {
    let mut s = String::new();
    for sql in [
        "SELECT * FROM journal WHERE chain <> 'ORG'",
        "SELECT * FROM tickets",
        "SELECT * FROM ticket_lines",
        "SELECT * FROM payments",
        "SELECT * FROM shares",
    ] {
        s.push_str(&rows(db, sql).join("\n"));
        s.push('\n');
    }
    let sums = souk::storage::settlement::phase_sums(db.conn(), 1).unwrap();
    s.push_str(&format!("{sums:?}"));
    s
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub master: Db,
    pub bundles: Vec<PathBuf>,
}

impl Fixture {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A fresh copy of the organiser's database as it was before any merge.
    pub fn organiser(&self, name: &str) -> Db {
        laptop(&self.master, &self.path(name))
    }
}

/// Three tills sell (T02 also refunds, T03 also journals an import on its own ORG) and export bundles.
pub fn three_tills() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let master = market(&dir.path().join("master.souk"), UUID, "Salon Ifrane 2025");
    let mut bundles = Vec::new();
    for (i, till) in ["T01", "T02", "T03"].into_iter().enumerate() {
        let mut db = laptop(&master, &dir.path().join(format!("{till}.souk")));
        sell(&mut db, till, 2 + i as u8, 12 + 3 * i, i);
        if till == "T02" {
            refund(&mut db, till, "T02-000002", 4);
        }
        if till == "T03" {
            let e = NewEntry {
                chain: ORG_CHAIN,
                kind: JournalKind::Import,
                actor: "Amina",
                detail: "ventes-papier.csv",
                approver: "",
                subject: "",
                amount: 0,
            };
            db.journal_event(&at(4, 19, 0), &e).unwrap();
        }
        let out = dir.path().join(format!("{till}.bundle"));
        souk::sync::export(&db, &out, None, false).unwrap();
        bundles.push(out);
    }
    Fixture {
        dir,
        master,
        bundles,
    }
}

/// A bundle's text: decompressed if it was written through zstd (as `export` does), else as it is.
pub fn bundle_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let text = if bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        zstd::decode_all(&bytes[..]).unwrap()
    } else {
        bytes
    };
    String::from_utf8(text).unwrap()
}

/// Writes a bundle's text compressed, as `export` does.
pub fn write_bundle(path: &Path, text: &str) {
    std::fs::write(path, zstd::encode_all(text.as_bytes(), 3).unwrap()).unwrap();
}

/// Merges one bundle that must be refused: the database is left as it was; the refusal, typed.
pub fn refused_bundle(db: &mut Db, file: &Path) -> souk::sync::SyncError {
    let before = dump(db);
    let err = souk::sync::merge(db, &[file.to_path_buf()]).expect_err("the bundle must be refused");
    assert_eq!(dump(db), before, "a refused merge changes nothing");
    let text = err.to_string();
    err.downcast::<souk::sync::SyncError>()
        .unwrap_or_else(|e| panic!("not a SyncError: {text} / {e}"))
}

/// One till that sold `tickets` sales, exported, and the organiser's master it came from.
pub struct OneTill {
    pub dir: tempfile::TempDir,
    pub master: Db,
    pub till: Db,
    pub bundle: PathBuf,
    /// The bundle's text.
    pub text: String,
}

impl OneTill {
    pub fn new(tickets: usize) -> OneTill {
        let dir = tempfile::tempdir().unwrap();
        let master = market(&dir.path().join("master.souk"), UUID, "Salon Ifrane 2025");
        let mut till = laptop(&master, &dir.path().join("T01.souk"));
        sell(&mut till, "T01", 2, tickets, 0);
        let bundle = dir.path().join("T01.bundle");
        souk::sync::export(&till, &bundle, None, false).unwrap();
        let text = bundle_text(&bundle);
        OneTill {
            dir,
            master,
            till,
            bundle,
            text,
        }
    }

    /// An organiser's database before any merge.
    pub fn organiser(&self, name: &str) -> Db {
        laptop(&self.master, &self.dir.path().join(name))
    }

    /// The bundle with its last ticket's time edited (its text no longer matches its entry): refused only after
    /// every other ticket was read and written.
    pub fn last_ticket_edited(&self, name: &str) -> PathBuf {
        self.variant(
            name,
            |body| {
                let at = body.rfind("\"t\":\"ticket\"").unwrap();
                let (head, tail) = body.split_at(at);
                format!("{head}{}", tail.replacen(":00Z|", ":01Z|", 1))
            },
            None,
        )
    }

    /// The bundle with `edit` applied to its body and the checksum put back, compressed, cut to `keep` of its
    /// compressed bytes when given.
    pub fn variant(&self, name: &str, edit: impl Fn(&str) -> String, keep: Option<f64>) -> PathBuf {
        let body_end = self.text.trim_end().rfind('\n').unwrap() + 1;
        let body = edit(&self.text[..body_end]);
        let text = format!(
            "{body}SHA256 {}\n",
            souk::domain::canonical::sha256_hex(body.as_bytes())
        );
        let bytes = zstd::encode_all(text.as_bytes(), 3).unwrap();
        let len = keep.map_or(bytes.len(), |k| (bytes.len() as f64 * k) as usize);
        let path = self.dir.path().join(name);
        std::fs::write(&path, &bytes[..len]).unwrap();
        path
    }
}
