//! Issue 13, the till as cashiers found it: each point as an `update` test on the fixture market (and, where
//! the screen is the point, a snapshot at 80×24 and 120×40).
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use rust_decimal::dec;
use souk::domain::Exhibitor;
use souk::storage::{catalogue, drafts};
use souk::tui::app::{App, Overlay, PromptKind, Screen};
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use tempfile::TempDir;

fn till(dir: &TempDir) -> App {
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    reopen(dir, db)
}

fn reopen(dir: &TempDir, db: souk::storage::Db) -> App {
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(souk::tui::FileSink::new(dir.path().join("out"), "fr"));
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

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn field(app: &App) -> String {
    match &app.screen {
        Screen::Sale(s) => s.input.value().to_string(),
        _ => panic!("not on the sale screen"),
    }
}

fn screen_text(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| souk::tui::draw(f, app)).unwrap();
    format!("{}", t.backend())
}

fn snap(app: &App, name: &str) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| souk::tui::draw(f, app)).unwrap();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
    }
}

/// An exhibitor of the market that exhibits only in phase 2 (the fixture's day is in phase 1).
fn add_phase2_exhibitor(app: &App) {
    catalogue::upsert_phase(
        app.db.conn(),
        &souk::domain::Phase {
            number: 2,
            name: "Phase 2".into(),
            starts: jiff::civil::date(2026, 6, 1),
            ends: jiff::civil::date(2026, 6, 30),
            closed: false,
        },
    )
    .unwrap();
    catalogue::upsert_exhibitor(
        app.db.conn(),
        &Exhibitor {
            code: "E011".into(),
            name: "Coopérative Aït Hamza".into(),
            kind: "cooperative".into(),
            ice: None,
            phone: None,
            commission_rate: dec!(0),
            stall_fee: dec!(0),
            phases: vec![2],
            province: None,
            sector: None,
            women_led: None,
        },
    )
    .unwrap();
}

#[test]
fn divers_is_a_divers_line_or_a_clear_refusal_never_a_product() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add_phase2_exhibitor(&app);
    type_text(&mut app, "e017 45");
    assert!(
        app.catalog.results.is_empty(),
        "no product highlighted while a divers entry is typed"
    );
    snap(&app, "divers_typed");
    enter(&mut app);
    let l = &app.basket.lines[0];
    assert_eq!(
        (
            l.product_code.as_deref(),
            l.exhibitor_code.as_str(),
            l.unit_price
        ),
        (None, "E017", dec!(45))
    );
    add(&mut app, "E999 45");
    assert!(
        status(&app).contains("Exposant E999 inconnu"),
        "{}",
        status(&app)
    );
    add(&mut app, "E011 45");
    assert!(
        status(&app).contains("E011 n'expose pas en phase 1"),
        "{}",
        status(&app)
    );
    assert_eq!(app.basket.lines.len(), 1, "refusals add nothing");
    assert!(matches!(&app.screen, Screen::Sale(s) if s.prompt.is_none()));
}

#[test]
fn an_unknown_barcode_clears_the_field_and_a_second_scan_counts_two() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "6110000000000");
    assert!(status(&app).contains("Code-barres inconnu"));
    assert_eq!(field(&app), "", "the next scan is not glued on");
    add(&mut app, "6111234500031");
    add(&mut app, "6111234500031");
    assert_eq!(app.basket.lines.len(), 1);
    assert_eq!(app.basket.lines[0].quantity, dec!(2));
    assert!(status(&app).contains("quantité 2"), "{}", status(&app));
}

#[test]
fn notes_add_to_one_cash_payment() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    add(&mut app, "AMLOU1");
    add(&mut app, "E031 82");
    assert_eq!(app.basket.total(), dec!(282));
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(8));
    press(&mut app, KeyCode::F(8));
    match &app.screen {
        Screen::Payment(p) => {
            assert_eq!(p.payments.len(), 1);
            assert_eq!(p.payments[0].tendered, Some(dec!(400)));
            assert_eq!(p.payments[0].amount, dec!(282));
        }
        _ => panic!("payment screen"),
    }
    snap(&app, "payment_two_notes");
    enter(&mut app);
    let rows: Vec<(String, i64, Option<i64>, i64)> = app
        .db
        .conn()
        .prepare("SELECT method, amount, tendered, change FROM payments")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, vec![("cash".into(), 28200, Some(40000), 11800)]);
    assert_eq!(app.last_change, Some(dec!(118)));
}

#[test]
fn enter_never_confirms_abandon_or_quit() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::F(8));
    assert!(matches!(app.overlay, Some(Overlay::ConfirmAbandon)));
    enter(&mut app);
    assert_eq!(
        app.basket.lines.len(),
        1,
        "a scanner's Entrée abandons nothing"
    );
    fixture::ctrl(&mut app, 'q');
    assert!(matches!(app.overlay, Some(Overlay::ConfirmQuit)));
    enter(&mut app);
    assert!(!app.quit);
    fixture::ctrl(&mut app, 'q');
    press(&mut app, KeyCode::Char('O'));
    assert!(app.quit);
}

/// Sells ARG1 + AMLOU1 in cash, opens the ticket from the history.
fn sold_and_opened(app: &mut App) {
    add(app, "ARG1");
    add(app, "AMLOU1");
    press(app, KeyCode::F(2));
    enter(app);
    enter(app);
    press(app, KeyCode::F(3));
    enter(app);
    assert!(matches!(app.screen, Screen::Ticket(_)));
}

#[test]
fn a_refunded_line_says_so_and_cannot_be_refunded_again() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    sold_and_opened(&mut app);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::F(3));
    match &app.overlay {
        Some(Overlay::Approval(a)) => {
            let text = screen_text(&app, 80, 24);
            assert!(text.contains("Rembourser 120,00 DH"), "{text}");
            assert!(matches!(
                &a.pending,
                souk::tui::app::Pending::Refund { amount, .. } if *amount == dec!(120)
            ));
        }
        _ => panic!("approval expected"),
    }
    snap(&app, "refund_approval_amount");
    add(&mut app, "9999");
    assert!(matches!(app.screen, Screen::History(_)));
    // Back to the sale: the refunded line is shown as such and refuses a second mark.
    // The history lists the refund first; open the sale below it.
    press(&mut app, KeyCode::Down);
    enter(&mut app);
    let Screen::Ticket(t) = &app.screen else {
        panic!("ticket")
    };
    assert_eq!(t.ticket.head.kind, souk::domain::TicketKind::Sale);
    assert_eq!(t.refunded[0], dec!(1));
    snap(&app, "ticket_refunded_line");
    press(&mut app, KeyCode::Char(' '));
    assert!(status(&app).contains("Déjà remboursée"), "{}", status(&app));
    assert!(matches!(&app.screen, Screen::Ticket(t) if !t.marked[0]));
    press(&mut app, KeyCode::F(3));
    assert!(status(&app).contains("Déjà remboursée"), "{}", status(&app));
    assert!(app.overlay.is_none());
}

#[test]
fn a_day_outside_every_phase_is_said_at_login_and_refuses_the_first_line() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir);
    let local = souk::storage::clock::parse_local("2026-06-10 09:00").unwrap();
    app.set_now(app.clock.at_local(local).unwrap());
    open_shift(&mut app);
    // The float screen said it at login; the sale screen says it too.
    assert!(matches!(app.screen, Screen::Sale(_)));
    let text = screen_text(&app, 80, 24);
    assert!(
        text.contains("Aucune phase ouverte le 10/06/2026"),
        "{text}"
    );
    add(&mut app, "ARG1");
    assert!(app.basket.is_empty());
    assert!(status(&app).contains("10/06/2026"), "{}", status(&app));
    snap(&app, "sale_outside_phase");
}

#[test]
fn the_login_says_the_day_is_closed() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir);
    let local = souk::storage::clock::parse_local("2026-06-10 09:00").unwrap();
    app.set_now(app.clock.at_local(local).unwrap());
    let before = screen_text(&app, 80, 24);
    assert!(before.contains("Aucune phase ouverte le"), "{before}");
    snap(&app, "login_outside_phase");
    fixture::login_cashier(&mut app);
    assert!(
        status(&app).contains("Aucune phase ouverte le 10/06/2026"),
        "{}",
        status(&app)
    );
}

#[test]
fn the_basket_in_progress_comes_back_after_a_crash_and_goes_with_the_sale() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    add(&mut app, "0,5*miel");
    add(&mut app, "E031 45");
    // The till goes away with the basket in progress: nothing is saved on the way out.
    let path = app.db.path().to_path_buf();
    drop(app);
    let db = souk::storage::Db::open(&path).unwrap();
    let mut app = reopen(&dir, db);
    fixture::login_cashier(&mut app);
    assert!(matches!(app.screen, Screen::Sale(_)));
    assert_eq!(status(&app), "Panier récupéré : 3 lignes");
    let lines: Vec<_> = app
        .basket
        .lines
        .iter()
        .map(|l| (l.name_fr.as_str(), l.quantity))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("Huile d'argan 250 ml", dec!(1)),
            ("Miel de thym", dec!(0.5)),
            ("Divers", dec!(1))
        ]
    );
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    assert!(app.basket.is_empty());
    assert_eq!(drafts::load(app.db.conn(), "T01").unwrap(), None);
}

#[test]
fn a_wrong_pin_delays_only_the_person_who_typed_it() {
    let dir = TempDir::new().unwrap();
    let mut app = till(&dir);
    press(&mut app, KeyCode::Down);
    for _ in 0..6 {
        add(&mut app, "0000");
    }
    assert!(
        matches!(&app.screen, Screen::Login(s) if s.msg.as_deref().unwrap_or("").contains("attendez")),
        "Youssef waits"
    );
    press(&mut app, KeyCode::Up);
    fixture::login_cashier(&mut app);
    assert!(
        matches!(app.screen, Screen::OpenShift(_)),
        "Amina signs in at once"
    );
}

#[test]
fn payment_fields_are_reached_with_the_arrows_and_the_weight_prompt_says_its_unit() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "DATT1");
    assert!(
        matches!(&app.screen, Screen::Sale(s) if matches!(s.prompt.as_ref().map(|p| p.kind), Some(PromptKind::Weight(_))))
    );
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("Poids en kg (ex. 0,750)"), "{text}");
    snap(&app, "weight_prompt");
    add(&mut app, "1,5");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "50");
    enter(&mut app);
    assert!(matches!(&app.screen, Screen::Payment(p) if p.on_reference));
    press(&mut app, KeyCode::Up);
    assert!(matches!(&app.screen, Screen::Payment(p) if !p.on_reference));
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("Moyen de paiement : Carte"), "{text}");
}

#[test]
fn counts_are_plural_only_above_one() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("Panier (1 ligne)"), "{text}");
    add(&mut app, "AMLOU1");
    assert!(screen_text(&app, 80, 24).contains("Panier (2 lignes)"));
}

#[test]
fn the_cooperative_view_uses_the_width_and_counts_distinct_tickets() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    add(&mut app, "AMLOU1");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Tab);
    enter(&mut app);
    enter(&mut app);
    enter(&mut app);
    press(&mut app, KeyCode::F(5));
    let Screen::Coop(c) = &app.screen else {
        panic!("coop view")
    };
    assert_eq!(c.rows.len(), 2);
    assert_eq!(c.tickets, 1, "one ticket of two exhibitors is one ticket");
    snap(&app, "coop_width");
    let narrow = screen_text(&app, 80, 24);
    assert!(narrow.contains("14/05/2026") && !narrow.contains("2026-05-14"));
    assert!(!narrow.contains("Carte"), "{narrow}");
    let wide = screen_text(&app, 140, 30);
    for word in ["Carte", "Mobile", "Autre", "Coopérative Nahla", "Total"] {
        assert!(wide.contains(word), "{word}\n{wide}");
    }
}

#[test]
fn raw_os_and_sqlite_errors_reach_the_cashier_as_sentences() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    let full = rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
        Some("database or disk is full".into()),
    );
    app.fail(anyhow::Error::from(full));
    let s = status(&app);
    assert!(s.contains("disque est plein"), "{s}");
    assert!(
        !s.contains("Error code") && !s.contains("disk is full"),
        "{s}"
    );
    let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
    app.fail(anyhow::Error::from(missing));
    assert_eq!(status(&app), app.tr.t("err-not-found"));
    assert!(!status(&app).contains("os error"), "{}", status(&app));
}

#[test]
fn the_receipt_dates_read_like_people_write_them() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir);
    add(&mut app, "ARG1");
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    let mut texts = String::new();
    for e in std::fs::read_dir(dir.path().join("out")).unwrap() {
        texts.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap_or_default());
    }
    assert!(texts.contains("14/05/2026 10:30"), "{texts}");
    assert!(!texts.contains("2026-05-14"), "{texts}");
}
