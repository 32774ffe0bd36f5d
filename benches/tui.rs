//! One keystroke in the search field plus one full frame into a `TestBackend`, over 20,000 products.
//! Three keystrokes a cashier makes: the first letter in an empty field (scans the whole catalogue), one more
//! letter (narrows what matched), and Backspace (widens again).
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use souk::tui::app::App;
use souk::tui::fixture;

fn till(dir: &tempfile::TempDir) -> App {
    let db = fixture::create(&dir.path().join("bench.db"), 20_000).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    fixture::open_shift(&mut app);
    fixture::type_text(&mut app, "6111234500031");
    fixture::enter(&mut app);
    app
}

/// Each iteration presses `key` then the key that undoes it (unmeasured would skew nothing: both are real
/// keystrokes), and draws a frame after each.
fn pair(c: &mut Criterion, name: &str, prefix: &str, first: KeyCode, second: KeyCode) {
    let dir = tempfile::TempDir::new().unwrap();
    let mut app = till(&dir);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    fixture::type_text(&mut app, prefix);
    let mut toggle = false;
    c.bench_function(name, |b| {
        b.iter(|| {
            fixture::press(&mut app, if toggle { second } else { first });
            toggle = !toggle;
            term.draw(|f| souk::tui::draw(f, &app)).unwrap();
        })
    });
}

fn keystrokes(c: &mut Criterion) {
    // "mie" + 'l' / Backspace: one narrowing and one widening keystroke per two iterations.
    pair(
        c,
        "search keystroke + frame (20k products, 120x40)",
        "mie",
        KeyCode::Char('l'),
        KeyCode::Backspace,
    );
    // '' + 'm' / Backspace: the first letter of a search over the whole catalogue, then clearing it.
    pair(
        c,
        "first letter + frame (20k products, 120x40)",
        "",
        KeyCode::Char('m'),
        KeyCode::Backspace,
    );
    // The same with an Arabic letter: the Arabic names are scanned.
    pair(
        c,
        "first Arabic letter + frame (20k products, 120x40)",
        "",
        KeyCode::Char('ع'),
        KeyCode::Backspace,
    );
    // Baseline: the frame alone, same screen, no keystroke.
    let dir = tempfile::TempDir::new().unwrap();
    let mut app = till(&dir);
    fixture::type_text(&mut app, "miel");
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("frame only, baseline (120x40)", |b| {
        b.iter(|| {
            term.draw(|f| souk::tui::draw(f, &app)).unwrap();
        })
    });
}

/// A keystroke that changes the basket (Suppr on a line, then the frame), with the draft basket written to the
/// database and without: the difference is what keeping the basket across a crash costs per keystroke.
fn basket_keystroke(c: &mut Criterion) {
    use std::time::{Duration, Instant};
    for (name, no_draft) in [
        (
            "basket keystroke + draft write + frame (20k products, 120x40)",
            false,
        ),
        (
            "basket keystroke + frame, no draft (20k products, 120x40)",
            true,
        ),
    ] {
        let dir = tempfile::TempDir::new().unwrap();
        let mut app = till(&dir);
        app.basket.no_draft = no_draft;
        let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    // Unmeasured: a second line, then the basket focused on it.
                    fixture::type_text(&mut app, "AMLOU1");
                    fixture::enter(&mut app);
                    fixture::press(&mut app, KeyCode::Tab);
                    let start = Instant::now();
                    fixture::press(&mut app, KeyCode::Delete);
                    term.draw(|f| souk::tui::draw(f, &app)).unwrap();
                    spent += start.elapsed();
                    fixture::press(&mut app, KeyCode::Esc);
                }
                spent
            })
        });
    }
    // The write alone: a three-line basket replacing the previous draft.
    let dir = tempfile::TempDir::new().unwrap();
    let mut app = till(&dir);
    for code in ["AMLOU1", "SAVON1"] {
        fixture::type_text(&mut app, code);
        fixture::enter(&mut app);
    }
    let lines = app.basket.lines.clone();
    let mut n = 0u32;
    c.bench_function("draft write alone (3 lines)", |b| {
        b.iter(|| {
            n += 1;
            let at = format!("2026-05-14T10:{:02}:00Z", n % 60);
            app.db
                .save_draft("T01", "Amina", None, &lines, &at)
                .unwrap();
        })
    });
}

criterion_group!(benches, keystrokes, basket_keystroke);
criterion_main!(benches);
