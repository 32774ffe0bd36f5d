//! A card charged on the payment screen, then the till killed before the sale commits: at the next login the
//! basket comes back with that payment, said in the message and back on the payment screen (F2), so the card
//! is not charged twice.
use ratatui::crossterm::event::KeyCode;
use rust_decimal::dec;
use souk::domain::PaymentMethod;
use souk::tui::app::Screen;
use souk::tui::fixture::{self, enter, login_cashier, press, type_text};
use tempfile::TempDir;

#[test]
fn payments_typed_before_a_crash_come_back_with_the_basket() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("m.db");
    let mut app = fixture::selling(&path, &["ARG1", "AMLOU1"]).unwrap();
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Tab); // card
    type_text(&mut app, "150");
    enter(&mut app);
    type_text(&mut app, "AUTH123");
    enter(&mut app);
    assert_eq!(app.basket.payments.len(), 1);
    drop(app); // the till killed: nothing committed

    let db = souk::storage::Db::open(&path).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    login_cashier(&mut app);
    let said = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    assert!(said.contains("Panier récupéré"), "{said}");
    assert!(said.contains("150,00 DH réf. AUTH123"), "{said}");
    press(&mut app, KeyCode::F(2));
    match &app.screen {
        Screen::Payment(p) => {
            assert_eq!(p.payments.len(), 1);
            assert_eq!(p.payments[0].method, PaymentMethod::Card);
            assert_eq!(p.payments[0].amount, dec!(150));
            assert_eq!(p.payments[0].reference.as_deref(), Some("AUTH123"));
        }
        _ => panic!("payment screen"),
    }
    enter(&mut app); // the rest, 50 DH, in cash
    enter(&mut app);
    let rows: i64 = app
        .db
        .conn()
        .query_row("SELECT COUNT(*) FROM payments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2, "{:?}", app.status);
    let drafts: i64 = app
        .db
        .conn()
        .query_row("SELECT COUNT(*) FROM draft_payments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(drafts, 0, "the sale took its draft with it");
}
