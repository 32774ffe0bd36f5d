//! Versioned migrations by `PRAGMA user_version` and numbered `.sql` files, each applied in one transaction.
use anyhow::{Context, Result, bail};
use rusqlite::Connection;

pub const MIGRATIONS: &[(&str, &str)] = &[
    ("001_ledger", include_str!("migrations/001_ledger.sql")),
    (
        "002_print_queue",
        include_str!("migrations/002_print_queue.sql"),
    ),
    ("003_sync", include_str!("migrations/003_sync.sql")),
    (
        "004_print_jobs",
        include_str!("migrations/004_print_jobs.sql"),
    ),
    (
        "005_organiser",
        include_str!("migrations/005_organiser.sql"),
    ),
    ("006_till", include_str!("migrations/006_till.sql")),
    ("007_files", include_str!("migrations/007_files.sql")),
    ("008_keys", include_str!("migrations/008_keys.sql")),
    ("009_identity", include_str!("migrations/009_identity.sql")),
    (
        "010_import_speed",
        include_str!("migrations/010_import_speed.sql"),
    ),
    (
        "011_draft_payments",
        include_str!("migrations/011_draft_payments.sql"),
    ),
];

pub fn current_version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(v as usize)
}

/// Brings the schema to the latest version; refuses a database written by a newer souk.
pub fn migrate(conn: &Connection) -> Result<()> {
    migrate_to(conn, MIGRATIONS.len())
}

pub fn migrate_to(conn: &Connection, target: usize) -> Result<()> {
    let from = current_version(conn)?;
    if from > MIGRATIONS.len() {
        bail!(
            "base créée par une version plus récente de souk (schéma {from}) : mettez souk à jour"
        );
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(from) {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied = conn
            .execute_batch(sql)
            .and_then(|_| conn.pragma_update(None, "user_version", (i + 1) as i64));
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                conn.execute_batch("ROLLBACK").ok();
                return Err(e).with_context(|| format!("migration {name}"));
            }
        }
    }
    Ok(())
}
