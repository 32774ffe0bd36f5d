//! A stored code no version writes is an error naming its table, row and column, never a plausible default:
//! reading the ticket back, and exporting it for the organiser, both refuse it.
use souk::storage::Error;
use souk::storage::tickets::load_ticket;
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use tempfile::TempDir;

#[test]
fn a_corrupt_stored_code_is_named_not_defaulted() {
    let dir = TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    open_shift(&mut app);
    type_text(&mut app, "amlou");
    enter(&mut app);
    press(&mut app, ratatui::crossterm::event::KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    let id: String = app
        .db
        .conn()
        .query_row("SELECT id FROM tickets", [], |r| r.get(0))
        .expect("the sale was recorded");
    app.db
        .conn()
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             DROP TRIGGER payments_no_update; UPDATE payments SET method = 'cheque';
             DROP TRIGGER lines_no_update; UPDATE ticket_lines SET unit = 'g';",
        )
        .unwrap();
    let e: Error = load_ticket(app.db.conn(), &id).unwrap_err().into();
    match &e {
        Error::Corrupt {
            table, column, row, ..
        } => assert_eq!(
            (*table, column.as_str(), row.as_str()),
            ("ticket_lines", "unit", id.as_str())
        ),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("« g »"), "{e}");
    let out = dir.path().join("b.souk");
    let export = souk::sync::export(&app.db, &out, None, false);
    let msg = format!("{:#}", export.expect_err("a corrupt row is not exported"));
    assert!(msg.contains("ticket_lines") && msg.contains(&id), "{msg}");
}
