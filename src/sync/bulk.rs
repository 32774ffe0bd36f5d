//! Whether a merge loads the shares in bulk (`storage::bulk`): when its bundles bring at least as many new till
//! entries as the database holds tickets, and enough of them (`storage::bulk::worth_it`). Measured on the
//! settlement bench's market merged into the organiser's database before any sale: 0.58–0.61 s instead of
//! 0.72–0.83 s at 100k lines (33k entries), 5.7–6.9 s instead of 9–10 s at 1M lines (333k entries), and less
//! memory. Only speed depends on it: both ways write the same rows and indexes.
use super::reader::BundleReader;
use crate::storage::bulk::{self, SetAside};
use crate::storage::{ORG_CHAIN, journal};
use anyhow::Result;
use rusqlite::Connection;
use std::path::PathBuf;

/// How a merge writes the shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    /// In bulk when the bundles bring at least as much as the database holds, and enough.
    Auto,
    Always,
    Never,
}

/// The page cache while loading in bulk: without the shares' indexes, the pages a merge keeps changing are the
/// tables' last ones.
pub const BULK_CACHE_KIB: i64 = 16 * 1024;

/// Sets the shares' indexes aside when `mode` says so; inside the merge's transaction.
pub fn begin(conn: &Connection, files: &[PathBuf], mode: Bulk) -> Result<Option<SetAside>> {
    let go = match mode {
        Bulk::Auto => bulk::worth_it(new_entries(conn, files)?, bulk::tickets_held(conn)?),
        Bulk::Always => true,
        Bulk::Never => false,
    };
    if !go {
        return Ok(None);
    }
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    Ok(Some(bulk::set_aside_share_indexes(conn)?))
}

/// Builds the indexes set aside, once every bundle is written.
pub fn end(conn: &Connection, aside: Option<SetAside>) -> Result<()> {
    match aside {
        Some(aside) => aside.rebuild(conn),
        None => Ok(()),
    }
}

/// Till entries the bundles' headers announce beyond what each chain holds here.
fn new_entries(conn: &Connection, files: &[PathBuf]) -> Result<u64> {
    let mut new = 0;
    for file in files {
        // An unreadable bundle is the merge's to name, with its reason.
        let Ok((_, header)) = BundleReader::open(file) else {
            continue;
        };
        for c in header.chains.iter().filter(|c| c.chain != ORG_CHAIN) {
            let known = journal::head(conn, &c.chain)?.map_or(0, |(seq, ..)| seq);
            new += c
                .to_seq
                .saturating_sub(known.max(c.from_seq.saturating_sub(1)));
        }
    }
    Ok(new)
}
