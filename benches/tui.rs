//! One keystroke in the search field plus the frame it causes, into a 120×40 `TestBackend`, over 20,000
//! products: the first letter in an empty field (scans the whole catalogue), the same with an Arabic letter,
//! one more letter (narrows what matched) and Backspace (widens again).
//!
//! Only the keystroke and its frame are timed. Between two timed keystrokes the key that undoes it is pressed
//! and drawn untimed, so each timed keystroke starts from the same field and the same previous frame as a
//! cashier's would (a first letter really scans everything: Backspace to an empty field forgets earlier
//! searches).
//!
//! Baseline, per keystroke (`… frame only`): the frame alone of the same screen, drawn over the same previous
//! screen (a second till in the state before the keystroke is drawn untimed first). Keystroke minus baseline is
//! what the search costs.
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use souk::tui::app::App;
use souk::tui::fixture;
use std::time::{Duration, Instant};

fn till(dir: &tempfile::TempDir, name: &str, typed: &str) -> App {
    let db = fixture::create(&dir.path().join(name), 20_000).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    fixture::open_shift(&mut app);
    fixture::type_text(&mut app, "6111234500031");
    fixture::enter(&mut app);
    fixture::type_text(&mut app, typed);
    app
}

fn term() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).unwrap()
}

/// `key` pressed on a field holding `before`, then undone by `undo` untimed.
fn keystroke(c: &mut Criterion, name: &str, before: &str, key: KeyCode, undo: KeyCode) {
    let dir = tempfile::TempDir::new().unwrap();
    let mut app = till(&dir, "key.db", before);
    let mut t = term();
    t.draw(|f| souk::tui::draw(f, &app)).unwrap();
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                fixture::press(&mut app, key);
                t.draw(|f| souk::tui::draw(f, &app)).unwrap();
                spent += started.elapsed();
                fixture::press(&mut app, undo);
                t.draw(|f| souk::tui::draw(f, &app)).unwrap();
            }
            spent
        })
    });
}

/// The frame of the screen after the keystroke (field holding `after`), over the screen before it.
fn frame_only(c: &mut Criterion, name: &str, before: &str, after: &str) {
    let dir = tempfile::TempDir::new().unwrap();
    let (pre, post) = (till(&dir, "pre.db", before), till(&dir, "post.db", after));
    let mut t = term();
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                t.draw(|f| souk::tui::draw(f, &pre)).unwrap();
                let started = Instant::now();
                t.draw(|f| souk::tui::draw(f, &post)).unwrap();
                spent += started.elapsed();
            }
            spent
        })
    });
}

fn keystrokes(c: &mut Criterion) {
    let (m, l, back, ain) = (
        KeyCode::Char('m'),
        KeyCode::Char('l'),
        KeyCode::Backspace,
        KeyCode::Char('ع'),
    );
    keystroke(
        c,
        "first letter + frame (20k products, 120x40)",
        "",
        m,
        back,
    );
    frame_only(c, "first letter, frame only", "", "m");
    keystroke(c, "first Arabic letter + frame", "", ain, back);
    frame_only(c, "first Arabic letter, frame only", "", "ع");
    keystroke(c, "one more letter + frame", "mie", l, back);
    frame_only(c, "one more letter, frame only", "mie", "miel");
    keystroke(c, "Backspace + frame", "miel", back, l);
    frame_only(c, "Backspace, frame only", "miel", "mie");
}

/// A keystroke that changes the basket (Suppr on a line, then the frame), with the draft basket written to the
/// database and without: the difference is what keeping the basket across a crash costs per keystroke.
fn basket_keystroke(c: &mut Criterion) {
    use std::time::Instant;
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
        let mut app = till(&dir, "basket.db", "");
        app.basket.no_draft = no_draft;
        let mut term = term();
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
    let mut app = till(&dir, "draft.db", "");
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

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4));
    targets = keystrokes, basket_keystroke
}
criterion_main!(benches);
