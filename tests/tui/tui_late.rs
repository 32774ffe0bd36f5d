//! The tills screen (F10 → 6) shows a till's late tickets: merged after their phase closed, settled in a
//! complement.
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use tempfile::TempDir;

#[test]
fn the_tills_screen_counts_late_tickets() {
    let dir = TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(souk::tui::FileSink::new(dir.path().join("out"), "fr"));
    open_shift(&mut app);
    type_text(&mut app, "amlou");
    enter(&mut app);
    press(&mut app, KeyCode::F(2));
    type_text(&mut app, "1000");
    enter(&mut app);
    enter(&mut app);
    let sold: i64 = app
        .db
        .conn()
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sold, 1, "{:?}", app.status);
    app.db
        .conn()
        .execute_batch(
            "INSERT INTO late_tickets (ticket_id, phase, complement, merged_at)
             VALUES ('T01-000001', 1, 1, '2026-06-02T10:00:00Z')",
        )
        .unwrap();
    app.user = app.people.iter().find(|p| p.role.can_approve()).cloned();
    press(&mut app, KeyCode::F(10));
    type_text(&mut app, "6");
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| souk::tui::draw(f, &app)).unwrap();
    let screen = t.backend().to_string();
    assert!(screen.contains("Tardifs"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("T01-000001"))
        .expect("the till's row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert!(cells.windows(2).any(|w| w == ["—", "1"]), "{row}");
}
