//! The till's receipts: a sale and its print job commit together; a receipt that cannot be rendered leaves
//! the sale committed with a failed job that says why; a reprint is a DUPLICATA.
use ratatui::crossterm::event::KeyCode;
use souk::storage::print_jobs::{self, JobState};
use souk::tui::MemorySink;
use souk::tui::app::{App, Screen};
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use tempfile::TempDir;

fn selling(dir: &TempDir, sink: MemorySink) -> App {
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(sink);
    open_shift(&mut app);
    assert!(matches!(app.screen, Screen::Sale(_)), "{:?}", app.status);
    app
}

fn sell_one(app: &mut App) {
    type_text(app, "ARG1");
    enter(app);
    press(app, KeyCode::F(2));
    enter(app);
    enter(app);
}

fn jobs(app: &App) -> Vec<print_jobs::JobInfo> {
    print_jobs::list(app.db.conn(), 10).unwrap()
}

#[test]
fn a_sale_commits_with_its_receipt_job() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir, MemorySink::default());
    sell_one(&mut app);
    let jobs = jobs(&app);
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(
        (
            jobs[0].kind.as_str(),
            jobs[0].subject.as_str(),
            jobs[0].state
        ),
        ("sale", "T01-000001", JobState::Pending)
    );
    let text: String = app
        .db
        .conn()
        .query_row("SELECT text FROM print_jobs", [], |r| r.get(0))
        .unwrap();
    assert!(text.contains("T01-000001"), "{text}");
    assert!(!text.contains("DUPLICATA"), "{text}");
}

#[test]
fn an_unrenderable_receipt_leaves_the_sale_and_a_failed_job() {
    let dir = TempDir::new().unwrap();
    let mut sink = MemorySink::default();
    sink.fail = Some("sale.j2 ligne 3".into());
    let mut app = selling(&dir, sink);
    sell_one(&mut app);
    let n: i64 = app
        .db
        .conn()
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert!(app.basket.is_empty());
    let jobs = jobs(&app);
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].state, JobState::Failed);
    assert!(
        jobs[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("sale.j2 ligne 3"),
        "{jobs:?}"
    );
    assert!(app.status.as_ref().unwrap().error, "{:?}", app.status);
}

#[test]
fn a_reprint_is_queued_as_a_duplicata() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir, MemorySink::default());
    sell_one(&mut app);
    press(&mut app, KeyCode::F(3));
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Ticket(_)), "{:?}", app.status);
    press(&mut app, KeyCode::F(2));
    let jobs = jobs(&app);
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert!(jobs[0].duplicate, "{jobs:?}");
    assert!(!jobs[1].duplicate, "{jobs:?}");
}

fn screen(app: &App) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    t.draw(|f| souk::tui::draw(f, app)).unwrap();
    t.backend().to_string()
}

/// Drawing reads the state only: the phase label changes on a tick, not per frame.
#[test]
fn the_phase_label_is_computed_on_tick_not_while_drawing() {
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir, MemorySink::default());
    assert!(screen(&app).contains("Phase 1"));
    let later = souk::storage::clock::parse_local("2031-01-02 10:00").unwrap();
    app.fixed_now = Some(app.clock.at_local(later).unwrap());
    assert!(screen(&app).contains("Phase 1"), "drawing ran no query");
    souk::tui::update(&mut app, souk::tui::Event::Tick { idle_secs: 0 });
    assert!(screen(&app).contains("hors phase"), "{}", screen(&app));
}

/// The print worker's news arrive as `Event::Printer` through `update`; drawing never drains them.
#[test]
fn printer_events_reach_the_status_bar_through_update() {
    use souk::documents::sink::QueueSink;
    use souk::print::PrinterConfig;
    let dir = TempDir::new().unwrap();
    let mut app = selling(&dir, MemorySink::default());
    let cfg = PrinterConfig {
        driver: souk::print::driver::DriverKind::Usb,
        path: Some(dir.path().join("absent-lp0")),
        ..Default::default()
    };
    app.sink = Box::new(QueueSink::start(&app.db, &cfg).unwrap());
    sell_one(&mut app);
    assert!(screen(&app).contains("prête"), "{}", screen(&app));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut events = Vec::new();
    while events.is_empty() {
        assert!(std::time::Instant::now() < deadline, "no printer event");
        std::thread::sleep(std::time::Duration::from_millis(20));
        events = app.sink.take_events();
    }
    assert!(screen(&app).contains("prête"), "drawing drained nothing");
    for ev in events {
        souk::tui::update(&mut app, souk::tui::Event::Printer(ev));
    }
    assert!(screen(&app).contains("hors ligne"), "{}", screen(&app));
}
