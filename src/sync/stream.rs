//! One bundle merged as it is read, inside the caller's transaction (the caller keeps a savepoint per bundle):
//! each record is checked on its own (`check`), against this database (`plan`) and written (`apply`) before the
//! next one is read, so memory stays bounded whatever the bundle's size. Nothing is committed before the
//! trailer matched and every check held; a refusal rolls the bundle back.
use super::ahead::{self, Bin, Proved};
use super::apply;
use super::behind;
use super::check::{Awaiting, BundleTicket, ChainCheck, ProvedTicket};
use super::error::{Refusal, refuse};
use super::format::Header;
use super::plan::{CallRanges, Head, LocalHashes, References, diverged, gap};
use super::reader::BundleReader;
use super::signed::{Checked, FirstUse, KeyGuess, Signatures};
use crate::storage::journal::{self, Entry};
use crate::storage::merge_rows::TicketRows;
use crate::storage::{LocalTime, ORG_CHAIN};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Context<'a> {
    pub conn: &'a Connection,
    pub market_uuid: &'a str,
    pub refs: &'a References,
    pub call: &'a CallRanges,
    /// Till keys met for the first time by the bundles merged before this one.
    pub first_use: &'a [FirstUse],
    pub at: &'a LocalTime,
}

/// What one bundle brought: what `apply::record_merge` writes and `merge` reports.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub file: PathBuf,
    pub sha: String,
    pub created_at: String,
    /// (chain, first seq, last seq) of the entries new here.
    pub ranges: Vec<(String, u64, u64)>,
    pub new_entries: u64,
    pub skipped: u64,
    pub new_tickets: u64,
    pub witness: u64,
    pub notes: Vec<String>,
    pub first_use: Vec<FirstUse>,
}

impl Outcome {
    pub fn brings_anything(&self) -> bool {
        self.new_entries > 0 || self.witness > 0
    }
}

/// A refusal another bundle of the same call may lift (it brings the missing entries or ticket): the bundle is
/// tried again after the others.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Waiting(pub anyhow::Error);

/// Verifies and writes one bundle; on a refusal, a damaged or truncated file is reported as such first.
pub fn merge_bundle(cx: &Context, path: &Path) -> Result<Outcome> {
    let (mut reader, header) = BundleReader::open(path)?;
    let path = reader.path().to_path_buf();
    if header.market_uuid != cx.market_uuid {
        let msg = format!(
            "il vient d'un autre marché (« {} », {}) que cette base ({})",
            header.market_name, header.market_uuid, cx.market_uuid
        );
        return Err(reader.first_fault(refuse(&path, Refusal::OtherMarket, msg)));
    }
    if all_known_here(cx.conn, &header)? {
        let sha = reader.drain()?;
        if merged_before(cx.conn, &sha)? {
            return known_bundle(cx, &path, &header, sha);
        }
        reader = BundleReader::open(&path)?.0;
    }
    let keys = KeyGuess::load(cx.conn, header.chains.iter().map(|r| r.chain.as_str()))?;
    let one = One::new(cx, path, &header)?;
    let (merged, end) =
        ahead::read_ahead(reader, keys, cx.refs, |records, bin| run(one, records, bin));
    match merged {
        Ok(mut one) => {
            one.out.sha = end.read?;
            one.finish()
        }
        // A damaged file is reported before what its content breaks; a refusal of a sound file that another
        // bundle may lift waits for the others.
        Err(e) if end.damaged => Err(end.read.err().unwrap_or(e)),
        Err(e) => Err(e),
    }
}

/// Every record checked and its rows written as they come; the bundle's trailer is the reader's to check.
fn run<'a, 'c>(
    mut one: One<'a, 'c>,
    records: &mut dyn Iterator<Item = Proved>,
    bin: Bin,
) -> Result<One<'a, 'c>> {
    one.bin = Some(bin);
    for p in records {
        let done = match p {
            Proved::Entry {
                entry,
                hash_ok,
                signature,
            } => one.entry(entry, hash_ok, signature.as_ref()),
            Proved::Ticket(t) => one.ticket(t),
            Proved::Header => Err(refuse(&one.path, Refusal::Malformed, "deux en-têtes")),
        };
        if let Err(e) = done {
            // The rows of the records before this one are written first: a refusal among them comes first.
            one.flush()?;
            return Err(e);
        }
    }
    Ok(one)
}

/// Every chain the bundle carries ends at an entry this database holds, with the same hash.
fn all_known_here(conn: &Connection, h: &Header) -> Result<bool> {
    for r in h.chains.iter().filter(|r| !r.is_empty()) {
        let here = journal_hash(conn, &r.chain, r.to_seq)?;
        if here.as_deref() != Some(r.head_hash.as_str()) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn merged_before(conn: &Connection, sha: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM merges WHERE bundle_sha = ?1)")?
        .query_row([sha], |r| r.get(0))?)
}

/// A bundle already merged (same checksum, so the same bytes verified then): nothing to read again.
fn known_bundle(cx: &Context, path: &Path, h: &Header, sha: String) -> Result<Outcome> {
    behind::check_bundle(cx.conn, path, h)?;
    let mut sigs = Signatures::new(cx.first_use);
    for r in h.chains.iter().filter(|r| !r.is_empty()) {
        sigs.mark(cx.conn, &r.chain)?;
    }
    Ok(Outcome {
        file: path.to_path_buf(),
        sha,
        created_at: h.created_at.clone(),
        skipped: h.chains.iter().map(|r| r.len()).sum(),
        notes: sigs.notes(),
        ..Default::default()
    })
}

/// The error is a unique key of `tickets` refusing the row (the ticket's own row: nothing of it was written).
fn on_tickets_keys(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| match c.downcast_ref::<rusqlite::Error>() {
            Some(rusqlite::Error::SqliteFailure(f, Some(msg))) => {
                f.code == rusqlite::ErrorCode::ConstraintViolation
                    && msg.starts_with("UNIQUE constraint failed: tickets.")
            }
            _ => false,
        })
}

/// A ticket with this id, or this number on its chain, is already here.
fn ticket_taken(conn: &Connection, h: &crate::domain::canonical::TicketHead) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1 OR (chain = ?2 AND number = ?3))",
        )?
        .query_row(params![h.id, h.chain, h.number as i64], |r| r.get(0))?)
}

fn journal_hash(conn: &Connection, chain: &str, seq: u64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?
        .query_row(params![chain, seq as i64], |r| r.get(0))
        .optional()?)
}

struct Chain {
    check: ChainCheck,
    /// The chain's head here, moving as this bundle's entries are written.
    head: Head,
    /// The head when this bundle started: entries up to it are known, after it new.
    start: u64,
    local: LocalHashes,
}

struct One<'a, 'c> {
    cx: &'a Context<'c>,
    path: PathBuf,
    header: &'a Header,
    chains: BTreeMap<String, Chain>,
    org: ChainCheck,
    /// Our ORG and the bundle's differ from this entry on: the rest are witnesses.
    org_forked: bool,
    witness: Vec<Entry>,
    awaiting: Awaiting,
    /// Refunds wait for the end of the bundle: their original may come later in it.
    refunds: Vec<BundleTicket>,
    /// Checked rows not yet written (`flush`).
    entries: Vec<Entry>,
    tickets: Vec<TicketRows>,
    /// Where written rows go to be freed (`ahead::Bin`).
    bin: Option<Bin>,
    sigs: Signatures<'a>,
    out: Outcome,
}

/// Rows buffered before they are written table by table: enough to fill multi-row statements, few enough that
/// memory stays small.
const BATCH: usize = 512;

impl<'a, 'c> One<'a, 'c> {
    fn new(cx: &'a Context<'c>, path: PathBuf, header: &'a Header) -> Result<Self> {
        let mut chains = BTreeMap::new();
        for r in &header.chains {
            let head = journal::head(cx.conn, &r.chain)?
                .map(|(seq, hash, grand_total)| Head {
                    seq,
                    hash,
                    grand_total,
                })
                .unwrap_or_default();
            let chain = Chain {
                check: ChainCheck::new(r.clone()),
                start: head.seq,
                local: LocalHashes::new(&r.chain, head.seq),
                head,
            };
            chains.insert(r.chain.clone(), chain);
        }
        Ok(One {
            cx,
            out: Outcome {
                file: path.clone(),
                created_at: header.created_at.clone(),
                ..Default::default()
            },
            path,
            header,
            chains,
            org: ChainCheck::new(header.org.clone()),
            org_forked: false,
            witness: Vec::new(),
            awaiting: Awaiting::default(),
            refunds: Vec::new(),
            entries: Vec::new(),
            tickets: Vec::new(),
            bin: None,
            sigs: Signatures::new(cx.first_use),
        })
    }

    fn entry(&mut self, e: Entry, hash_ok: bool, signature: Option<&Checked>) -> Result<()> {
        let (conn, path) = (self.cx.conn, self.path.as_path());
        if e.chain == ORG_CHAIN {
            self.org.entry(path, self.cx.market_uuid, &e, hash_ok)?;
            return self.org_entry(e);
        }
        let Some(c) = self.chains.get_mut(&e.chain) else {
            let msg = format!("entrées de {} non annoncées", e.chain);
            return Err(refuse(path, Refusal::Malformed, msg));
        };
        c.check.entry(path, self.cx.market_uuid, &e, hash_ok)?;
        self.sigs.check(conn, path, &e, signature)?;
        if e.seq <= c.start {
            if c.local.at(conn, e.seq)?.as_deref() != Some(e.hash.as_str()) {
                let other = self.cx.call.writer(&e.chain, e.seq);
                return Err(diverged(&e.chain, e.seq, path, other));
            }
            self.out.skipped += 1;
            self.awaiting.entry(&e, false);
            return Ok(());
        }
        if e.seq != c.head.seq + 1 {
            return Err(Waiting(gap(path, &e.chain, e.seq, c.head.seq)).into());
        }
        if e.seq > 1 {
            if e.prev_hash != c.head.hash {
                let other = self.cx.call.writer(&e.chain, e.seq - 1);
                return Err(diverged(&e.chain, e.seq, path, other));
            }
            if c.head.grand_total.checked_add(e.amount) != Some(e.grand_total) {
                let msg = format!(
                    "journal {} n°{} : total perpétuel incohérent",
                    e.chain, e.seq
                );
                return Err(refuse(path, Refusal::BrokenChain, msg));
            }
        }
        c.head = Head {
            seq: e.seq,
            hash: e.hash.clone(),
            grand_total: e.grand_total,
        };
        self.out.new_entries += 1;
        match self.out.ranges.last_mut() {
            Some(r) if r.0 == e.chain && r.2 + 1 == e.seq => r.2 = e.seq,
            _ => self.out.ranges.push((e.chain.clone(), e.seq, e.seq)),
        }
        self.awaiting.entry(&e, true);
        self.entries.push(e);
        if self.entries.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// The bundle's ORG entries from where its ORG chain forks from ours, not yet kept, become witnesses.
    fn org_entry(&mut self, e: Entry) -> Result<()> {
        let conn = self.cx.conn;
        self.org_forked = self.org_forked
            || journal_hash(conn, ORG_CHAIN, e.seq)?.as_deref() != Some(e.hash.as_str());
        if !self.org_forked {
            return Ok(());
        }
        let kept: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM org_witness WHERE hash = ?1)")?
            .query_row([&e.hash], |r| r.get(0))?;
        if !kept {
            self.witness.push(e);
        }
        Ok(())
    }

    fn ticket(&mut self, t: ProvedTicket) -> Result<()> {
        let chains = &self.chains;
        let passed = |chain: &str, seq| chains.get(chain).is_some_and(|c| c.check.passed(seq));
        let t = self.awaiting.ticket(&self.path, t, passed)?;
        if !t.fresh {
            return Ok(());
        }
        if let Some(problem) = &t.problem {
            let msg = format!("ticket {} : {problem}", t.head.id);
            return Err(refuse(&self.path, Refusal::Catalogue, msg));
        }
        if t.head.kind.is_refund() {
            self.refunds.push(t);
            return Ok(());
        }
        self.store(t)
    }

    fn store(&mut self, t: BundleTicket) -> Result<()> {
        let collector = self.cx.refs.collector(&t.head.till).unwrap_or_default();
        self.tickets.push(apply::ticket_rows(t, collector));
        self.out.new_tickets += 1;
        if self.tickets.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rows checked so far, table by table.
    fn flush(&mut self) -> Result<()> {
        let conn = self.cx.conn;
        apply::insert_entries(conn, &self.entries)?;
        let entries = std::mem::take(&mut self.entries);
        let tickets = std::mem::take(&mut self.tickets);
        // The ticket's id and (chain, number) are unique keys: a ticket already here fails its insert, which
        // writes nothing of it; asking first would cost two more index seeks per ticket.
        if let Err(r) = apply::insert_tickets(conn, &tickets) {
            let h = &tickets[r.index].head;
            return Err(if on_tickets_keys(&r.error) && ticket_taken(conn, h)? {
                let msg = format!("le ticket {} existe déjà avec un autre contenu", h.id);
                refuse(&self.path, Refusal::TicketMismatch, msg)
            } else {
                r.error
            });
        }
        for t in &tickets {
            if self.cx.refs.phases.get(&t.head.phase) == Some(&true) {
                crate::storage::late::flag_late(conn, &t.head, self.cx.at)?;
            }
        }
        if let Some(bin) = &self.bin {
            bin.throw((entries, tickets));
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Outcome> {
        self.flush()?;
        for c in self.chains.values() {
            c.check.finish(&self.path)?;
        }
        self.org.finish(&self.path)?;
        self.awaiting.finish(&self.path)?;
        behind::check_bundle(self.cx.conn, &self.path, self.header)?;
        for t in std::mem::take(&mut self.refunds) {
            let Some(orig) = t.head.refund_of.as_deref() else {
                self.store(t)?;
                continue;
            };
            let here: bool = self.tickets.iter().any(|p| p.head.id == orig)
                || self
                    .cx
                    .conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM tickets WHERE id = ?1)")?
                    .query_row([orig], |r| r.get(0))?;
            if !here {
                let msg = format!(
                    "le remboursement {} renvoie au ticket {orig}, absent ici et des lots",
                    t.head.id
                );
                return Err(Waiting(refuse(&self.path, Refusal::Gap, msg)).into());
            }
            self.store(t)?;
        }
        self.flush()?;
        for e in &self.witness {
            apply::insert_witness(self.cx.conn, e, &self.out.sha)?;
        }
        self.out.witness = self.witness.len() as u64;
        self.out.notes = self.sigs.notes();
        self.out.first_use = std::mem::take(&mut self.sigs.first_use);
        Ok(self.out)
    }
}
