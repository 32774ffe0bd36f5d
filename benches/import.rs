//! Importing 20,000 products and 50,000 paper-sale lines, from CSV and from XLSX, into a market database, against
//! sqlite3's `.import` of the same CSV into a plain table (a lower bound: no checks, no journal), in the same run.
//! Also the reading alone (text or workbook to checked rows), without the database, and the floor of the ledger
//! work itself: one SHA-256 and one Ed25519 signature per paper ticket (16,667 of them), and the write floor of
//! the paper sales: `INSERT … SELECT` of the very rows the import writes into the same market (same schema).
//! The sqlite3 command-line shell is needed for the lower bound; without it that part is skipped with a message.
//!
//! Figures (2026-11-28 03:09 UTC, load ~1.8): 50,000 paper-sale lines from CSV 545 ms = 10.9× `.import` (50.2
//! ms); the write floor of the same rows 359 ms = 7.2× `.import` (the import is 1.52× its own write floor);
//! hash and sign 209 ms = 4.2×. Per table in the floor (sqlite3 shell, same rows): shares 192 ms (35 ms without
//! their two covering indexes), journal 48, lines 39, tickets 19, payments 16, commit 65–68. Loading the shares
//! in bulk as a large merge does (`storage::bulk`) made this import slower (568–593 ms): the indexes are built
//! after the last row, when the signing thread no longer overlaps the writes. From XLSX, 623 ms (03:38 UTC)
//! since the sheet is read cell by cell and grouped as it comes (720 ms when the whole sheet was read first).
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use souk::import::{Kind, import_bytes, import_bytes_with};
use souk::storage::journal::Signing;
use souk::storage::{Db, catalogue};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXHIBITORS: usize = 320;
const PRODUCTS: usize = 20_000;
const SALE_LINES: usize = 50_000;

struct Data {
    dir: tempfile::TempDir,
    products_csv: Vec<u8>,
    products_xlsx: Vec<u8>,
    sales_csv: Vec<u8>,
    sales_xlsx: Vec<u8>,
    /// A market with phases, tills and exhibitors; and the same with the products.
    empty: PathBuf,
    stocked: PathBuf,
}

fn products() -> Vec<Vec<String>> {
    (0..PRODUCTS)
        .map(|i| {
            let e = i % EXHIBITORS;
            vec![
                format!("E{e:03}"),
                format!("P{i:05}"),
                format!("611{i:010}"),
                format!("Produit {i} de la coopérative {e}"),
                "عسل".into(),
                if i.is_multiple_of(3) { "kg" } else { "piece" }.into(),
                format!("{}.{:02}", 5 + i % 500, i % 100),
                "0".into(),
            ]
        })
        .collect()
}

fn sales() -> Vec<Vec<String>> {
    (0..SALE_LINES)
        .map(|i| {
            let t = i / 3;
            let p = (i * 7919) % PRODUCTS;
            vec![
                format!("R{t:06}"),
                format!("2025-08-{:02} {:02}:{:02}", 6 + t % 5, 9 + t % 9, t % 60),
                format!("T0{}", 1 + t % 3),
                format!("P{p:05}"),
                if p.is_multiple_of(3) { "0.5" } else { "2" }.into(),
                String::new(),
                ["cash", "card", "mobile"][t % 3].into(),
            ]
        })
        .collect()
}

const PRODUCT_HEADER: [&str; 8] = [
    "exhibitor_code",
    "code",
    "barcode",
    "name_fr",
    "name_ar",
    "unit",
    "price",
    "vat_rate",
];
const SALE_HEADER: [&str; 7] = [
    "ticket_ref",
    "datetime",
    "till",
    "product_code",
    "quantity",
    "unit_price",
    "payment_method",
];

fn csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = header.join(",") + "\n";
    for r in rows {
        out += &r.join(",");
        out.push('\n');
    }
    out.into_bytes()
}

fn xlsx(header: &[&str], rows: &[Vec<String>], numeric: &[&str]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) if numeric.contains(&header[c as usize]) => {
                    ws.write_number(r, c, n).unwrap();
                }
                _ if v.is_empty() => {}
                _ => {
                    ws.write_string(r, c, v).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn market(path: &Path, with_products: Option<&[u8]>) {
    let mut db = Db::create(path).unwrap();
    catalogue::insert_market(db.conn(), &souk::demo::market(), "2025-08-06T08:00:00Z").unwrap();
    let mut ex = String::from("code,name,kind,ice,phone,commission_rate,stall_fee,phases\n");
    for e in 0..EXHIBITORS {
        let _ = writeln!(ex, "E{e:03},Coopérative {e},cooperative,,,0.05,150.00,1");
    }
    let phases = b"number,name,starts,ends\n1,Phase 1,2025-08-06,2025-08-10\n";
    let tills = b"id,name,collector\nT01,A,organiser\nT02,B,organiser\nT03,C,exhibitor\n";
    import_bytes(&mut db, Kind::Phases, "phases.csv", phases, "bench").unwrap();
    import_bytes(&mut db, Kind::Tills, "tills.csv", tills, "bench").unwrap();
    import_bytes(&mut db, Kind::Exhibitors, "e.csv", ex.as_bytes(), "bench").unwrap();
    if let Some(p) = with_products {
        import_bytes(&mut db, Kind::Products, "p.csv", p, "bench").unwrap();
    }
}

fn data() -> Data {
    let dir = tempfile::tempdir().unwrap();
    let (p, s) = (products(), sales());
    let products_csv = csv(&PRODUCT_HEADER, &p);
    let empty = dir.path().join("empty.db");
    let stocked = dir.path().join("stocked.db");
    market(&empty, None);
    market(&stocked, Some(&products_csv));
    Data {
        products_xlsx: xlsx(&PRODUCT_HEADER, &p, &["price", "vat_rate"]),
        sales_csv: csv(&SALE_HEADER, &s),
        sales_xlsx: xlsx(&SALE_HEADER, &s, &["quantity"]),
        products_csv,
        empty,
        stocked,
        dir,
    }
}

/// A fresh copy of a template database (with its WAL checkpointed into it by closing).
fn copy(template: &Path, dir: &Path, n: &mut u32) -> Db {
    *n += 1;
    let path = dir.join(format!("run{n}.db"));
    std::fs::copy(template, &path).unwrap();
    Db::open(&path).unwrap()
}

fn insert_select(db: &Db, src: &Path) {
    let conn = db.conn();
    conn.execute("ATTACH DATABASE ?1 AS src", [src.to_str().unwrap()])
        .unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         INSERT INTO main.journal SELECT * FROM src.journal s
          WHERE s.seq > (SELECT coalesce(max(seq), 0) FROM main.journal m WHERE m.chain = s.chain);
         INSERT INTO main.tickets SELECT * FROM src.tickets;
         INSERT INTO main.ticket_lines SELECT * FROM src.ticket_lines;
         INSERT INTO main.payments SELECT * FROM src.payments;
         INSERT INTO main.shares SELECT * FROM src.shares;
         COMMIT;
         DETACH DATABASE src;",
    )
    .unwrap();
}

fn sqlite3_available() -> bool {
    Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn sqlite3_import(dir: &Path, csv: &Path, n: &mut u32) {
    *n += 1;
    let db = dir.join(format!("plain{n}.db"));
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg(format!(".import --csv {} t", csv.display()))
        .status()
        .unwrap();
    assert!(status.success());
}

fn bench_import(c: &mut Criterion) {
    let d = data();
    let work = d.dir.path();
    let mut n = 0u32;
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    let cases: [(&str, Kind, &PathBuf, &str, &[u8]); 4] = [
        (
            "products_20k_csv",
            Kind::Products,
            &d.empty,
            "p.csv",
            &d.products_csv,
        ),
        (
            "products_20k_xlsx",
            Kind::Products,
            &d.empty,
            "p.xlsx",
            &d.products_xlsx,
        ),
        (
            "sales_50k_lines_csv",
            Kind::Sales,
            &d.stocked,
            "s.csv",
            &d.sales_csv,
        ),
        (
            "sales_50k_lines_xlsx",
            Kind::Sales,
            &d.stocked,
            "s.xlsx",
            &d.sales_xlsx,
        ),
    ];
    for (name, kind, template, file, bytes) in cases {
        g.bench_function(name, |b| {
            b.iter_batched(
                || copy(template, work, &mut n),
                |mut db| import_bytes(&mut db, kind, file, bytes, "bench").unwrap(),
                BatchSize::PerIteration,
            )
        });
    }
    // The same paper sales with every entry hashed and signed on the importing thread (what the worker saves).
    g.bench_function("sales_50k_lines_csv_signed_inline", |b| {
        b.iter_batched(
            || copy(&d.stocked, work, &mut n),
            |mut db| {
                import_bytes_with(
                    &mut db,
                    Kind::Sales,
                    "s.csv",
                    &d.sales_csv,
                    "bench",
                    Signing::Inline,
                )
                .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    // Reading and checking the text alone (no database), to tell the reader's cost from the ledger's per ticket.
    for (name, kind, file, bytes) in [
        (
            "read_only_products_20k_csv",
            Kind::Products,
            "p.csv",
            &d.products_csv,
        ),
        (
            "read_only_products_20k_xlsx",
            Kind::Products,
            "p.xlsx",
            &d.products_xlsx,
        ),
        (
            "read_only_sales_50k_lines_csv",
            Kind::Sales,
            "s.csv",
            &d.sales_csv,
        ),
        (
            "read_only_sales_50k_lines_xlsx",
            Kind::Sales,
            "s.xlsx",
            &d.sales_xlsx,
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| souk::import::table(kind, file, bytes).unwrap().rows.len())
        });
    }
    // What no ledger can skip per paper ticket: the SHA-256 of its entry and its Ed25519 signature.
    g.bench_function("floor_hash_and_sign_one_entry_per_ticket", |b| {
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        b.iter(|| {
            (0..SALE_LINES.div_ceil(3))
                .map(|t| {
                    let hash = souk::domain::canonical::sha256_hex(format!("entry {t}").as_bytes());
                    key.sign(hash.as_bytes()).to_bytes()[0] as usize
                })
                .sum::<usize>()
        })
    });
    // The write floor of the paper sales: the rows the import writes (journal entries, tickets, lines, payments,
    // shares), copied by `INSERT … SELECT` from a market that imported them into a fresh copy of the same
    // market, with every index of the schema: no reading, no check, no hash, no signature.
    let imported = {
        let mut db = copy(&d.stocked, work, &mut n);
        import_bytes(&mut db, Kind::Sales, "s.csv", &d.sales_csv, "bench").unwrap();
        db.path().to_path_buf()
    };
    g.bench_function("floor_insert_select_same_rows_sales_50k_lines", |b| {
        b.iter_batched(
            || copy(&d.stocked, work, &mut n),
            |db| insert_select(&db, &imported),
            BatchSize::PerIteration,
        )
    });
    if sqlite3_available() {
        for (name, bytes) in [
            ("sqlite3_dot_import_products_20k_csv", &d.products_csv),
            ("sqlite3_dot_import_sales_50k_lines_csv", &d.sales_csv),
        ] {
            let file = work.join(format!("{name}.csv"));
            std::fs::write(&file, bytes).unwrap();
            g.bench_function(name, |b| b.iter(|| sqlite3_import(work, &file, &mut n)));
        }
    } else {
        eprintln!("sqlite3 absent : la borne inférieure (.import de sqlite3) n'est pas mesurée");
    }
    g.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
