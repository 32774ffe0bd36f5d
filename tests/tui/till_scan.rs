//! Issue 11 at the till: a receipt's QR scanned on the sale or history screen (a 2D scanner types
//! `SOUK1|T01-000001|8ff9e020|200.00` then Enter) opens that ticket marked conforme or not; it never adds a
//! product or a divers line.
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use souk::storage::tickets::load_ticket;
use souk::tui::app::{App, Screen, Verdict};
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use tempfile::TempDir;

/// The till after one sale (ARG1 + AMLOU1, 200 DH cash), with SAVON1 in the next basket.
fn sold(dir: &TempDir) -> App {
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(souk::tui::FileSink::new(dir.path().join("out"), "fr"));
    open_shift(&mut app);
    for code in ["ARG1", "AMLOU1"] {
        type_text(&mut app, code);
        enter(&mut app);
    }
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    type_text(&mut app, "SAVON1");
    enter(&mut app);
    assert_eq!(app.basket.lines.len(), 1, "{:?}", app.status);
    app
}

/// What the receipt of T01-000001 carries in its QR.
fn payload(app: &App) -> String {
    let t = load_ticket(app.db.conn(), "T01-000001").unwrap().unwrap();
    format!("SOUK1|T01-000001|{}|200.00", t.short_hash())
}

fn scan(app: &mut App, text: &str) {
    type_text(app, text);
    enter(app);
}

fn verdict(app: &App) -> Verdict {
    match &app.screen {
        Screen::Ticket(t) => {
            assert_eq!(t.ticket.head.id, "T01-000001");
            t.verdict.clone().expect("opened by a scan: a verdict")
        }
        _ => panic!("not on the ticket view; status {:?}", app.status),
    }
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn snap(app: &App, name: &str) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| souk::tui::draw(f, app)).unwrap();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

/// The basket holds only the SAVON1 line it had before the scan.
fn basket_untouched(app: &App) {
    let codes: Vec<_> = app
        .basket
        .lines
        .iter()
        .map(|l| l.product_code.clone())
        .collect();
    assert_eq!(codes, vec![Some("SAVON1".to_string())]);
}

#[test]
fn a_genuine_receipt_scanned_at_the_sale_opens_its_ticket_conforme() {
    let dir = TempDir::new().unwrap();
    let mut app = sold(&dir);
    let qr = payload(&app);
    type_text(&mut app, &qr);
    assert!(
        app.catalog.results.is_empty(),
        "no product offered while a receipt QR is typed"
    );
    enter(&mut app);
    let v = verdict(&app);
    assert!(v.conforme, "{v:?}");
    assert!(v.details[0].contains("200,00 DH"), "{v:?}");
    basket_untouched(&app);
    snap(&app, "scan_genuine");
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.screen, Screen::Sale(_)),
        "Esc goes back to the basket"
    );
    basket_untouched(&app);
}

#[test]
fn one_digit_changed_in_the_hash_is_non_conforme_and_says_what_differs() {
    let dir = TempDir::new().unwrap();
    let mut app = sold(&dir);
    let qr = payload(&app);
    // The hash is the third field; change its first digit.
    let mut fields: Vec<String> = qr.split('|').map(String::from).collect();
    let first = fields[2].remove(0);
    fields[2].insert(0, if first == '0' { '1' } else { '0' });
    scan(&mut app, &fields.join("|"));
    let v = verdict(&app);
    assert!(!v.conforme);
    assert!(v.details.iter().any(|d| d.contains("empreinte")), "{v:?}");
    basket_untouched(&app);
    snap(&app, "scan_hash_changed");
}

#[test]
fn a_changed_total_is_non_conforme() {
    let dir = TempDir::new().unwrap();
    let mut app = sold(&dir);
    let qr = payload(&app).replace("|200.00", "|290.00");
    scan(&mut app, &qr);
    let v = verdict(&app);
    assert!(!v.conforme);
    // Amounts as people read them, as everywhere on the till.
    assert!(
        v.details
            .iter()
            .any(|d| d.contains("total : le reçu porte 290,00 DH, la base 200,00 DH")),
        "{v:?}"
    );
}

#[test]
fn an_unknown_ticket_is_said_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut app = sold(&dir);
    scan(&mut app, "SOUK1|T09-000001|1a2b3c4d|182.50");
    match &app.screen {
        Screen::Sale(s) => assert_eq!(s.input.value(), "", "the next scan starts clean"),
        _ => panic!("stays on the sale screen"),
    }
    assert_eq!(status(&app), "Ticket T09-000001 inconnu sur cette caisse");
    basket_untouched(&app);
    snap(&app, "scan_unknown");
    scan(&mut app, "SOUK1|T01-000001|zz|1");
    assert!(status(&app).contains("illisible"), "{}", status(&app));
    basket_untouched(&app);
}

#[test]
fn a_receipt_scanned_on_the_history_opens_its_ticket_and_esc_returns_there() {
    let dir = TempDir::new().unwrap();
    let mut app = sold(&dir);
    let qr = payload(&app);
    press(&mut app, KeyCode::F(3));
    assert!(matches!(app.screen, Screen::History(_)));
    type_text(&mut app, &qr);
    assert!(
        status(&app).starts_with("Lecture du QR"),
        "{}",
        status(&app)
    );
    enter(&mut app);
    assert!(verdict(&app).conforme);
    // Another receipt scanned on the ticket view: checked too, never a refund request.
    scan(&mut app, "SOUK1|T09-000001|1a2b3c4d|182.50");
    assert!(app.overlay.is_none(), "no refund approval from a scan");
    assert_eq!(status(&app), "Ticket T09-000001 inconnu sur cette caisse");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::History(_)));
    basket_untouched(&app);
}

#[test]
fn a_receipt_scanned_while_the_basket_has_the_focus_is_checked_too() {
    let dir = TempDir::new().unwrap();
    let mut app = sold(&dir);
    let qr = payload(&app);
    press(&mut app, KeyCode::Tab);
    scan(&mut app, &qr);
    assert!(verdict(&app).conforme);
    basket_untouched(&app);
}
