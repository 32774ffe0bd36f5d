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
    app.print_ticket("T01-000001");
    let jobs = jobs(&app);
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert!(jobs[0].duplicate, "{jobs:?}");
    assert!(!jobs[1].duplicate, "{jobs:?}");
}
