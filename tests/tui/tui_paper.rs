//! The till's paper documents (X and Z reports, statement, stall slip, day slip, phase summary and totals,
//! tills status), by the path the till really uses: the printer queue, its worker and the file printer,
//! rendered by `receipts/*.j2` at 58 and 80 mm; the text and the decoded ESC/POS bytes are snapshotted, and no
//! line is wider than the roll.
use ratatui::crossterm::event::KeyCode;
use souk::documents::sink::QueueSink;
use souk::print::{PrinterConfig, Profile};
use souk::tui::app::{App, Overlay, Screen};
use souk::tui::fixture::{self, enter, open_shift, press, type_text};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn till(dir: &Path, profile: &str) -> App {
    let db = fixture::create(&dir.join("m.db"), 0).unwrap();
    let mut app = fixture::app(db, "fr").unwrap();
    let cfg = PrinterConfig {
        dir: dir.join("papier"),
        profile: profile.into(),
        ..Default::default()
    };
    app.sink = Box::new(QueueSink::start(&app.db, &cfg).unwrap());
    open_shift(&mut app);
    assert!(matches!(app.screen, Screen::Sale(_)), "{:?}", app.status);
    app
}

fn sell(app: &mut App, what: &str) {
    type_text(app, what);
    enter(app);
    press(app, KeyCode::F(2));
    enter(app);
    enter(app);
}

/// The file printer's job ending in `suffix` (`.txt` and `.bin`), once the worker has written it.
fn job(out: &Path, suffix: &str) -> (String, Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found: Option<PathBuf> = std::fs::read_dir(out).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with(suffix))
        });
        if let Some(p) = found {
            let bin = std::fs::read(p.with_extension("bin")).unwrap();
            return (std::fs::read_to_string(&p).unwrap(), bin);
        }
        let seen: Vec<String> = std::fs::read_dir(out)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            Instant::now() < deadline,
            "no job *{suffix} in {}: {seen:?}",
            out.display()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// The journal's chain head differs from run to run (PIN hashes are salted), and a settlement is dated by
/// the clock: both shown as placeholders.
fn redact(s: &str) -> String {
    s.split('\n')
        .map(|l| {
            let hex = l.trim().len() >= 16 && l.trim().chars().all(|c| c.is_ascii_hexdigit());
            let stamped = l.find("Imprimé le").filter(|_| !l.contains("14/05/2026"));
            if hex {
                "<tête de chaîne>".to_string()
            } else if let Some(at) = stamped {
                format!("{}Imprimé le <date d'édition>", &l[..at])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(name: &str, profile: &Profile, text: &str, bytes: &[u8]) {
    for l in text.lines() {
        assert!(
            l.chars().count() <= profile.columns as usize,
            "{name}: line wider than {} columns: {l:?}",
            profile.columns
        );
    }
    insta::assert_snapshot!(format!("{name}_text"), redact(text));
    let tr = souk::print::decode::transcript(bytes, profile.codepage).join("\n");
    insta::assert_snapshot!(format!("{name}_bytes"), redact(&tr));
}

#[test]
fn x_and_z_reports_print_through_the_queue_at_58_and_80_mm() {
    for name in ["generic-58", "generic-80"] {
        let dir = TempDir::new().unwrap();
        let profile = Profile::load(name, None).unwrap();
        let mut app = till(dir.path(), name);
        sell(&mut app, "ARG1");
        press(&mut app, KeyCode::F(10));
        type_text(&mut app, "1");
        assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(2));
        let out = dir.path().join("papier");
        let (text, bytes) = job(&out, "-report-X-T01-S0001.txt");
        check(&format!("x_{name}"), &profile, &text, &bytes);

        while !matches!(app.screen, Screen::Sale(_)) {
            press(&mut app, KeyCode::Esc);
        }
        press(&mut app, KeyCode::F(6));
        type_text(&mut app, "1"); // one 200 note
        press(&mut app, KeyCode::Down);
        type_text(&mut app, "1"); // one 100 note
        enter(&mut app);
        enter(&mut app);
        assert!(matches!(app.overlay, Some(Overlay::Approval(_))));
        type_text(&mut app, "9999");
        enter(&mut app);
        assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
        let (text, bytes) = job(&out, "-report-Z-T01-S0001.txt");
        assert!(text.contains("Accord superviseur"), "{text}");
        check(&format!("z_{name}"), &profile, &text, &bytes);
    }
}

/// A settlement statement printed from the settlement screen (F10, 4, F2), through the queue, at 58 and
/// 80 mm, by `receipts/settlement.j2`.
#[test]
fn a_statement_prints_through_the_queue_at_58_and_80_mm() {
    for name in ["generic-58", "generic-80"] {
        let dir = TempDir::new().unwrap();
        let profile = Profile::load(name, None).unwrap();
        let mut app = till(dir.path(), name);
        sell(&mut app, "ARG1");
        app.user = app.people.iter().find(|p| p.role.can_approve()).cloned();
        press(&mut app, KeyCode::F(10));
        type_text(&mut app, "4");
        assert!(matches!(app.screen, Screen::Settle(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(2));
        let out = dir.path().join("papier");
        let (text, bytes) = job(&out, "-settlement-RELEVE-E017-phase-1.txt");
        assert!(text.contains("RELEVÉ DE RÈGLEMENT"), "{text}");
        check(&format!("statement_{name}"), &profile, &text, &bytes);
    }
}

/// Back to the reports menu from a report, a settlement or the tills screen.
fn back_to_menu(app: &mut App) {
    press(app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Menu(_)), "{:?}", app.status);
}

/// The stall slip (F5, F2), then as a supervisor the day slip, the phase summary, the phase totals and the
/// tills status from the reports menu: each through the queue at 58 and 80 mm, by its own template.
#[test]
fn slips_print_through_the_queue_at_58_and_80_mm() {
    for name in ["generic-58", "generic-80"] {
        let dir = TempDir::new().unwrap();
        let profile = Profile::load(name, None).unwrap();
        let mut app = till(dir.path(), name);
        sell(&mut app, "ARG1");
        let out = dir.path().join("papier");

        press(&mut app, KeyCode::F(5));
        assert!(matches!(app.screen, Screen::Coop(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(2));
        let (text, bytes) = job(&out, "-stall-EXPO-E023-2026-05-14.txt");
        assert!(text.contains("RECETTES DU STAND"), "{text}");
        check(&format!("stall_{name}"), &profile, &text, &bytes);
        press(&mut app, KeyCode::Esc);

        app.user = app.people.iter().find(|p| p.role.can_approve()).cloned();
        press(&mut app, KeyCode::F(10));
        type_text(&mut app, "3");
        assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(2));
        let (text, bytes) = job(&out, "-day-JOUR-2026-05-14.txt");
        check(&format!("day_{name}"), &profile, &text, &bytes);
        back_to_menu(&mut app);

        type_text(&mut app, "4");
        assert!(matches!(app.screen, Screen::Settle(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(3));
        let (text, bytes) = job(&out, "-phase-REGLEMENT-phase-1.txt");
        assert!(text.contains("PROVISOIRE"), "{text}");
        check(&format!("phase_{name}"), &profile, &text, &bytes);
        back_to_menu(&mut app);

        type_text(&mut app, "5");
        assert!(matches!(app.screen, Screen::Report(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(2));
        let (text, bytes) = job(&out, "-totals-TOTAUX-phase-1.txt");
        check(&format!("totals_{name}"), &profile, &text, &bytes);
        back_to_menu(&mut app);

        type_text(&mut app, "6");
        assert!(matches!(app.screen, Screen::Tills(_)), "{:?}", app.status);
        press(&mut app, KeyCode::F(2));
        let (text, bytes) = job(&out, "-tills-CAISSES-2026-05-14.txt");
        assert!(text.contains("ÉTAT DES CAISSES"), "{text}");
        check(&format!("tills_{name}"), &profile, &text, &bytes);
    }
}

/// The day's takings on screen are the paper's own lines (its template at 80 mm), so what the supervisor
/// reads is what F2 prints.
#[test]
fn the_day_screen_shows_the_paper_it_prints() {
    let dir = TempDir::new().unwrap();
    let mut app = till(dir.path(), "generic-80");
    sell(&mut app, "ARG1");
    app.user = app.people.iter().find(|p| p.role.can_approve()).cloned();
    press(&mut app, KeyCode::F(10));
    type_text(&mut app, "3");
    let Screen::Report(st) = &app.screen else {
        panic!("{:?}", app.status)
    };
    assert!(
        st.lines.iter().any(|l| l.contains("RECETTES DU JOUR")),
        "{:?}",
        st.lines
    );
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| souk::tui::draw(f, &app)).unwrap();
    insta::assert_snapshot!("day_screen_80x24", redact(&t.backend().to_string()));
    press(&mut app, KeyCode::F(2));
    let (text, _) = job(&dir.path().join("papier"), "-day-JOUR-2026-05-14.txt");
    let shown: Vec<&str> = st_lines(&app);
    for line in text.lines().filter(|l| !l.starts_with('✂')) {
        assert!(shown.contains(&line), "{line:?} printed but not shown");
    }
}

fn st_lines(app: &App) -> Vec<&str> {
    match &app.screen {
        Screen::Report(st) => st.lines.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}
