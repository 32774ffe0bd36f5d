//! Migration 006: a database of schema 5 gains the draft basket tables, keeps its data, and keeps a draft.
use rust_decimal::dec;
use souk::domain::{LineDraft, Unit};
use souk::storage::migrate::migrate_to;
use souk::storage::{Db, drafts};

#[test]
fn a_schema_5_database_keeps_drafts_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        souk::storage::configure(&c).unwrap();
        migrate_to(&c, 5).unwrap();
        let has: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'draft_baskets'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(has, 0);
    }
    let mut db = Db::open(&path).unwrap();
    let line = LineDraft {
        product_code: None,
        exhibitor_code: "E017".into(),
        name_fr: "Divers".into(),
        name_ar: None,
        unit: Unit::Piece,
        quantity: dec!(2),
        unit_price: dec!(45),
        discount: dec!(0),
        vat_rate: dec!(0),
    };
    db.save_draft(
        "T01",
        "Amina",
        None,
        std::slice::from_ref(&line),
        "2026-05-14T10:00:00Z",
    )
    .unwrap();
    let d = drafts::load(db.conn(), "T01").unwrap().unwrap();
    assert_eq!((d.cashier.as_str(), d.lines), ("Amina", vec![line]));
}
