//! The demo market: the Grand marché itinérant de l'ESS d'Ifrane (Conseil de la région Fès-Meknès, 2025),
//! three phases of 70 exhibitors, dated around today so that a cashier can sell at once; the first phase
//! already carries a few hundred sales so that reports have something to show.
mod history;

use crate::domain::{Market, Role};
use crate::import::{self, Kind};
use crate::storage::{Clock, Db, catalogue, people};
use anyhow::{Result, bail};
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

/// True for a database made by `souk demo`: its mark, or (made before the mark existed) the demo's market.
pub fn is_demo(db: &Db) -> Result<bool> {
    if let Some(marked) = db.demo_mark()? {
        return Ok(marked);
    }
    let (m, demo) = (catalogue::market(db.conn())?, market());
    Ok(m.name == demo.name && m.organiser == demo.organiser)
}

/// Creates the demo database at `path` (which must not exist).
pub fn create(path: &Path) -> Result<Db> {
    let mut db = Db::create(path)?;
    db.mark_demo()?;
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
    crate::storage::reference::record(db.conn(), &now, actor)?;
    history::record_past_sales(&mut db, &clock, now.date(), 400)?;
    // The demo opens the till at once: its database is the copy of till T01 (its past sales on T02 stand
    // for bundles already merged).
    crate::storage::identity::set_till(db.conn(), "T01", &now.at_utc)?;
    Ok(db)
}

/// Replaces the demo's database at `path` with a new demo, under the old one's lock: a till open on it refuses
/// the replacement, and anything that is not the demo's database is left untouched.
pub fn recreate(path: &Path) -> Result<()> {
    let old = Db::open(path)?;
    if !is_demo(&old)? {
        bail!(
            "{} n'est pas la base de la démonstration : --fresh ne remplace que celle-ci ; rien n'a été modifié",
            path.display()
        );
    }
    let tmp = sibling(path, &format!("{}.souk-tmp", uuid::Uuid::now_v7().simple()));
    let made = create(&tmp).map(drop);
    let lock = old.into_lock();
    let replaced = made.and_then(|()| {
        for ext in ["-wal", "-shm", ".heads"] {
            remove_if_there(&sibling(path, ext))?;
        }
        std::fs::rename(&tmp, path)?;
        // The head file witnesses the new demo's chains, not the old one's.
        let heads = crate::storage::heads::head_path(path);
        match std::fs::rename(crate::storage::heads::head_path(&tmp), &heads) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => remove_if_there(&heads)?,
            other => other?,
        }
        crate::files::atomic::sync_folder(path)
    });
    drop(lock);
    if replaced.is_err() {
        for ext in ["", "-wal", "-shm", "-journal", ".heads"] {
            let _ = std::fs::remove_file(sibling(&tmp, ext));
        }
    }
    replaced
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}
