//! The server's schema: numbered migrations recorded in `schema_version`, applied under an advisory lock so
//! that two pushes starting together do not both apply them.
use anyhow::{Result, bail};
use postgres::Client;

/// Bumped only for a change an older souk could not read or write safely.
pub const SCHEMA_MAJOR: i32 = 1;

const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("migrations/001_region.sql")),
    (2, include_str!("migrations/002_complements.sql")),
    (3, include_str!("migrations/003_key_ranges.sql")),
];

const LOCK: i64 = 0x50_55_4b_52_45_47; // arbitrary, fixed

/// Creates or upgrades the schema; refuses a server of another major version. Returns the version now.
pub fn init(client: &mut Client) -> Result<i32> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version INTEGER PRIMARY KEY,
             major INTEGER NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let row = tx.query_one(
        "SELECT COALESCE(MAX(version), 0), COALESCE(MAX(major), $1) FROM schema_version",
        &[&SCHEMA_MAJOR],
    )?;
    let (version, major): (i32, i32) = (row.get(0), row.get(1));
    if major != SCHEMA_MAJOR {
        bail!(
            "le serveur a un schéma souk de version majeure {major} ; cette version de souk connaît la {SCHEMA_MAJOR} : \
             mettez souk à jour (rien n'a été envoyé)"
        );
    }
    for (n, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > version) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, major) VALUES ($1, $2)",
            &[n, &SCHEMA_MAJOR],
        )?;
    }
    tx.commit()?;
    Ok(version.max(MIGRATIONS.last().map_or(0, |m| m.0)))
}
