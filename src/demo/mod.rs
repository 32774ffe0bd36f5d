//! The demo market: the Grand marché itinérant de l'ESS d'Ifrane (Conseil de la région Fès-Meknès, 2025),
//! three phases of 70 exhibitors, dated around today so that a cashier can sell at once; the first phase
//! already carries a few hundred sales so that reports have something to show.
mod history;

use crate::domain::{Market, Role};
use crate::import::{self, Kind};
use crate::storage::{Clock, Db, catalogue, people};
use anyhow::Result;
use std::path::Path;

pub const EXHIBITORS_CSV: &str = include_str!("../../data/demo/exhibitors.csv");
pub const PRODUCTS_CSV: &str = include_str!("../../data/demo/products.csv");

/// People of the demo and their PINs (shown to the user: it is a demo).
pub const PEOPLE: &[(&str, Role, &str)] = &[
    ("Fatima Zahra Alaoui", Role::Cashier, "1111"),
    ("Youssef Benali", Role::Cashier, "2222"),
    ("Khadija Ouhaddou", Role::Supervisor, "9999"),
    ("Karim Tazi", Role::Organiser, "0000"),
];

pub const TILLS_CSV: &str = "id,name,collector\n\
T01,Caisse centrale A,organiser\n\
T02,Caisse centrale B,organiser\n\
T03,Stand Coopérative Tighanimine,exhibitor\n";

/// Phases of five days: the first ended yesterday, the second runs from today.
pub fn phases_csv(today: jiff::civil::Date) -> String {
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(today)
    };
    format!(
        "number,name,starts,ends\n1,Phase 1,{},{}\n2,Phase 2,{},{}\n3,Phase 3,{},{}\n",
        day(-5),
        day(-1),
        day(0),
        day(4),
        day(5),
        day(9)
    )
}

pub fn market() -> Market {
    Market {
        uuid: uuid::Uuid::now_v7().to_string(),
        name: "Grand marché itinérant de l'ESS — Ifrane".into(),
        organiser: "Conseil de la région Fès-Meknès".into(),
        city: "Ifrane".into(),
        currency: "MAD".into(),
        timezone: crate::storage::clock::MARKET_TZ.into(),
        cash_rounding: None,
    }
}

/// Creates the demo database at `path` (which must not exist).
pub fn create(path: &Path) -> Result<Db> {
    let mut db = Db::create(path)?;
    let clock = Clock::market()?;
    let now = clock.now()?;
    catalogue::insert_market(db.conn(), &market(), &now.at_utc)?;
    let actor = "démonstration";
    let phases = phases_csv(now.date());
    import::import_bytes(
        &mut db,
        Kind::Phases,
        "phases.csv",
        phases.as_bytes(),
        actor,
    )?;
    import::import_bytes(
        &mut db,
        Kind::Tills,
        "tills.csv",
        TILLS_CSV.as_bytes(),
        actor,
    )?;
    import::import_bytes(
        &mut db,
        Kind::Exhibitors,
        "exhibitors.csv",
        EXHIBITORS_CSV.as_bytes(),
        actor,
    )?;
    import::import_bytes(
        &mut db,
        Kind::Products,
        "products.csv",
        PRODUCTS_CSV.as_bytes(),
        actor,
    )?;
    for (name, role, pin) in PEOPLE {
        people::add_person(db.conn(), name, *role, pin)?;
    }
    history::record_past_sales(&mut db, &clock, now.date(), 400)?;
    // The demo opens the till at once: its database is the copy of till T01 (its past sales on T02 stand
    // for bundles already merged).
    crate::storage::identity::set_till(db.conn(), "T01", &now.at_utc)?;
    Ok(db)
}
