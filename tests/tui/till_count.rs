//! The cash count that closes a shift: a decimal mark on a row of notes is refused (not read as more notes),
//! and a total typed on the last row prints as such on the Z, not as « 1 x 123,45 ».
use ratatui::crossterm::event::KeyCode;
use souk::tui::app::{Overlay, Screen};
use souk::tui::fixture::{self, SUPERVISOR, enter, open_shift, press, type_text};
use tempfile::TempDir;

#[test]
fn a_typed_total_prints_as_such_and_a_comma_never_counts_notes() {
    let dir = TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(souk::tui::FileSink::new(dir.path().join("out"), "fr"));
    open_shift(&mut app);
    press(&mut app, KeyCode::F(6));
    type_text(&mut app, "12,");
    let s = app.status.as_ref().expect("a refusal");
    assert!(s.error && s.text.contains("entier"), "{}", s.text);
    match &app.screen {
        Screen::Close(st) => assert_eq!(st.counts[0], 12, "the comma counts no note"),
        _ => panic!("count screen"),
    }
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    for _ in 0..20 {
        press(&mut app, KeyCode::Down);
    }
    type_text(&mut app, "199,50");
    enter(&mut app);
    enter(&mut app);
    assert!(matches!(app.overlay, Some(Overlay::Approval(_))));
    type_text(&mut app, SUPERVISOR.1);
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
    let z = std::fs::read_to_string(dir.path().join("out/Z-T01-S0001.txt")).unwrap();
    assert!(z.contains("Total saisi"), "{z}");
    assert!(!z.contains("1 x 199,50"), "{z}");
}
