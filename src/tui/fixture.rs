//! A small market for tests, snapshots, the benchmark and the end-to-end test (not the demo market).
use super::app::App;
use super::{MemorySink, TillConfig};
use crate::domain::{Collector, Exhibitor, Market, Phase, Product, Role, Till, Unit};
use crate::storage::{Clock, Db, LocalTime, catalogue, people};
use anyhow::Result;
use rust_decimal::Decimal;
use std::path::Path;

/// The fixed local time of every snapshot.
pub const NOW: &str = "2026-05-14 10:30";
pub const CASHIER: (&str, &str) = ("Amina", "1234");
pub const SUPERVISOR: (&str, &str) = ("Youssef", "9999");

pub fn now() -> LocalTime {
    let local = crate::storage::clock::parse_local(NOW).expect("fixed time");
    Clock::market()
        .and_then(|c| c.at_local(local))
        .expect("fixed time")
}

fn exhibitor(code: &str, name: &str) -> Exhibitor {
    Exhibitor {
        name: name.into(),
        kind: "cooperative".into(),
        phases: vec![1],
        women_led: Some(true),
        ..Exhibitor::bare(code)
    }
}

pub fn product(
    ex: &str,
    code: &str,
    barcode: Option<&str>,
    fr: &str,
    ar: &str,
    unit: Unit,
    price: i64,
) -> Product {
    Product {
        code: code.into(),
        exhibitor_code: ex.into(),
        barcode: barcode.map(String::from),
        name_fr: fr.into(),
        name_ar: Some(ar.into()).filter(|a: &String| !a.is_empty()),
        unit,
        price: Decimal::new(price, 2),
        vat_rate: Decimal::ZERO,
    }
}

pub fn products() -> Vec<Product> {
    use Unit::*;
    vec![
        product(
            "E017",
            "MIEL1",
            Some("6111234500017"),
            "Miel de thym",
            "عسل الزعتر",
            Kg,
            25000,
        ),
        product(
            "E017",
            "AMLOU1",
            Some("6111234500024"),
            "Amlou 250 g",
            "أملو",
            Piece,
            8000,
        ),
        product(
            "E023",
            "ARG1",
            Some("6111234500031"),
            "Huile d'argan 250 ml",
            "زيت أركان",
            Piece,
            12000,
        ),
        product(
            "E023",
            "SAVON1",
            Some("6111234500048"),
            "Savon beldi",
            "صابون بلدي",
            Piece,
            2500,
        ),
        product(
            "E031",
            "DATT1",
            None,
            "Dattes Majhoul",
            "تمر المجهول",
            Kg,
            9000,
        ),
        product("E031", "TAP1", None, "Tapis Zanafi", "زربية", Piece, 150000),
    ]
}

/// Creates the market at `path`, with `extra` more generated products (the benchmark uses 20,000).
pub fn create(path: &Path, extra: usize) -> Result<Db> {
    let db = Db::create(path)?;
    let conn = db.conn();
    let market = Market {
        uuid: "00000000-0000-7000-8000-000000000001".into(),
        name: "Salon ESS Ifrane".into(),
        organiser: "Région Fès-Meknès".into(),
        city: "Ifrane".into(),
        currency: "MAD".into(),
        timezone: "Africa/Casablanca".into(),
        cash_rounding: None,
    };
    catalogue::insert_market(conn, &market, "2026-05-01T08:00:00Z")?;
    crate::storage::identity::set_till(conn, "T01", "2026-05-01T08:00:00Z")?;
    catalogue::upsert_phase(
        conn,
        &Phase {
            number: 1,
            name: "Phase 1".into(),
            starts: jiff::civil::date(2026, 5, 1),
            ends: jiff::civil::date(2026, 5, 31),
            closed: false,
        },
    )?;
    catalogue::upsert_till(
        conn,
        &Till {
            id: "T01".into(),
            name: "Caisse centrale".into(),
            collector: Collector::Organiser,
        },
    )?;
    for (c, n) in [
        ("E017", "Coopérative Nahla"),
        ("E023", "Coopérative Tighanimine"),
        ("E031", "Association Zanafi"),
    ] {
        catalogue::upsert_exhibitor(conn, &exhibitor(c, n))?;
    }
    conn.execute_batch("BEGIN")?;
    for p in products().iter().chain(bulk(extra).iter()) {
        catalogue::upsert_product(conn, p)?;
    }
    conn.execute_batch("COMMIT")?;
    people::add_person(conn, CASHIER.0, Role::Cashier, CASHIER.1)?;
    people::add_person(conn, SUPERVISOR.0, Role::Supervisor, SUPERVISOR.1)?;
    Ok(db)
}

/// Generated products with French and Arabic names, spread over the three exhibitors.
pub fn bulk(n: usize) -> Vec<Product> {
    const FR: [&str; 8] = [
        "Miel", "Huile", "Savon", "Tapis", "Couscous", "Poterie", "Dattes", "Amlou",
    ];
    const AR: [&str; 8] = [
        "عسل",
        "زيت",
        "صابون",
        "زربية",
        "كسكس",
        "فخار",
        "تمر",
        "أملو",
    ];
    const EX: [&str; 3] = ["E017", "E023", "E031"];
    (0..n)
        .map(|i| {
            let k = i % 8;
            let name = format!("{} n°{i}", FR[k]);
            let ar = format!("{} {i}", AR[k]);
            let code = format!("P{i:05}");
            let barcode = format!("622{i:010}");
            product(
                EX[i % 3],
                &code,
                Some(&barcode),
                &name,
                &ar,
                Unit::Piece,
                1000 + (i as i64 % 500) * 10,
            )
        })
        .collect()
}

/// An app on the fixture market, at the fixed time, printing into memory.
pub fn app(db: Db, lang: &str) -> Result<App> {
    let config = TillConfig {
        till_id: "T01".into(),
        language: lang.into(),
        idle_lock_minutes: 5,
        discount_approval_percent: 10,
        demo_codes: None,
        printer: Box::new(MemorySink::default()),
    };
    let mut app = App::new(db, config)?;
    app.fixed_now = Some(now());
    app.refresh_phase();
    app.arabic = super::display::ArabicDisplay::AsIs;
    Ok(app)
}

/// Test driving: one key press through `update`, its effects carried out as the till's loop does.
pub fn press(app: &mut App, code: ratatui::crossterm::event::KeyCode) {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    super::effects::step(
        app,
        super::Event::Key(KeyEvent::new(code, KeyModifiers::NONE)),
    );
}

pub fn ctrl(app: &mut App, c: char) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    super::effects::step(
        app,
        super::Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    );
}

/// Types text, one key per character.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, ratatui::crossterm::event::KeyCode::Char(c));
    }
}

pub fn enter(app: &mut App) {
    press(app, ratatui::crossterm::event::KeyCode::Enter);
}

/// Logs the cashier in (first person is the cashier: people are listed by role, then name).
pub fn login_cashier(app: &mut App) {
    type_text(app, CASHIER.1);
    enter(app);
}

/// Logs in and opens a shift with a 200 DH float (one 200 note).
pub fn open_shift(app: &mut App) {
    login_cashier(app);
    type_text(app, "1");
    enter(app);
}

/// A till on a new fixture market at `path`: the cashier's shift open and `entries` typed into the basket.
pub fn selling(path: &Path, entries: &[&str]) -> Result<App> {
    let mut app = app(create(path, 0)?, "fr")?;
    open_shift(&mut app);
    for e in entries {
        type_text(&mut app, e);
        enter(&mut app);
    }
    Ok(app)
}
