//! The sample market and the 3-line sale that the commit benches write.
use rust_decimal::Decimal;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Settled, Unit};
use souk::storage::tickets::SaleContext;
use souk::storage::{Clock, Db};

/// The contract's sample market (phases, tills, exhibitors, products) in a new database at `path`.
pub fn sample_market(path: &std::path::Path) {
    let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ifrane-small");
    let mut db = Db::create(path).unwrap();
    let m = souk::demo::market();
    souk::storage::catalogue::insert_market(db.conn(), &m, "2025-08-06T08:00:00Z").unwrap();
    for k in ["phases", "tills", "exhibitors", "products"] {
        let kind = k.parse().unwrap();
        souk::import::import_file(&mut db, kind, &fx.join(format!("{k}.csv")), "bench").unwrap();
    }
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

/// 3 lines of 3 exhibitors paid in cash, and who sells it at T01 on a day of phase 1.
pub fn three_line_sale() -> (Settled, SaleContext) {
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
        at: Clock::market()
            .unwrap()
            .at_local("2025-08-07T11:00:00".parse().unwrap())
            .unwrap(),
        manual: false,
        ticket_ref: None,
        approver: None,
    };
    (settled, ctx)
}
