//! The till on a full disk: the sale is refused with a French sentence (what is full, what to do), never
//! SQLite's "database or disk is full", and the basket is kept.
use crate::support::media::TinyDisk;
use ratatui::crossterm::event::KeyCode;
use souk::tui::FileSink;
use souk::tui::app::Screen;
use souk::tui::fixture::{self, enter, open_shift, press, type_text};

#[test]
fn a_sale_on_a_full_disk_says_so_in_french_and_keeps_the_basket() {
    let Some(disk) = TinyDisk::mount(2048) else {
        return;
    };
    let db = fixture::create(&disk.path("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.sink = Box::new(FileSink::new(disk.path("out"), "fr"));
    open_shift(&mut app);
    type_text(&mut app, "ARG1");
    enter(&mut app);
    disk.fill();
    press(&mut app, KeyCode::F(2));
    enter(&mut app);
    enter(&mut app);
    let status = app.status.clone().expect("a message");
    assert!(status.error, "{}", status.text);
    assert!(
        status.text.starts_with("le disque est plein"),
        "{}",
        status.text
    );
    assert!(
        !status.text.contains("database or disk is full"),
        "{}",
        status.text
    );
    let n: i64 = app
        .db
        .conn()
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    assert!(matches!(app.screen, Screen::Payment(_)));
    assert!(!app.basket.is_empty());
}

/// Opened read-only (what the till does on a full disk): the login checks the PIN without writing, lands on the
/// reports menu under the banner, and every way back leads there; nothing is journalled.
#[test]
fn a_read_only_till_shows_the_reports_under_a_banner_and_writes_nothing() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let dir = tempfile::tempdir().unwrap();
    let db = fixture::create(&dir.path().join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    app.read_only = Some(souk::tui::read_only::banner(
        souk::files::explain::Trouble::DiskFull,
    ));
    app.sink = Box::new(souk::tui::read_only::ReadOnlySink);
    let entries = |app: &souk::tui::App| -> i64 {
        app.db
            .conn()
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
            .unwrap()
    };
    let before = entries(&app);
    type_text(&mut app, "0000");
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Login(_)));
    // A wrong PIN makes the person wait, in memory, before the next try.
    type_text(&mut app, fixture::CASHIER.1);
    enter(&mut app);
    assert!(matches!(app.screen, Screen::Login(_)));
    if let Screen::Login(st) = &mut app.screen {
        assert!(
            st.msg.as_deref().unwrap_or("").contains("attendez"),
            "{:?}",
            st.msg
        );
        st.wait_until.clear();
        st.pin.clear();
    }
    fixture::login_cashier(&mut app);
    assert!(matches!(app.screen, Screen::Menu(_)), "reports only");
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| souk::tui::draw(f, &app)).unwrap();
    insta::assert_snapshot!("read_only_menu_80x24", t.backend());
    press(&mut app, KeyCode::Char('2'));
    assert!(matches!(app.screen, Screen::Coop(_)));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Menu(_)));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Menu(_)));
    assert_eq!(entries(&app), before, "nothing journalled");
}

/// The real binary on a full disk (tmpfs, root only): it opens read-only with the French banner and shows the
/// reports after the PIN, where it used to refuse to start.
#[test]
fn the_till_starts_on_a_full_disk_to_show_reports() {
    till_on_troubled_disk(
        TinyDisk::fill,
        "disque plein : consultation seulement, libérez de la place pour vendre",
    );
}

/// The same on a read-only medium (a write-protected USB stick).
#[test]
fn the_till_starts_on_a_read_only_medium_to_show_reports() {
    till_on_troubled_disk(
        TinyDisk::read_only,
        "support en lecture seule : consultation seulement",
    );
}

fn till_on_troubled_disk(trouble: fn(&TinyDisk), banner: &str) {
    let Some(disk) = TinyDisk::mount(4096) else {
        return;
    };
    let db_path = disk.path("m.db");
    drop(fixture::create(&db_path, 0).unwrap());
    trouble(&disk);
    let mut till = crate::support::pty::Till::start(&db_path, &[]);
    till.wait_for(banner);
    till.send(&format!("{}\r", fixture::CASHIER.1));
    till.wait_for("Recettes du jour par exposant");
    till.kill();
}
