//! The start screen of a laptop with no identity: drawn at 80×24, driven key by key, and on the real binary in
//! a pseudo-terminal through to the till's login.
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use souk::domain::{Collector, Role, Till};
use souk::storage::identity::{Identity, identity};
use souk::storage::{Db, catalogue, people};
use souk::tui::identify::{Effect, IdentifyState, update};
use std::path::Path;

pub const ORGANISER: (&str, &str) = ("Karim", "432187");

/// The fixture market with tills T02 and T03 and an organiser, its identity lost (restored without it).
pub fn unidentified(path: &Path, organiser: bool) -> Db {
    let db = souk::tui::fixture::create(path, 0).unwrap();
    for id in ["T02", "T03"] {
        let t = Till {
            id: id.into(),
            name: format!("Stand {id}"),
            collector: Collector::Exhibitor,
        };
        catalogue::upsert_till(db.conn(), &t).unwrap();
    }
    if organiser {
        people::add_person(db.conn(), ORGANISER.0, Role::Organiser, ORGANISER.1).unwrap();
    }
    db.conn().execute("DELETE FROM identity", []).unwrap();
    db
}

fn key(st: &mut IdentifyState, code: KeyCode) -> Effect {
    update(st, KeyEvent::new(code, KeyModifiers::NONE))
}

fn text(st: &mut IdentifyState, s: &str) {
    for c in s.chars() {
        key(st, KeyCode::Char(c));
    }
}

fn snap(st: &IdentifyState, name: &str) {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| souk::tui::identify::draw(f, st)).unwrap();
    insta::assert_snapshot!(name, t.backend());
}

#[test]
fn the_start_screen_asks_which_till_and_an_organisers_pin() {
    let dir = tempfile::tempdir().unwrap();
    let db = unidentified(&dir.path().join("m.db"), true);
    let mut st = IdentifyState::new(db, "fr", None).unwrap();
    st.fixed_now = Some(souk::tui::fixture::now());
    snap(&st, "identify_start_80x24");

    // A reserved name, then an unknown till: said at once, the field stays.
    text(&mut st, "org");
    assert_eq!(key(&mut st, KeyCode::Enter), Effect::Stay);
    snap(&st, "identify_reserved_80x24");
    for _ in 0..3 {
        key(&mut st, KeyCode::Backspace);
    }
    text(&mut st, "T09");
    key(&mut st, KeyCode::Enter);
    assert!(
        st.msg.as_deref().unwrap().contains("T09 inconnue"),
        "{:?}",
        st.msg
    );

    // T03, a wrong PIN (journalled as at login), then the right one.
    for _ in 0..3 {
        key(&mut st, KeyCode::Backspace);
    }
    text(&mut st, "t03");
    key(&mut st, KeyCode::Tab);
    key(&mut st, KeyCode::Enter);
    text(&mut st, "0000");
    assert_eq!(key(&mut st, KeyCode::Enter), Effect::Stay);
    snap(&st, "identify_wrong_pin_80x24");
    text(&mut st, ORGANISER.1);
    assert_eq!(key(&mut st, KeyCode::Enter), Effect::Done("T03".into()));
    assert_eq!(
        identity(st.db.conn()).unwrap(),
        Identity::Till { id: "T03".into() }
    );
    let failed: i64 = st
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM journal WHERE kind = 'pin_failed' AND actor = 'Karim'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 1);
}

#[test]
fn leaving_the_start_screen_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = unidentified(&dir.path().join("m.db"), true);
    let mut st = IdentifyState::new(db, "fr", Some("t02")).unwrap();
    assert_eq!(st.till, "T02");
    let q = update(
        &mut st,
        KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL),
    );
    assert_eq!(q, Effect::Quit);
    assert_eq!(identity(st.db.conn()).unwrap(), Identity::Unset);
}

/// The real binary on a laptop with no identity, in a 80×24 pseudo-terminal: the start screen, the till id and
/// the organiser's PIN, then the till's login as T03.
#[test]
fn the_real_till_asks_which_till_it_is_then_opens_as_that_till() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("poste.db");
    drop(unidentified(&db_path, true));
    let out = dir.path().join("imprimante");
    let mut till =
        crate::support::pty::Till::start(&db_path, &["--printer-dir", out.to_str().unwrap()]);
    till.wait_for("Ce poste n'a pas encore d'identité");
    till.send("T03\t\r");
    till.send(ORGANISER.1);
    till.send("\r");
    till.wait_for("Connexion — caisse T03");
    till.kill();
    let db = Db::open(&db_path).unwrap();
    assert_eq!(
        identity(db.conn()).unwrap(),
        Identity::Till { id: "T03".into() }
    );
}
