//! How a database file is opened: the writer's lock on the file itself, private creation, read-only handles
//! that write nothing (falling back to an immutable open on media where SQLite cannot even make its shared
//! memory file), and the check that a file is a souk database before anything is written to it.
use super::migrate::MIGRATIONS;
use anyhow::{Result, bail};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Takes the writer's lock on the database file itself: a symlink or a hard link reaches the same lock.
pub(super) fn lock_existing(path: &Path) -> Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .open(path)
        .map_err(|e| anyhow::Error::new(e).context(format!("ouverture de {}", path.display())))?;
    lock(file, path)
}

/// Creates the file, readable by its owner only (SQLite gives its WAL and shared-memory files the same mode).
pub(super) fn create_private(path: &Path) -> Result<File> {
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} existe déjà : choisissez un autre fichier",
                path.display()
            )
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("création de {}", path.display())));
        }
    };
    lock(file, path)
}

/// Takes the writer's lock, waiting half a second at most: a process being started holds an inherited copy of
/// it until it executes, and a till that is closing lets it go a moment later.
fn lock(file: File, path: &Path) -> Result<File> {
    for _ in 0..10 {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e).context("verrou de la base"));
            }
        }
    }
    Err(super::Error::Locked {
        path: path.to_path_buf(),
    }
    .into())
}

/// A WAL with content at open: the last writer did not close cleanly (a clean close checkpoints and removes it).
pub(super) fn wal_has_content(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

/// A read-only connection; on a full disk or read-only medium, where even the shared-memory file cannot be
/// made, an immutable one (safe then: no WAL content means no writer has anything pending).
pub(super) fn read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let probe = |c: &Connection| -> rusqlite::Result<i64> {
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
    };
    let first = Connection::open_with_flags(path, flags).and_then(|c| {
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        probe(&c).map(|_| c)
    });
    let conn = match first {
        Ok(c) => c,
        Err(e) if media_trouble(&e) && !wal_has_content(path) => {
            let c = Connection::open_with_flags(
                immutable_uri(path),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )?;
            probe(&c).map_err(|e| not_souk_or(e, path))?;
            c
        }
        Err(e) => return Err(not_souk_or(e, path)),
    };
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn media_trouble(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode as C;
    matches!(
        e.sqlite_error_code(),
        Some(C::ReadOnly | C::SystemIoFailure | C::CannotOpen | C::DiskFull)
    )
}

fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

fn not_souk_or(e: rusqlite::Error, path: &Path) -> anyhow::Error {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) {
        not_souk(path, "ce n'est pas un fichier SQLite")
    } else {
        anyhow::Error::new(e).context(format!("ouverture de {}", path.display()))
    }
}

fn not_souk(path: &Path, why: &str) -> anyhow::Error {
    super::Error::NotSouk {
        path: path.to_path_buf(),
        why: why.into(),
    }
    .into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Schema {
    /// No table at all (a new or empty file): only a writer may give it souk's schema.
    Empty,
    Older,
    Current,
}

/// Reads (never writes) what the file holds; refuses another program's database and a newer souk's.
pub(super) fn schema_state(conn: &Connection, path: &Path) -> Result<Schema> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_souk_or(e, path))?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| not_souk_or(e, path))?;
    let has_market: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'market'",
        [],
        |r| r.get(0),
    )?;
    match version {
        0 if tables == 0 => Ok(Schema::Empty),
        0 => Err(not_souk(
            path,
            "ses tables sont celles d'un autre programme",
        )),
        v if v as usize > MIGRATIONS.len() => bail!(
            "base créée par une version plus récente de souk (schéma {v}) : mettez souk à jour"
        ),
        _ if !has_market => Err(not_souk(path, "aucune table « market »")),
        v if (v as usize) < MIGRATIONS.len() => Ok(Schema::Older),
        _ => Ok(Schema::Current),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_uri_escapes_what_uris_reserve() {
        assert_eq!(
            immutable_uri(Path::new("/m/a b?#%.db")),
            "file:/m/a%20b%3F%23%25.db?mode=ro&immutable=1"
        );
    }
}
