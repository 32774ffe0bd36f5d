//! Offline consolidation of a market's tills: `souk export` writes a bundle, `souk merge` verifies bundles
//! completely and merges them in one transaction, idempotent and in any order.
//!
//! Bundle format `SOUK-BUNDLE/1` (see `format`): a magic line; a JSON header (market uuid and name, tills, for
//! each chain the exported seq range and head hash, the exporter's ORG range); one JSON line per journal entry
//! (all fields and hashes); one per ticket, carrying its `souk-ticket/1` canonical text (exactly what its entry's
//! `detail` hashes) and its stored shares; a trailer `SHA256 <hex>` of every byte before it. `export` writes
//! that text through zstd, each ticket right after its entry; `merge` reads it record by record (`reader`,
//! `stream`), compressed or not, so that a region's bundle merges in bounded memory.
//!
//! ORG: every laptop starts from a copy of the organiser's database, so all share an ORG prefix, and every
//! laptop (the organiser by its merges, a till by a paper-sales import) may append to its own ORG afterwards:
//! ORG chains fork by design. Bundles carry the exporter's whole ORG chain (small); merge verifies it and
//! keeps the entries after the fork as witnesses in `org_witness`, never in our ORG chain. Tickets always
//! travel on their till's chain, so a paper-sales import at a till is merged with that till.
//!
//! `since_last`: ranges already exported are remembered in the `exports` table (bookkeeping, not sales
//! data); a bundle starting at seq k merges only where entry k−1 is known.
mod ahead;
mod apply;
mod batch;
mod behind;
mod bulk;
mod canon;
mod check;
mod encode;
mod error;
mod export;
mod format;
mod pipe;
mod plan;
mod reader;
mod rows;
mod signed;
mod status;
mod stream;
mod wire;

pub use bulk::{BULK_CACHE_KIB, Bulk};
pub use canon::decode_ticket;
pub use error::{Refusal, SyncError};
pub use export::{ExportSummary, export, export_at, export_with};
pub use format::{ChainRange, MAGIC};
pub use pipe::Pipeline;
pub use rows::{ShareRow, StoredTicket, TicketStream};
pub use status::{TillMergeStatus, till_status, till_status_quick, till_status_with};

use crate::storage::{Clock, Db, duplicates, journal};
use anyhow::Result;
use plan::{CallRanges, References};
use std::path::PathBuf;
use stream::{Context, Outcome, Waiting};

/// What one bundle brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleMerge {
    pub file: PathBuf,
    pub sha: String,
    /// (chain, first seq, last seq) of the entries new here.
    pub added: Vec<(String, u64, u64)>,
    pub new_entries: u64,
    pub skipped_entries: u64,
    pub new_tickets: u64,
    pub org_witness: u64,
    /// The `merge` entry journalled on ORG; `None` when the bundle brought nothing new.
    pub org_seq: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MergeSummary {
    pub bundles: Vec<BundleMerge>,
    /// What the organiser should know (e.g. a till whose entries are not signed).
    pub notes: Vec<String>,
}

impl MergeSummary {
    pub fn new_tickets(&self) -> u64 {
        self.bundles.iter().map(|b| b.new_tickets).sum()
    }
    pub fn new_entries(&self) -> u64 {
        self.bundles.iter().map(|b| b.new_entries).sum()
    }
}

/// Verifies every bundle and merges them all in one transaction, or refuses with nothing changed. Each bundle is
/// read once, checked and written record by record under a savepoint; one that needs entries another bundle
/// of the call brings is tried again after the others, so the order of the files does not matter.
pub fn merge(db: &mut Db, files: &[PathBuf]) -> Result<MergeSummary> {
    merge_with(db, files, Bulk::Auto)
}

/// [`merge`], loading the shares in bulk or not as `mode` says (the same rows and indexes either way).
pub fn merge_with(db: &mut Db, files: &[PathBuf], mode: Bulk) -> Result<MergeSummary> {
    let before: i64 = db.conn().query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    db.conn()
        .pragma_update(None, "cache_size", -merge_cache_kib(files))?;
    // A multi-row insert copies each page it changes to a statement journal first (see
    // `storage::merge_rows`); past 64 KiB SQLite writes that journal to a temporary file, statement after
    // statement. In memory it stays one statement's pages. Only for a lone bundle: several keep a savepoint
    // each, whose journal holds every page of the database a bundle changes and must be able to spill.
    let temp_in_memory = files.len() == 1;
    let temp_before: i64 = db.conn().query_row("PRAGMA temp_store", [], |r| r.get(0))?;
    if temp_in_memory {
        db.conn().pragma_update(None, "temp_store", "MEMORY")?;
    }
    let merged = merge_all(db, files, mode);
    if temp_in_memory {
        db.conn().pragma_update(None, "temp_store", temp_before)?;
    }
    db.conn().pragma_update(None, "cache_size", before)?;
    merged
}

/// The refusal itself, out of its `Waiting` wrapper.
fn waited(e: anyhow::Error) -> anyhow::Error {
    match e.downcast::<Waiting>() {
        Ok(w) => w.0,
        Err(e) => e,
    }
}

/// SQLite's page cache while merging `files`: large enough that index pages are not written to the WAL and read
/// back again and again within the one transaction, small enough to keep a merge's memory bounded. The shares'
/// covering indexes take rows at random pages, so the pages a merge keeps changing grow with what it brings: a
/// KiB of cache per KiB of bundle (compressed), from 24 MiB up to 56 MiB (a 1M-line bundle's 64 MB).
pub fn merge_cache_kib(files: &[PathBuf]) -> i64 {
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    ((bytes / 1024) as i64).clamp(MERGE_CACHE_MIN_KIB, MERGE_CACHE_MAX_KIB)
}

const MERGE_CACHE_MIN_KIB: i64 = 24 * 1024;
const MERGE_CACHE_MAX_KIB: i64 = 56 * 1024;

fn merge_all(db: &mut Db, files: &[PathBuf], mode: Bulk) -> Result<MergeSummary> {
    let uuid = journal::market_uuid(db.conn())?;
    let at = Clock::market()?.now()?;
    let tx = db.write_tx()?;
    let aside = bulk::begin(&tx, files, mode)?;
    let refs = References::load(&tx)?;
    let before = duplicates::paper_duplicates(&tx)?;
    let mut outcomes: Vec<Option<Outcome>> = files.iter().map(|_| None).collect();
    let mut call = CallRanges::default();
    let mut first_use = Vec::new();
    let mut pending: Vec<usize> = (0..files.len()).collect();
    while !pending.is_empty() {
        let mut waiting = Vec::new();
        let mut first_wait = None;
        // A bundle refused while others remain is rolled back alone; the last one pending needs no savepoint
        // (its refusal ends the merge), which spares copying the pages it changes.
        let alone = pending.len() == 1;
        for &i in &pending {
            let cx = Context {
                conn: &tx,
                market_uuid: &uuid,
                refs: &refs,
                call: &call,
                first_use: &first_use,
                at: &at,
            };
            if !alone {
                tx.execute_batch("SAVEPOINT bundle")?;
            }
            match stream::merge_bundle(&cx, &files[i]) {
                Ok(o) => {
                    if !alone {
                        tx.execute_batch("RELEASE bundle")?;
                    }
                    call.add(&files[i], &o.ranges);
                    first_use.extend(o.first_use.iter().cloned());
                    outcomes[i] = Some(o);
                }
                Err(e) => {
                    if alone {
                        return Err(plan::with_hint(&tx, waited(e)));
                    }
                    tx.execute_batch("ROLLBACK TO bundle; RELEASE bundle")?;
                    match e.downcast::<Waiting>() {
                        Ok(w) => {
                            waiting.push(i);
                            first_wait.get_or_insert(w.0);
                        }
                        Err(e) => return Err(plan::with_hint(&tx, e)),
                    }
                }
            }
        }
        if waiting.len() == pending.len() {
            return Err(first_wait.expect("a bundle waits"));
        }
        pending = waiting;
    }
    bulk::end(&tx, aside)?;
    signed::register_first_use(&tx, &first_use, &at)?;
    let chain = crate::storage::identity::own_chain(&tx)?;
    let mut notes = Vec::new();
    let mut bundles = Vec::new();
    for o in outcomes.into_iter().flatten() {
        let org_seq = apply::record_merge(&tx, &chain, &o, &at)?;
        for n in &o.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
        bundles.push(BundleMerge {
            file: o.file,
            sha: o.sha,
            new_entries: o.new_entries,
            skipped_entries: o.skipped,
            new_tickets: o.new_tickets,
            org_witness: o.witness,
            added: o.ranges,
            org_seq,
        });
    }
    for d in duplicates::paper_duplicates(&tx)? {
        if !before.contains(&d) {
            notes.push(duplicates::describe(&d));
        }
    }
    tx.commit()?;
    Ok(MergeSummary { bundles, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_merge_cache_grows_with_the_bundles_within_its_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, mib: u64| {
            let path = dir.path().join(name);
            std::fs::File::create(&path)
                .unwrap()
                .set_len(mib << 20)
                .unwrap();
            path
        };
        let (small, mid, big) = (file("a", 6), file("b", 40), file("c", 90));
        assert_eq!(merge_cache_kib(&[]), 24 * 1024);
        assert_eq!(merge_cache_kib(std::slice::from_ref(&small)), 24 * 1024);
        assert_eq!(merge_cache_kib(std::slice::from_ref(&mid)), 40 * 1024);
        assert_eq!(merge_cache_kib(&[small, mid.clone()]), 46 * 1024);
        assert_eq!(merge_cache_kib(&[mid, big]), 56 * 1024);
        assert_eq!(merge_cache_kib(&[dir.path().join("absent")]), 24 * 1024);
    }
}
