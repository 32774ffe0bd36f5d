//! What a cashier types on the payment screen: the amount as the screen shows it (`1.000` is a thousand), a
//! barcode scanned by mistake, a tendered sum whose change is beyond reason. Nothing odd is ever recorded.
use ratatui::crossterm::event::KeyCode;
use rust_decimal::dec;
use souk::tui::app::{App, Screen};
use souk::tui::fixture::{self, enter, press, type_text};
use tempfile::TempDir;

fn paying(dir: &TempDir) -> App {
    let mut app = fixture::selling(&dir.path().join("m.db"), &["E031 82"]).unwrap();
    assert_eq!(app.basket.total(), dec!(82));
    press(&mut app, KeyCode::F(2));
    app
}

fn tendered(app: &App) -> Vec<Option<rust_decimal::Decimal>> {
    match &app.screen {
        Screen::Payment(p) => p.payments.iter().map(|p| p.tendered).collect(),
        _ => panic!("payment screen"),
    }
}

fn error(app: &App) -> String {
    let s = app.status.as_ref().expect("a message");
    assert!(s.error, "{}", s.text);
    s.text.clone()
}

#[test]
fn typed_amounts_read_as_the_screen_shows_them_and_slips_record_nothing() {
    let dir = TempDir::new().unwrap();
    let mut app = paying(&dir);
    type_text(&mut app, "6116241499061");
    enter(&mut app);
    assert!(error(&app).contains("code-barres"), "{}", error(&app));
    assert!(tendered(&app).is_empty());

    type_text(&mut app, "5000");
    enter(&mut app);
    assert!(error(&app).contains("monnaie à rendre"), "{}", error(&app));
    assert!(tendered(&app).is_empty());

    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "1.000");
    enter(&mut app);
    assert_eq!(tendered(&app), [Some(dec!(1000))]);
    enter(&mut app);
    let row: (i64, i64, i64) = app
        .db
        .conn()
        .query_row("SELECT amount, tendered, change FROM payments", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, (8200, 100_000, 91_800));
}

#[test]
fn a_split_sale_is_refunded_in_cash_only_as_far_as_it_took_cash() {
    let dir = TempDir::new().unwrap();
    let mut app = fixture::selling(&dir.path().join("m.db"), &["ARG1", "AMLOU1"]).unwrap();
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Tab); // card
    type_text(&mut app, "150");
    enter(&mut app);
    enter(&mut app);
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab); // back to cash
    }
    enter(&mut app); // the rest, 50 DH, in cash
    enter(&mut app); // sale committed
    press(&mut app, KeyCode::F(3));
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Ticket(_)), "{:?}", app.status);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::F(3));
    type_text(&mut app, fixture::SUPERVISOR.1);
    enter(&mut app);
    let paid_back: Vec<(String, i64)> = app
        .db
        .conn()
        .prepare(
            "SELECT p.method, p.amount FROM payments p JOIN tickets t ON t.id = p.ticket_id
             WHERE t.kind = 'refund' ORDER BY p.pos",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        paid_back,
        [("cash".to_string(), 5000), ("card".to_string(), 15000)],
        "{:?}",
        app.status
    );
}
