//! CSV imports: parse and check the whole file first, then apply it in one transaction. Every error names
//! file:line:column; a refused file changes nothing.
mod catalogue;
mod orphans;
mod reader;
mod sales;

pub use reader::{ImportError, Issue};

use crate::storage::journal::{self, NewEntry};
use crate::storage::{Clock, Db};
use anyhow::Result;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: usize,
    /// Tickets created (sales import only).
    pub tickets: usize,
}

/// Imports a file: all or nothing.
pub fn import_file(db: &mut Db, kind: Kind, path: &Path, actor: &str) -> Result<ImportSummary> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("{} : lecture impossible ({e})", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_bytes(db, kind, &name, &bytes, actor)
}

pub fn import_bytes(
    db: &mut Db,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<ImportSummary> {
    let table = reader::Table::parse(name, bytes)?;
    let clock = Clock::market()?;
    let at = clock.now()?;
    let tx = db.write_tx()?;
    let chain = crate::storage::identity::own_chain(&tx)?;
    let orphans_before = orphans::find(&tx, kind)?;
    let summary = match kind {
        Kind::Phases => catalogue::phases(&tx, &table)?,
        Kind::Tills => catalogue::tills(&tx, &table)?,
        Kind::Exhibitors => catalogue::exhibitors(&tx, &table)?,
        Kind::Products => catalogue::products(&tx, &table)?,
        Kind::Sales => sales::sales(&tx, &table, &clock, &chain, actor)?,
    };
    orphans::refuse_new(&tx, kind, &orphans_before)?;
    let detail = format!(
        "{} {name} ; {} lignes ; sha256 {}",
        kind.as_str(),
        summary.rows,
        crate::domain::canonical::sha256_hex(bytes)
    );
    journal::append(
        &tx,
        &at,
        &NewEntry {
            chain: &chain,
            kind: "import",
            actor,
            subject: name,
            detail: &detail,
            ..Default::default()
        },
    )?;
    tx.commit()?;
    Ok(summary)
}
