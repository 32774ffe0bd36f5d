//! One keystroke in the search field plus one full frame into a `TestBackend`, over 20,000 products.
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use souk::tui::fixture;

fn keystroke_and_frame(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().unwrap();
    let db = fixture::create(&dir.path().join("bench.db"), 20_000).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    fixture::open_shift(&mut app);
    fixture::type_text(&mut app, "6111234500031");
    fixture::enter(&mut app);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    // Alternate typing and erasing one letter after "mie": each iteration is one real keystroke that re-ranks
    // (the erase widens the query again, so no iteration benefits from the previous one's narrowing).
    fixture::type_text(&mut app, "mie");
    let mut typed = false;
    c.bench_function("search keystroke + frame (20k products, 120x40)", |b| {
        b.iter(|| {
            if typed {
                fixture::press(&mut app, KeyCode::Backspace);
            } else {
                fixture::press(&mut app, KeyCode::Char('l'));
            }
            typed = !typed;
            term.draw(|f| souk::tui::draw(f, &app)).unwrap();
        })
    });
}

criterion_group!(benches, keystroke_and_frame);
criterion_main!(benches);
