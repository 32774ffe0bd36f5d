//! `update` on the key flows: quantity prefix, barcode, weighed goods, quick entry, Arabic search, split
//! payment, refund approval, idle lock, abandon, quit confirmation, a broken printer, the Z report.
use ratatui::crossterm::event::KeyCode;
use rust_decimal::{Decimal, dec};
use souk::tui::app::{App, Overlay, Screen};
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use souk::tui::{Event, FileSink, update};
use tempfile::TempDir;

fn till(dir: &TempDir) -> App {
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(FileSink::new(dir.path().join("out"), "fr"));
    app
}

fn selling(dir: &TempDir) -> App {
    let mut app = till(dir);
    open_shift(&mut app);
    assert!(matches!(app.screen, Screen::Sale(_)), "{:?}", app.status);
    app
}

fn add(app: &mut App, text: &str) {
    type_text(app, text);
    enter(app);
}

fn count(app: &App, sql: &str) -> i64 {
    app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn login_and_open_shift() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir);
    type_text(&mut app, "0000");
    enter(&mut app);
    assert!(
        matches!(&app.screen, Screen::Login(s) if s.msg.as_deref().unwrap().contains("9 essais"))
    );
    open_shift(&mut app);
    assert_eq!(app.shift.as_ref().unwrap().id, "T01-S0001");
    assert_eq!(app.shift.as_ref().unwrap().opening_float, dec!(200));
}

#[test]
fn quantity_prefix_barcode_weight_quick_entry_and_arabic() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "3*amlou");
    add(&mut app, "6111234500031");
    add(&mut app, "0,750*miel");
    add(&mut app, "E017 45");
    add(&mut app, "صابون");
    let lines = &app.basket.lines;
    let got: Vec<(Option<&str>, &str, Decimal)> = lines
        .iter()
        .map(|l| {
            (
                l.product_code.as_deref(),
                l.exhibitor_code.as_str(),
                l.quantity,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("AMLOU1"), "E017", dec!(3)),
            (Some("ARG1"), "E023", dec!(1)),
            (Some("MIEL1"), "E017", dec!(0.75)),
            (None, "E017", dec!(1)),
            (Some("SAVON1"), "E023", dec!(1)),
        ]
    );
    assert_eq!(lines[3].unit_price, dec!(45));
    assert_eq!(
        app.basket.total(),
        dec!(240) + dec!(120) + dec!(187.50) + dec!(45) + dec!(25)
    );
}

#[test]
fn weighed_product_asks_for_its_weight_and_pieces_refuse_fractions() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "DATT1");
    assert!(matches!(&app.screen, Screen::Sale(s) if s.prompt.is_some()));
    add(&mut app, "1,5");
    assert_eq!(app.basket.lines[0].quantity, dec!(1.5));
    add(&mut app, "0,5*amlou");
    assert_eq!(app.basket.lines.len(), 1);
    assert!(app.status.as_ref().unwrap().error);
}

#[test]
fn line_edit_and_removal() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    add(&mut app, "AMLOU1");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Up);
    add(&mut app, "q2");
    assert_eq!(app.basket.lines[0].quantity, dec!(2));
    add(&mut app, "r10");
    assert_eq!(app.basket.lines[0].total(), dec!(230));
    press(&mut app, KeyCode::Delete);
    assert_eq!(app.basket.lines.len(), 1);
    assert_eq!(app.basket.lines[0].product_code.as_deref(), Some("AMLOU1"));
}

#[test]
fn price_override_needs_a_supervisor_and_names_both() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::Tab);
    add(&mut app, "p100");
    assert!(matches!(app.overlay, Some(Overlay::Approval(_))));
    add(&mut app, "9999");
    assert_eq!(app.basket.lines[0].unit_price, dec!(100));
    let n = count(
        &app,
        "SELECT COUNT(*) FROM journal WHERE kind = 'price_override' AND actor = 'Amina' AND approver = 'Youssef'",
    );
    assert_eq!(n, 1);
}

fn pay_split(app: &mut App) {
    press(app, KeyCode::F(2));
    press(app, KeyCode::Tab); // card
    add(app, "50");
    add(app, "REF-77");
    for _ in 0..3 {
        press(app, KeyCode::Tab); // back to cash
    }
    add(app, "100");
    enter(app);
}

#[test]
fn split_payment_card_and_cash_with_change() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    pay_split(&mut app);
    assert!(matches!(app.screen, Screen::Sale(_)), "{:?}", app.status);
    assert_eq!(app.last_change, Some(dec!(30)));
    assert!(app.basket.is_empty());
    let card: (i64, String) = app
        .db
        .conn()
        .query_row(
            "SELECT amount, reference FROM payments WHERE method = 'card'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(card, (5000, "REF-77".into()));
    let cash: (i64, i64, i64) = app
        .db
        .conn()
        .query_row(
            "SELECT amount, tendered, change FROM payments WHERE method = 'cash'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(cash, (7000, 10000, 3000));
    assert!(dir.path().join("out/T01-000001.txt").exists());
}

#[test]
fn cannot_complete_until_fully_paid() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::F(2));
    add(&mut app, "50");
    assert!(matches!(app.screen, Screen::Payment(_)));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets"), 0);
    press(&mut app, KeyCode::F(7)); // a 100 note covers the rest: change 30
    enter(&mut app);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets"), 1);
    assert_eq!(app.last_change, Some(dec!(30)));
}

#[test]
fn refund_needs_supervisor_pin() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    add(&mut app, "AMLOU1");
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    press(&mut app, KeyCode::F(3));
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Ticket(_)));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::F(3));
    add(&mut app, "0000");
    assert!(matches!(&app.overlay, Some(Overlay::Approval(a)) if a.msg.is_some()));
    add(&mut app, "9999");
    assert!(app.overlay.is_none());
    assert!(matches!(app.screen, Screen::History(_)));
    let (kind, total, approver): (String, i64, String) = app
        .db
        .conn()
        .query_row(
            "SELECT t.kind, t.total, j.approver FROM tickets t JOIN journal j ON j.chain = t.till AND j.seq = t.journal_seq WHERE t.id = 'T01-000002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), total, approver.as_str()),
        ("refund", 8000, "Youssef")
    );
}

#[test]
fn idle_lock_keeps_the_basket() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    update(&mut app, Event::Tick { idle_secs: 299 });
    assert!(matches!(app.screen, Screen::Sale(_)));
    update(&mut app, Event::Tick { idle_secs: 300 });
    assert!(matches!(app.screen, Screen::Locked(_)));
    add(&mut app, "1111");
    assert!(matches!(app.screen, Screen::Locked(_)));
    add(&mut app, "1234");
    assert!(matches!(app.screen, Screen::Sale(_)));
    assert_eq!(app.basket.lines.len(), 1);
}

#[test]
fn quit_asks_when_a_basket_is_open_and_abandon_is_recorded() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    fixture::ctrl(&mut app, 'q');
    assert!(!app.quit && matches!(app.overlay, Some(Overlay::ConfirmQuit)));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.overlay.is_none());
    press(&mut app, KeyCode::F(8));
    press(&mut app, KeyCode::Char('o'));
    assert!(app.basket.is_empty());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM abandoned_baskets WHERE total = 12000"
        ),
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM journal WHERE kind = 'abandon'"),
        1
    );
    fixture::ctrl(&mut app, 'q');
    assert!(app.quit);
}

#[test]
fn a_broken_printer_never_loses_the_sale() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    app.sink = Box::new(FileSink::new(dir.path().join("blocker/out"), "fr"));
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets"), 1);
    assert!(app.status.as_ref().unwrap().error);
    assert!(app.basket.is_empty());
}

#[test]
fn close_shift_writes_the_z_report() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    press(&mut app, KeyCode::F(6));
    type_text(&mut app, "1"); // one 200 note
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "1"); // one 100 note
    enter(&mut app);
    enter(&mut app);
    assert!(matches!(app.overlay, Some(Overlay::Approval(_))));
    add(&mut app, "9999");
    assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
    let detail: String = app
        .db
        .conn()
        .query_row(
            "SELECT detail FROM journal WHERE kind = 'shift_close'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        detail.contains("expected=320.00") && detail.contains("counted=300.00"),
        "{detail}"
    );
    assert!(detail.contains("difference=-20.00"), "{detail}");
    let z = std::fs::read_to_string(dir.path().join("out/Z-T01-S0001.txt")).unwrap();
    assert!(z.contains("320,00 DH"), "{z}");
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Login(_)));
}

#[test]
fn a_discount_over_the_threshold_needs_a_supervisor() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1"); // 120,00: up to 12,00 (10 %) without approval
    press(&mut app, KeyCode::Tab);
    add(&mut app, "r12");
    assert!(app.overlay.is_none());
    assert_eq!(app.basket.lines[0].discount, dec!(12));
    add(&mut app, "r30");
    assert!(matches!(app.overlay, Some(Overlay::Approval(_))));
    assert_eq!(
        app.basket.lines[0].discount,
        dec!(12),
        "not before approval"
    );
    add(&mut app, "9999");
    assert!(app.overlay.is_none());
    assert_eq!(app.basket.lines[0].discount, dec!(30));
    let n = count(
        &app,
        "SELECT COUNT(*) FROM journal WHERE kind = 'approval' AND actor = 'Amina' AND approver = 'Youssef' AND detail = 'remise 30'",
    );
    assert_eq!(n, 1);
}

#[test]
fn opening_the_drawer_without_a_sale_is_approved_and_journalled() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    fixture::ctrl(&mut app, 't');
    assert!(matches!(app.overlay, Some(Overlay::Approval(_))));
    add(&mut app, "9999");
    assert!(app.overlay.is_none());
    let n = count(
        &app,
        "SELECT COUNT(*) FROM journal WHERE kind = 'drawer' AND actor = 'Amina' AND approver = 'Youssef'",
    );
    assert_eq!(n, 1);
    assert!(dir.path().join("out/TIROIR-0001.txt").exists());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets"), 0);
}

#[test]
fn a_card_sale_is_refunded_to_the_card_unless_the_cashier_changes_it() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Tab); // card
    add(&mut app, "120");
    add(&mut app, "TPE-1");
    enter(&mut app);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets"), 1);
    press(&mut app, KeyCode::F(3));
    enter(&mut app);
    let Screen::Ticket(t) = &app.screen else {
        panic!("ticket screen expected")
    };
    assert_eq!(t.refund_method, souk::domain::PaymentMethod::Card);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::F(3));
    add(&mut app, "9999");
    let method: String = app
        .db
        .conn()
        .query_row(
            "SELECT method FROM payments WHERE ticket_id = 'T01-000002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(method, "mobile");
}
