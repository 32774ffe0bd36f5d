//! A value the domain refuses is refused before any supervisor is asked (no approval journalled for nothing),
//! and the refusal names the line by its place in the basket.
use ratatui::crossterm::event::KeyCode;
use souk::tui::app::App;
use souk::tui::fixture::{self, enter, press, type_text};
use tempfile::TempDir;

fn basket_of_two(dir: &TempDir) -> App {
    let mut app = fixture::selling(&dir.path().join("m.db"), &["ARG1", "AMLOU1"]).unwrap();
    assert_eq!(app.basket.lines.len(), 2);
    press(&mut app, KeyCode::Tab);
    app
}

fn prompt(app: &mut App, key: char, text: &str) {
    press(app, KeyCode::Char(key));
    type_text(app, text);
    enter(app);
}

fn refused_without_approval(app: &App, needle: &str) {
    assert!(app.overlay.is_none(), "a supervisor was asked");
    let s = app.status.as_ref().expect("a refusal");
    assert!(s.error && s.text.contains(needle), "{}", s.text);
    let approvals: i64 = app
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM journal WHERE kind IN ('approval', 'price_override')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(approvals, 0);
}

#[test]
fn refused_values_ask_no_supervisor_and_name_their_line() {
    let dir = TempDir::new().unwrap();
    let mut app = basket_of_two(&dir);
    let line = |app: &App| match &app.screen {
        souk::tui::app::Screen::Sale(st) => st.line,
        _ => panic!("sale screen"),
    };
    if line(&app) == 0 {
        press(&mut app, KeyCode::Down);
    }
    let last = line(&app);
    assert_eq!(last, 1, "the second line is selected");
    prompt(&mut app, 'p', "2000000");
    refused_without_approval(&app, "dépasse");
    prompt(&mut app, 'r', "500");
    refused_without_approval(&app, "remise");
    prompt(&mut app, 'q', "1,5");
    let s = app.status.as_ref().expect("a refusal");
    assert!(
        s.text.contains(&format!("ligne {}", last + 1)),
        "line {}: {}",
        last + 1,
        s.text
    );
    assert_eq!(app.basket.lines[last].quantity, rust_decimal::Decimal::ONE);
}

#[test]
fn a_sundry_of_nothing_is_refused() {
    let dir = TempDir::new().unwrap();
    let app = fixture::selling(&dir.path().join("m.db"), &["E031 0"]).unwrap();
    assert!(app.basket.lines.is_empty());
    let s = app.status.as_ref().expect("a refusal");
    assert!(s.error && s.text.contains("0,00 DH"), "{}", s.text);
}
