//! Offline consolidation of a market's tills: `souk export` writes a bundle, `souk merge` verifies bundles
//! completely and merges them in one transaction, idempotent and in any order.
//!
//! Bundle format `SOUK-BUNDLE/1` (see `format`): a magic line; a JSON header (market uuid and name, tills, for
//! each chain the exported seq range and head hash, the exporter's ORG range); one JSON line per journal entry
//! (all fields and hashes); one per ticket, carrying its `souk-ticket/1` canonical text (exactly what its entry's
//! `detail` hashes) and its stored shares; a trailer `SHA256 <hex>` of every byte before it.
//!
//! ORG: every laptop starts from a copy of the organiser's database, so all share an ORG prefix, and every
//! laptop (the organiser by its merges, a till by a paper-sales import) may append to its own ORG afterwards:
//! ORG chains fork by design. Bundles carry the exporter's whole ORG chain (small); merge verifies it and
//! keeps the entries after the fork as witnesses in `org_witness`, never in our ORG chain. Tickets always
//! travel on their till's chain, so a paper-sales import at a till is merged with that till.
//!
//! `since_last`: ranges already exported are remembered in the `exports` table (bookkeeping, not sales
//! data); a bundle starting at seq k merges only where entry k−1 is known.
mod apply;
mod behind;
mod canon;
mod check;
mod error;
mod export;
mod format;
mod plan;
mod rows;
mod signed;
mod status;

pub use canon::decode_ticket;
pub use check::accepted_shares;
pub use error::{Refusal, SyncError};
pub use export::{ExportSummary, export, export_with};
pub use format::{ChainRange, MAGIC};
pub use rows::{ShareRow, StoredTicket, TicketStream};
pub use status::{TillMergeStatus, till_status, till_status_quick, till_status_with};

use crate::storage::{Clock, Db, duplicates, journal};
use anyhow::Result;
use std::path::PathBuf;

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

/// Verifies every bundle (alone, then against this database and each other) and merges them all in one
/// transaction, or refuses with nothing changed.
pub fn merge(db: &mut Db, files: &[PathBuf]) -> Result<MergeSummary> {
    let uuid = journal::market_uuid(db.conn())?;
    let bundles = files
        .iter()
        .map(|f| check::load(f, &uuid))
        .collect::<Result<Vec<_>>>()?;
    let mut keys = signed::KeyCheck::default();
    for b in &bundles {
        behind::check_bundle(db.conn(), b)?;
        signed::check_bundle(db.conn(), b, &mut keys)?;
    }
    let mut notes = keys.notes;
    let at = Clock::market()?.now()?;
    let tx = db.write_tx()?;
    let plans = plan::plan(&tx, &bundles)?;
    signed::register_first_use(&tx, &keys.first_use, &at)?;
    let before = duplicates::paper_duplicates(&tx)?;
    let seqs = apply::apply(&tx, &bundles, &plans, &at)?;
    for d in duplicates::paper_duplicates(&tx)? {
        if !before.contains(&d) {
            notes.push(duplicates::describe(&d));
        }
    }
    tx.commit()?;
    let bundles = bundles
        .iter()
        .zip(plans)
        .zip(seqs)
        .map(|((b, p), org_seq)| BundleMerge {
            file: b.file.clone(),
            sha: b.sha.clone(),
            new_entries: p.entries.len() as u64,
            skipped_entries: p.skipped,
            new_tickets: p.tickets.len() as u64,
            org_witness: p.witness.len() as u64,
            added: p.ranges,
            org_seq,
        })
        .collect();
    Ok(MergeSummary { bundles, notes })
}
