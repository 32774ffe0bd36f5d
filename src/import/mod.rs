//! Imports from CSV, XLSX and ODS: read and check the whole file first, then apply it in one transaction. Every
//! error names file:line:column or file:sheet!cell; a refused file changes nothing; a dry run applies the file in
//! a transaction that is rolled back, so it sees every refusal a real import would.
mod catalogue;
mod codes;
mod csv_text;
mod orphans;
mod pipeline;
mod products;
#[cfg(test)]
mod props;
mod reader;
mod sales;
mod sales_feed;
mod sales_pipe;
mod sheet;
mod sheet_stream;
mod summary;

pub use reader::{ImportError, Issue, Source, column_letters};
pub use summary::{Counts, ImportSummary};

use crate::domain::JournalKind;
use crate::storage::journal::{self, NewEntry, Signing};
use crate::storage::{Clock, Db};
use anyhow::Result;
use rusqlite::Connection;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phases,
    Tills,
    Exhibitors,
    Products,
    Sales,
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "phases" => Kind::Phases,
            "tills" => Kind::Tills,
            "exhibitors" => Kind::Exhibitors,
            "products" => Kind::Products,
            "sales" => Kind::Sales,
            other => {
                return Err(format!(
                    "« {other} » : attendu phases, tills, exhibitors, products ou sales"
                ));
            }
        })
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phases => "phases",
            Kind::Tills => "tills",
            Kind::Exhibitors => "exhibitors",
            Kind::Products => "products",
            Kind::Sales => "sales",
        }
    }
}

/// What a dry run found: the summary, and why the file would be refused if it would.
pub struct Outcome {
    pub summary: ImportSummary,
    pub error: Option<anyhow::Error>,
}

/// Imports a file: all or nothing.
pub fn import_file(db: &mut Db, kind: Kind, path: &Path, actor: &str) -> Result<ImportSummary> {
    let (name, bytes) = read(path)?;
    import_bytes(db, kind, &name, &bytes, actor)
}

pub fn import_bytes(
    db: &mut Db,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<ImportSummary> {
    import_bytes_with(db, kind, name, bytes, actor, Signing::Worker)
}

/// As [`import_bytes`], paper sales' journal entries signed as `signing` says (the rows are the same either way).
pub fn import_bytes_with(
    db: &mut Db,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    actor: &str,
    signing: Signing,
) -> Result<ImportSummary> {
    let out = run(db, kind, name, bytes, actor, false, signing)?;
    match out.error {
        Some(e) => Err(e),
        None => Ok(out.summary),
    }
}

/// What importing the file would do; nothing is written. Fails only when the file cannot be read as a table.
pub fn preview_file(db: &mut Db, kind: Kind, path: &Path, actor: &str) -> Result<Outcome> {
    let (name, bytes) = read(path)?;
    run(db, kind, &name, &bytes, actor, true, Signing::Worker)
}

fn read(path: &Path) -> Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("{} : lecture impossible ({e})", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, bytes))
}

/// Reads the bytes as a table: a workbook when they are one (or the name says so), CSV text otherwise.
pub fn table(kind: Kind, name: &str, bytes: &[u8]) -> Result<reader::Table, ImportError> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let workbook_name = matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods");
    if workbook_name || sheet::container(bytes) != sheet::Container::Other {
        // Read cell by cell when the workbook is a plain XLSX; the grid reader decides everything else.
        match sheet_stream::may_stream(bytes)
            .then(|| sheet_stream::collect(name, bytes, kind.as_str()))
            .flatten()
        {
            Some(t) => Ok(t),
            None => sheet::parse(name, bytes, kind.as_str()),
        }
    } else {
        csv_text::parse(name, bytes)
    }
}

/// An import writes tens of megabytes in one transaction into indexes in no particular order: with SQLite's
/// default 2 MB page cache, pages were read back and spilled to the WAL again and again. The cache grows for the
/// import only (SQLite allocates pages as they are used) and is set back after, which frees them.
fn run(
    db: &mut Db,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    actor: &str,
    dry: bool,
    signing: Signing,
) -> Result<Outcome> {
    const CACHE_KIB: i64 = 256 * 1024;
    let before: i64 = db.conn().query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    db.conn().pragma_update(None, "cache_size", -CACHE_KIB)?;
    let out = run_in(db, kind, name, bytes, actor, dry, signing);
    db.conn().pragma_update(None, "cache_size", before)?;
    out
}

fn run_in(
    db: &mut Db,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    actor: &str,
    dry: bool,
    signing: Signing,
) -> Result<Outcome> {
    if kind == Kind::Products
        && let Some(out) = pipeline::products(db, name, bytes, actor, dry)
    {
        return Ok(out);
    }
    if kind == Kind::Sales
        && let Some(out) = sales_pipe::sales(db, name, bytes, actor, dry, signing)
    {
        return Ok(out);
    }
    run_plain(db, kind, name, bytes, actor, dry, signing)
}

/// The whole file read and checked first, then applied: what names every refusal.
fn run_plain(
    db: &mut Db,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    actor: &str,
    dry: bool,
    signing: Signing,
) -> Result<Outcome> {
    let table = table(kind, name, bytes)?;
    let clock = Clock::market()?;
    let at = clock.now()?;
    let tx = db.write_tx()?;
    let mut summary = ImportSummary::new(kind, name, table.source.clone(), dry);
    let applied = apply(
        &tx,
        kind,
        &table,
        &clock,
        actor,
        signing,
        &mut summary.counts,
    )
    .and_then(|()| {
        summary.rows = table.rows.len();
        if kind == Kind::Sales {
            summary.tickets = summary.counts.added;
        }
        journal_import(&tx, &at, actor, &summary, bytes)
    });
    let error = match applied {
        Ok(()) if !dry => {
            tx.commit()?;
            None
        }
        Ok(()) => None,
        Err(e) => Some(e),
    };
    // Dropping the transaction without commit rolls it back.
    Ok(Outcome { summary, error })
}

fn apply(
    conn: &Connection,
    kind: Kind,
    table: &reader::Table,
    clock: &Clock,
    actor: &str,
    signing: Signing,
    counts: &mut Counts,
) -> Result<()> {
    let chain = crate::storage::identity::own_chain(conn)?;
    let orphans_before = orphans::snapshot(conn, kind)?;
    match kind {
        Kind::Phases => catalogue::phases(conn, table, counts),
        Kind::Tills => catalogue::tills(conn, table, counts),
        Kind::Exhibitors => catalogue::exhibitors(conn, table, counts),
        Kind::Products => products::products(conn, table, counts),
        Kind::Sales => sales::sales(conn, table, clock, &chain, actor, signing, counts),
    }?;
    orphans::refuse_new(conn, kind, &orphans_before)
}

/// The end of a pipelined import, every row written: what the plain path's `apply` and `run_plain` do after the
/// rows (nothing left without its owner, the import journalled, committed unless a dry run).
fn close_streamed(
    tx: rusqlite::Transaction,
    before: &orphans::Before,
    at: &crate::storage::LocalTime,
    actor: &str,
    summary: ImportSummary,
    bytes: &[u8],
) -> Result<Option<Outcome>> {
    orphans::refuse_new(&tx, summary.kind, before)?;
    journal_import(&tx, at, actor, &summary, bytes)?;
    if !summary.dry_run {
        tx.commit()?;
    }
    Ok(Some(Outcome {
        summary,
        error: None,
    }))
}

fn journal_import(
    conn: &Connection,
    at: &crate::storage::LocalTime,
    actor: &str,
    s: &ImportSummary,
    bytes: &[u8],
) -> Result<()> {
    let c = &s.counts;
    let detail = format!(
        "{} {} ; {} lignes ; {} ajoutés, {} modifiés, {} inchangés ; sha256 {}",
        s.kind.as_str(),
        s.file,
        s.rows,
        c.added,
        c.updated,
        c.unchanged,
        crate::domain::canonical::sha256_hex(bytes)
    );
    journal::append(
        conn,
        at,
        &NewEntry {
            chain: &crate::storage::identity::own_chain(conn)?,
            kind: JournalKind::Import,
            actor,
            subject: &s.file,
            detail: &detail,
            approver: "",
            amount: 0,
        },
    )?;
    crate::storage::reference::record(conn, at, actor)?;
    Ok(())
}
