//! Every screen drawn into a `TestBackend` at 80×24 and 120×40, at a fixed time.
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use souk::tui::app::App;
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use tempfile::TempDir;

fn till(dir: &TempDir, lang: &str) -> App {
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    fixture::app(db, lang).unwrap()
}

fn snap(app: &App, name: &str) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| souk::tui::draw(f, app)).unwrap();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

fn add(app: &mut App, text: &str) {
    type_text(app, text);
    enter(app);
}

fn basket(app: &mut App) {
    add(app, "3*amlou");
    add(app, "6111234500031");
    add(app, "0,750*miel");
    add(app, "E031 45");
}

#[test]
fn login_screens() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir, "fr");
    snap(&app, "login");
    type_text(&mut app, "0000");
    enter(&mut app);
    snap(&app, "login_wrong_pin");
    press(&mut app, KeyCode::F(1));
    snap(&app, "login_help");
    press(&mut app, KeyCode::Esc);
    app.demo_codes = Some("Amina 1234 · Youssef 9999".into());
    snap(&app, "login_demo_codes");
}

#[test]
fn shift_open_and_sale() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir, "fr");
    fixture::login_cashier(&mut app);
    type_text(&mut app, "1");
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "2");
    snap(&app, "shift_open");
    enter(&mut app);
    snap(&app, "sale_empty");
    basket(&mut app);
    type_text(&mut app, "زيت");
    snap(&app, "sale_search_arabic");
    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "miel");
    snap(&app, "sale_search");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Tab);
    snap(&app, "sale_basket_focus");
    type_text(&mut app, "p");
    snap(&app, "sale_price_prompt");
    add(&mut app, "100");
    snap(&app, "approval");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(1));
    snap(&app, "sale_help");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(8));
    snap(&app, "confirm_abandon");
}

#[test]
fn payment_history_reports() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir, "fr");
    open_shift(&mut app);
    basket(&mut app);
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Tab);
    add(&mut app, "100");
    type_text(&mut app, "TPE-4411");
    snap(&app, "payment_card_reference");
    enter(&mut app);
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    add(&mut app, "600");
    snap(&app, "payment_paid");
    enter(&mut app);
    snap(&app, "sale_change");
    press(&mut app, KeyCode::F(3));
    snap(&app, "history");
    enter(&mut app);
    press(&mut app, KeyCode::Char(' '));
    snap(&app, "ticket_refund_marked");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(4));
    snap(&app, "x_report");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(5));
    snap(&app, "coop");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::F(6));
    type_text(&mut app, "3");
    enter(&mut app);
    snap(&app, "close_confirm");
    enter(&mut app);
    add(&mut app, "9999");
    snap(&app, "z_report");
}

#[test]
fn lock_and_quit_and_english() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir, "en");
    open_shift(&mut app);
    add(&mut app, "ARG1");
    snap(&app, "en_sale");
    fixture::ctrl(&mut app, 'q');
    snap(&app, "en_confirm_quit");
    press(&mut app, KeyCode::Esc);
    souk::tui::update(&mut app, souk::tui::Event::Tick { idle_secs: 600 });
    snap(&app, "en_locked");
}

/// The reports menu (F10): a cashier sees the shift and stall slips only; a supervisor the phase's
/// settlement (statements printed one by one), the day over all tills, the region's totals and the tills.
#[test]
fn reports_menu_settlement_and_tills() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir, "fr");
    let out = dir.path().join("out");
    app.sink = Box::new(souk::tui::FileSink::new(&out, "fr"));
    open_shift(&mut app);
    basket(&mut app);
    press(&mut app, KeyCode::F(2));
    add(&mut app, "1000");
    enter(&mut app);
    press(&mut app, KeyCode::F(10));
    snap(&app, "menu_cashier");
    type_text(&mut app, "4");
    let status = app.status.clone().expect("refused").text;
    assert!(status.contains("superviseur"), "{status}");

    app.user = app.people.iter().find(|p| p.role.can_approve()).cloned();
    type_text(&mut app, "4");
    snap(&app, "settle");
    press(&mut app, KeyCode::F(2));
    let statement = std::fs::read_to_string(out.join("RELEVE-E017-phase-1.txt")).unwrap();
    assert!(statement.contains("RELEVÉ DE RÈGLEMENT"), "{statement}");
    assert!(statement.contains("E017 Coopérative Nahla"), "{statement}");
    assert!(statement.contains("Signature de l'exposant"), "{statement}");
    press(&mut app, KeyCode::F(3));
    let phase = std::fs::read_to_string(out.join("REGLEMENT-phase-1.txt")).unwrap();
    for code in ["E017", "E023", "E031"] {
        assert!(phase.contains(code), "{phase}");
    }

    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "6");
    snap(&app, "tills");
    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "3");
    snap(&app, "day_all_tills");
    press(&mut app, KeyCode::F(2));
    let day = std::fs::read_to_string(out.join("JOUR-2026-05-14.txt")).unwrap();
    assert!(day.contains("RECETTES DU JOUR"), "{day}");
    assert!(day.contains("toutes caisses"), "{day}");
    assert!(day.contains("E031 Association Zanafi"), "{day}");
    // One ticket of three exhibitors is one ticket; the edition date reads as people read dates.
    assert!(
        day.lines()
            .any(|l| l.starts_with("Tickets") && l.trim_end().ends_with(" 1")),
        "{day}"
    );
    assert!(!day.contains("2026-"), "{day}");
    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "5");
    snap(&app, "phase_totals");
    press(&mut app, KeyCode::F(2));
    let totals = std::fs::read_to_string(out.join("TOTAUX-phase-1.txt")).unwrap();
    assert!(totals.contains("TOTAUX"), "{totals}");
    assert!(totals.contains("Phase 1"), "{totals}");
    assert!(
        totals.contains("Coopérative"),
        "labels, not codes: {totals}"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, souk::tui::app::Screen::Sale(_)));
}

/// A long market name on a narrow terminal is shortened; the till, the cashier and the printer's state stay.
#[test]
fn status_bar_keeps_the_printer_state_on_80_columns() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir, "fr");
    open_shift(&mut app);
    app.market.name = "Grand marché itinérant de l'économie sociale et solidaire — Ifrane".into();
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| souk::tui::draw(f, &app)).unwrap();
    let top: String = (0..80)
        .map(|x| t.backend().buffer()[(x, 0)].symbol().to_string())
        .collect();
    assert!(top.contains("Grand marché"), "{top}");
    assert!(top.contains('…'), "{top}");
    assert!(top.contains("· T01 · Amina · -"), "{top}");
    assert!(top.trim_end().ends_with("14/05/2026 10:30"), "{top}");
}
