//! SQLite storage: one writer connection, WAL, synchronous=FULL, a lock on the database file itself against a
//! second writer; read-only handles for the commands that only read.
pub mod backup;
pub mod bulk;
pub mod catalogue;
pub mod clock;
mod codes;
pub mod derived;
pub mod drafts;
pub mod duplicates;
pub mod error;
pub mod heads;
pub mod identify;
pub mod identity;
pub mod journal;
pub mod keys;
pub mod late;
pub mod merge_rows;
pub mod migrate;
mod open;
pub mod outbound;
pub mod paper_refund;
pub mod people;
pub mod phases;
pub mod preflight;
pub mod print_jobs;
pub mod reference;
pub mod reports;
pub mod settlement;
pub mod shifts;
pub mod signing;
pub mod ticket_rows;
pub mod tickets;
pub mod verify;
pub mod witness;
mod witness_settlement;

use anyhow::{Context, Result, bail};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
#[cfg(test)]
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

pub use clock::{Clock, LocalTime};
pub use error::{Error, StorageResult};

/// The chain of journal entries written by the organiser's command line (imports, phase close).
pub const ORG_CHAIN: &str = "ORG";

/// SQLite header mark of the demo's database ("SoDm"): `demo --fresh` replaces nothing else.
const DEMO_APPLICATION_ID: i32 = 0x536F_446D;

pub struct Db {
    // Declared first so that it closes before the lock is let go.
    conn: Connection,
    path: PathBuf,
    // An exclusive flock on the database file itself (not its name: links share it), held for the life of a
    // writer handle. None for a read-only handle.
    _lock: Option<File>,
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
    /// Opens an existing database for writing (migrating it if it is older), refusing a missing file, a file
    /// that is not a souk database, and a database another souk writes.
    pub fn open(path: &Path) -> StorageResult<Db> {
        if !path.exists() {
            crate::refuse!(
                "base de données introuvable : {} (créez-la avec « souk init --market NOM »)",
                path.display()
            );
        }
        let lock = open::lock_existing(path)?;
        Ok(Self::open_inner(
            path,
            lock,
            OpenFlags::SQLITE_OPEN_READ_WRITE,
        )?)
    }

    /// Creates a new database file, readable by its owner only; refuses to overwrite one.
    pub fn create(path: &Path) -> StorageResult<Db> {
        let lock = open::create_private(path)?;
        Ok(Self::open_inner(
            path,
            lock,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?)
    }

    /// Opens for reading only: nothing is written to the file (no schema, no lock), so it works on a full disk,
    /// a read-only copy and beside a running till. An older schema is migrated through a writer open.
    pub fn open_read(path: &Path) -> StorageResult<Db> {
        if !path.exists() {
            crate::refuse!("base de données introuvable : {}", path.display());
        }
        let conn = open::read_only(path)?;
        match open::schema_state(&conn, path)? {
            open::Schema::Empty => Err(Error::NotSouk {
                path: path.to_path_buf(),
                why: "elle est vide".into(),
            }),
            open::Schema::Current => Ok(Db {
                conn,
                path: path.to_path_buf(),
                _lock: None,
            }),
            open::Schema::Older => {
                drop(conn);
                Self::open(path)
            }
        }
    }

    fn open_inner(path: &Path, lock: File, flags: OpenFlags) -> Result<Db> {
        sqlite_setup();
        // Read before SQLite opens the file: a previous writer that did not close cleanly left its WAL behind.
        let unclean = open::wal_has_content(path);
        let mut conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .with_context(|| format!("ouverture de {}", path.display()))?;
        open::schema_state(&conn, path)?;
        configure(&conn)?;
        heads::install(&mut conn)?;
        let db = Db {
            conn,
            path: path.to_path_buf(),
            _lock: Some(lock),
        };
        if unclean {
            db.quick_check()?;
        }
        migrate::migrate(&db.conn)?;
        Ok(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True for a handle from [`Db::open_read`].
    pub fn is_read_only(&self) -> bool {
        self._lock.is_none()
    }

    /// Another connection with the same pragmas, holding a share of the lock (see [`SideConnection`]).
    pub fn side_connection(&self) -> Result<SideConnection> {
        let lock = self
            ._lock
            .as_ref()
            .context("base ouverte en lecture seule : pas de connexion d'écriture")?
            .try_clone()
            .context("verrou de la base")?;
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

    /// SQLite's structural check of the whole file: after an unclean exit, and before a copy or a close.
    pub fn quick_check(&self) -> Result<()> {
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

    /// Closes the connection and hands back the writer's lock, still held: the caller replaces the file under it.
    pub fn into_lock(self) -> Option<File> {
        let Db { conn, _lock, .. } = self;
        drop(conn);
        _lock
    }

    /// Marks this database as the demo's own (in SQLite's header: copies keep it).
    pub fn mark_demo(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "application_id", DEMO_APPLICATION_ID)?;
        Ok(())
    }

    /// Some(true) for the demo's mark, Some(false) for another program's mark, None for no mark (made before
    /// the mark existed, or any other souk database).
    pub fn demo_mark(&self) -> Result<Option<bool>> {
        let id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        Ok(match id {
            0 => None,
            DEMO_APPLICATION_ID => Some(true),
            _ => Some(false),
        })
    }

    /// A write transaction that takes the lock at once (BEGIN IMMEDIATE).
    pub fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }
}

/// SQLite's process-wide settings, before its first connection (afterwards SQLite refuses them, harmlessly).
fn sqlite_setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: integer options of `sqlite3_config`, called once, before this process opens a connection
        // through storage; SQLite answers SQLITE_MISUSE and changes nothing if it was already initialised.
        unsafe {
            // Without allocation statistics, which souk never reads, SQLite's allocator takes no global mutex.
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            );
            // Room for the values bound to a merge's multi-row statements without a malloc each.
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_LOOKASIDE,
                256 as std::ffi::c_int,
                2000 as std::ffi::c_int,
            );
        }
    });
}

pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // One plan per statement whatever its bound values: otherwise SQLite re-plans a statement when a value it
    // planned with changes, and rusqlite's cache clears bindings on every return, so hot statements were
    // re-parsed and re-planned on nearly every use.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connection_plans_statements_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::create(&dir.path().join("m.db")).unwrap();
        let qpsg = db
            .conn()
            .db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG)
            .unwrap();
        assert!(qpsg, "bound values would re-plan cached statements");
    }

    use std::io::{Seek, SeekFrom, Write};

    /// A clean open does not read the whole file; after an unclean exit (a WAL left with content) it does.
    #[test]
    fn full_check_only_after_an_unclean_exit() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("m.db");
        let db = Db::create(&path).unwrap();
        let (root, page_size): (i64, i64) = db
            .conn()
            .query_row(
                "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'exhibitors'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        drop(db);
        assert!(
            !open::wal_has_content(&path),
            "a clean close removes the WAL"
        );
        // An invalid page type on a table that opening never reads.
        let mut f = OpenOptions::new().write(true).open(&path).unwrap();
        f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
            .unwrap();
        f.write_all(&[0xA5; 8]).unwrap();
        drop(f);
        drop(Db::open(&path).expect("a clean open does not check the whole file"));
        std::fs::write(d.path().join("m.db-wal"), [1u8; 64]).unwrap();
        let err = Db::open(&path)
            .err()
            .expect("checked after an unclean exit");
        assert!(err.to_string().contains("endommagée"), "{err}");
    }
}
