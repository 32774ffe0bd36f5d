//! SQLite storage: one writer connection, WAL, synchronous=FULL, a lock file against a second instance.
pub mod backup;
pub mod catalogue;
pub mod clock;
pub mod journal;
pub mod migrate;
pub mod people;
pub mod phases;
pub mod print_jobs;
pub mod reports;
pub mod settlement;
pub mod shifts;
pub mod tickets;
pub mod verify;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OpenFlags};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

pub use clock::{Clock, LocalTime};

/// The chain of journal entries written by the organiser's command line (imports, phase close).
pub const ORG_CHAIN: &str = "ORG";

pub struct Db {
    conn: Connection,
    path: PathBuf,
    // Held for the life of the database handle: a second instance on the same file is refused.
    lock: File,
}

/// A second connection to an open database, for a worker thread (the print queue). It shares the database's
/// lock: the file stays locked until every side connection is dropped too, so a till started again cannot run
/// next to a worker of the previous one.
pub struct SideConnection {
    conn: Connection,
    _lock: File,
}

impl std::ops::Deref for SideConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl Db {
    /// Opens an existing database (migrating it if it is older), refusing a missing file.
    pub fn open(path: &Path) -> Result<Db> {
        if !path.exists() {
            bail!(
                "base de données introuvable : {} (créez-la avec « souk init --market NOM »)",
                path.display()
            );
        }
        Self::open_inner(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    /// Creates a new database file; refuses to overwrite one.
    pub fn create(path: &Path) -> Result<Db> {
        if path.exists() {
            bail!(
                "{} existe déjà : choisissez un autre fichier",
                path.display()
            );
        }
        Self::open_inner(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
    }

    fn open_inner(path: &Path, flags: OpenFlags) -> Result<Db> {
        let lock = take_lock(path)?;
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_context(|| format!("ouverture de {}", path.display()))?;
        configure(&conn)?;
        let db = Db {
            conn,
            path: path.to_path_buf(),
            lock,
        };
        db.quick_check()?;
        migrate::migrate(&db.conn)?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Another connection with the same pragmas, holding a share of the lock (see [`SideConnection`]).
    pub fn side_connection(&self) -> Result<SideConnection> {
        let lock = self.lock.try_clone().context("verrou de la base")?;
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("ouverture de {}", self.path.display()))?;
        configure(&conn)?;
        Ok(SideConnection { conn, _lock: lock })
    }

    /// Read access for queries elsewhere in the crate (reports, printing queue).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    fn quick_check(&self) -> Result<()> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            bail!(
                "base de données endommagée ({}) : {verdict}",
                self.path.display()
            );
        }
        Ok(())
    }

    /// A write transaction that takes the lock at once (BEGIN IMMEDIATE).
    pub fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }
}

pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn take_lock(db_path: &Path) -> Result<File> {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("création du verrou {}", lock_path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} est déjà ouverte par un autre souk sur ce poste : fermez-le d'abord",
            db_path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).context("verrou de la base"),
    }
}
