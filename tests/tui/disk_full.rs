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
