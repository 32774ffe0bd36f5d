//! PIN entry as a shared laptop meets it: an empty Enter (a bump, a scanner) is not a try, digits never pile up
//! behind a refusal, and approvals offer a supervisor first, never a locked person, so a cashier's slips cannot
//! lock the organiser out.
use souk::domain::Role;
use souk::tui::app::{App, Screen};
use souk::tui::fixture::{self, CASHIER, SUPERVISOR, enter, type_text};
use tempfile::TempDir;

fn failures(app: &App, name: &str) -> i64 {
    app.db
        .conn()
        .query_row(
            "SELECT failed_pins FROM people WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

fn login_msg(app: &App) -> (String, String) {
    match &app.screen {
        Screen::Login(st) => (st.msg.clone().unwrap_or_default(), st.pin.clone()),
        _ => panic!("at login"),
    }
}

#[test]
fn an_empty_enter_is_no_try_and_typed_digits_never_pile_up() {
    let dir = TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    enter(&mut app);
    let (msg, _) = login_msg(&app);
    assert!(msg.contains("Tapez le code"), "{msg}");
    assert_eq!(failures(&app, CASHIER.0), 0);

    type_text(&mut app, "0000");
    enter(&mut app);
    let (msg, pin) = login_msg(&app);
    assert!(msg.contains("Code incorrect"), "{msg}");
    assert!(pin.is_empty());
    // Typed again at once: whether refused or waited out, never kept for the next try.
    type_text(&mut app, "5555");
    enter(&mut app);
    let (_, pin) = login_msg(&app);
    assert!(pin.is_empty(), "digits kept: {pin}");
    type_text(&mut app, CASHIER.1);
    let (_, pin) = login_msg(&app);
    assert_eq!(pin, CASHIER.1);
}

#[test]
fn approvals_offer_a_supervisor_first_and_never_a_locked_person() {
    let dir = TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    souk::storage::people::add_person(db.conn(), "Karim", Role::Organiser, "8888").unwrap();
    souk::storage::people::add_person(db.conn(), "Zineb", Role::Supervisor, "7777").unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    let names =
        |app: &App| -> Vec<String> { app.supervisors().iter().map(|p| p.name.clone()).collect() };
    assert_eq!(names(&app), [SUPERVISOR.0, "Zineb", "Karim"]);
    app.db
        .conn()
        .execute("UPDATE people SET locked = 1 WHERE name = 'Zineb'", [])
        .unwrap();
    app.reload_people();
    assert_eq!(names(&app), [SUPERVISOR.0, "Karim"]);
}
