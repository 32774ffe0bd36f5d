//! `update` asks for printing as an effect and never calls the sink: the X report, a stall slip and a
//! reprint come back from `update` as effects, and nothing is printed until the loop carries them out.
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use souk::documents::paper::Paper;
use souk::tui::app::{App, Effect, Event, Screen};
use souk::tui::effects::carry_out;
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use souk::tui::{FileSink, MemorySink, update};
use std::path::Path;
use tempfile::TempDir;

/// A till with a shift open and one sale of ARG1 (stall E023), printing into `dir/out`.
fn till(dir: &Path) -> App {
    let db = fixture::create(&dir.join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(FileSink::new(dir.join("out"), "fr"));
    open_shift(&mut app);
    type_text(&mut app, "ARG1");
    enter(&mut app);
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Sale(_)), "{:?}", app.status);
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The one document an update asked to print.
fn printed(effects: &[Effect]) -> &Paper {
    match effects {
        [Effect::Print(p)] => p,
        other => panic!("one Print effect expected: {other:?}"),
    }
}

#[test]
fn printing_the_x_report_is_an_effect_the_loop_carries_out() {
    let dir = TempDir::new().unwrap();
    let mut app = till(dir.path());
    press(&mut app, KeyCode::F(10));
    type_text(&mut app, "1");
    assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
    let effects = key(&mut app, KeyCode::F(2));
    let paper = printed(&effects);
    assert!(matches!(paper, Paper::Shift(_)), "{paper:?}");
    assert_eq!(paper.subject(), "X-T01-S0001");
    let file = dir.path().join("out").join("X-T01-S0001.txt");
    assert!(!file.exists(), "update itself printed nothing");
    assert!(!carry_out(&mut app, effects));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("RAPPORT X"), "{text}");
}

#[test]
fn printing_a_stall_slip_is_an_effect() {
    let dir = TempDir::new().unwrap();
    let mut app = till(dir.path());
    press(&mut app, KeyCode::F(5));
    assert!(matches!(app.screen, Screen::Coop(_)), "{:?}", app.status);
    let effects = key(&mut app, KeyCode::F(2));
    let paper = printed(&effects);
    assert!(matches!(paper, Paper::Stall(_)), "{paper:?}");
    assert_eq!(paper.subject(), "EXPO-E023-2026-05-14");
    assert!(
        !dir.path()
            .join("out")
            .join("EXPO-E023-2026-05-14.txt")
            .exists()
    );
    assert!(!carry_out(&mut app, effects));
    let text =
        std::fs::read_to_string(dir.path().join("out").join("EXPO-E023-2026-05-14.txt")).unwrap();
    assert!(text.contains("RECETTES DU STAND"), "{text}");
    assert!(text.contains("E023 Coopérative Tighanimine"), "{text}");
}

#[test]
fn a_reprint_and_quit_are_effects() {
    let dir = TempDir::new().unwrap();
    let mut app = till(dir.path());
    press(&mut app, KeyCode::F(3));
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Ticket(_)), "{:?}", app.status);
    let effects = key(&mut app, KeyCode::F(2));
    assert!(
        matches!(effects.as_slice(), [Effect::Reprint(id)] if id == "T01-000001"),
        "{effects:?}"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let quit = update(
        &mut app,
        Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)),
    );
    assert!(matches!(quit.as_slice(), [Effect::Quit]), "{quit:?}");
}

/// A print the loop could not carry out comes back through `update`: the status bar says why.
#[test]
fn a_failed_print_comes_back_as_an_event() {
    let dir = TempDir::new().unwrap();
    let mut app = till(dir.path());
    let mut sink = MemorySink::default();
    sink.fail = Some("plus de papier".into());
    app.sink = Box::new(sink);
    press(&mut app, KeyCode::F(10));
    type_text(&mut app, "1");
    press(&mut app, KeyCode::F(2));
    let status = app.status.clone().unwrap();
    assert!(status.error, "{status:?}");
    assert!(status.text.contains("plus de papier"), "{status:?}");
}

/// Opening the drawer without a sale: once the supervisor's PIN is in, `update` asks for the pulse and
/// journals nothing yet; the journal entry follows the pulse the loop sent.
#[test]
fn the_drawer_opens_as_an_effect_then_is_journalled() {
    let dir = TempDir::new().unwrap();
    let mut app = till(dir.path());
    fixture::ctrl(&mut app, 't');
    type_text(&mut app, "9999");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(effects.as_slice(), [Effect::OpenDrawer { approver }] if approver == "Youssef"),
        "{effects:?}"
    );
    let journalled = |app: &App| -> i64 {
        app.db
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM journal WHERE kind = 'drawer'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(journalled(&app), 0);
    assert!(!dir.path().join("out/TIROIR-0001.txt").exists());
    assert!(!carry_out(&mut app, effects));
    assert_eq!(journalled(&app), 1);
    assert!(dir.path().join("out/TIROIR-0001.txt").exists());
}
