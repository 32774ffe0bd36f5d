//! A shift is one cashier's drawer: after the till was quit under an open shift, another cashier cannot sell
//! into it (their sales would land in someone else's cash count); a supervisor may, to close it, and the Z
//! report names the shift's cashier on screen as on paper.
use ratatui::crossterm::event::KeyCode;
use souk::domain::Role;
use souk::tui::app::Screen;
use souk::tui::fixture::{self, SUPERVISOR, enter, open_shift, press, type_text};
use tempfile::TempDir;

#[test]
fn another_cashier_cannot_sell_into_an_open_shift_but_a_supervisor_can_close_it() {
    let dir = TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    souk::storage::people::add_person(db.conn(), "Bilal", Role::Cashier, "4321").unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    open_shift(&mut app);
    type_text(&mut app, "E031 82");
    enter(&mut app);
    app.screen = app.logout();

    press(&mut app, KeyCode::Down); // Bilal, the second cashier
    type_text(&mut app, "4321");
    enter(&mut app);
    assert!(app.user.is_none(), "Bilal was let into Amina's shift");
    match &app.screen {
        Screen::Login(st) => {
            let msg = st.msg.as_deref().unwrap_or_default();
            assert!(msg.contains("Service de Amina ouvert ici"), "{msg}");
            assert!(st.pin.is_empty());
        }
        _ => panic!("still at login"),
    }

    press(&mut app, KeyCode::Down); // the supervisor
    type_text(&mut app, SUPERVISOR.1);
    enter(&mut app);
    assert_eq!(
        app.user.as_ref().map(|p| p.name.as_str()),
        Some(SUPERVISOR.0)
    );
    assert!(matches!(app.screen, Screen::Sale(_)), "{:?}", app.status);
    let totals =
        souk::storage::shifts::shift_totals(app.db.conn(), &app.shift.as_ref().unwrap().id)
            .unwrap();
    assert_eq!(totals.cashier, "Amina");
}
