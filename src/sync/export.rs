//! `souk export`: a bundle of what this database journalled, read in one snapshot and streamed through zstd to a
//! temporary file, synced and renamed. Each ticket follows its entry, so that `merge` checks it at once. The
//! only write is a bookkeeping row in `exports` (never sales data).
use super::batch;
use super::format::{BundleWriter, ChainRange, Header, Record};
use super::pipe::{self, Inline, Item, Pipeline, Sink};
use super::rows::TicketStream;
use crate::files::{AtomicFile, OutRules};
use crate::storage::journal::{self, from_row};
use crate::storage::{Clock, Db, ORG_CHAIN, catalogue};
use anyhow::{Result, bail};
use rusqlite::{Connection, params};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub file: PathBuf,
    /// SHA-256 of the bundle's content: its identity in `merges` and on the organiser's ORG chain.
    pub sha: String,
    /// The file's size (compressed).
    pub bytes: u64,
    /// The bundle's text before compression.
    pub text_bytes: u64,
    pub chains: Vec<ChainRange>,
    pub entries: u64,
    pub tickets: u64,
    pub org_entries: u64,
}

pub fn export(db: &Db, out: &Path, till: Option<&str>, since_last: bool) -> Result<ExportSummary> {
    export_with(db, out, till, since_last, &OutRules::new(db.path(), false))
}

/// Like [`export`], replacing an existing `out` only if `rules` say so; never the database in use.
pub fn export_with(
    db: &Db,
    out: &Path,
    till: Option<&str>,
    since_last: bool,
    rules: &OutRules,
) -> Result<ExportSummary> {
    let at = Clock::market()?.now()?.at_utc;
    let how = How {
        till,
        since_last,
        rules,
        at: &at,
        pipeline: Pipeline::Threads,
    };
    run(db, out, &how)
}

/// Every tills' bundle stamped `at_utc`, written through `pipeline`: lets the tests compare the pipeline with
/// the plain path byte for byte.
#[doc(hidden)]
pub fn export_at(db: &Db, out: &Path, at_utc: &str, pipeline: Pipeline) -> Result<ExportSummary> {
    let how = How {
        till: None,
        since_last: false,
        rules: &OutRules::new(db.path(), false),
        at: at_utc,
        pipeline,
    };
    run(db, out, &how)
}

struct How<'a> {
    till: Option<&'a str>,
    since_last: bool,
    rules: &'a OutRules<'a>,
    at: &'a str,
    pipeline: Pipeline,
}

/// SQLite's page cache while exporting: each chain walks the tickets table again, whose pages hold every
/// till's tickets; kept between the chains' passes instead of read again from the file.
const EXPORT_CACHE_KIB: i64 = 16 * 1024;

fn run(db: &Db, out: &Path, how: &How) -> Result<ExportSummary> {
    let conn = db.conn();
    let rules = how.rules;
    let mut file = AtomicFile::create(
        out,
        &OutRules {
            private: true,
            ..*rules
        },
    )?;
    let snapshot = conn.unchecked_transaction()?;
    let header = header(conn, how.till, how.since_last, how.at)?;
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -EXPORT_CACHE_KIB)?;
    let written = write_file(conn, &header, &mut file, how.pipeline);
    conn.pragma_update(None, "cache_size", cache)?;
    let mut summary = written?;
    drop(snapshot);
    summary.file = file.commit()?;
    record_export(conn, &summary, how.at)?;
    Ok(summary)
}

fn header(conn: &Connection, till: Option<&str>, since_last: bool, at: &str) -> Result<Header> {
    let market = catalogue::market(conn)?;
    let tills = chains_to_export(conn, till)?;
    let mut chains = Vec::new();
    for t in &tills {
        let from = if since_last {
            last_exported(conn, t)? + 1
        } else {
            1
        };
        chains.push(range(conn, t, from)?);
    }
    Ok(Header {
        market_uuid: market.uuid,
        market_name: market.name,
        created_at: at.to_string(),
        tills,
        chains,
        org: range(conn, ORG_CHAIN, 1)?,
    })
}

fn chains_to_export(conn: &Connection, till: Option<&str>) -> Result<Vec<String>> {
    if let Some(t) = till {
        if t == ORG_CHAIN {
            bail!("{ORG_CHAIN} n'est pas une caisse : exportez une caisse, ou toutes");
        }
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM tills WHERE id = ?1) OR EXISTS (SELECT 1 FROM journal WHERE chain = ?1)",
            [t],
            |r| r.get(0),
        )?;
        if !known {
            bail!("caisse inconnue : {t}");
        }
        return Ok(vec![t.to_string()]);
    }
    let mut stmt =
        conn.prepare("SELECT DISTINCT chain FROM journal WHERE chain <> ?1 ORDER BY chain")?;
    let rows = stmt.query_map([ORG_CHAIN], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn last_exported(conn: &Connection, chain: &str) -> Result<u64> {
    let last: Option<i64> = conn.query_row(
        "SELECT MAX(to_seq) FROM exports WHERE chain = ?1",
        [chain],
        |r| r.get(0),
    )?;
    Ok(last.unwrap_or(0) as u64)
}

fn range(conn: &Connection, chain: &str, from: u64) -> Result<ChainRange> {
    let (to, head_hash) = journal::head(conn, chain)?
        .map(|(s, h, _)| (s, h))
        .unwrap_or_default();
    Ok(ChainRange {
        chain: chain.to_string(),
        from_seq: from,
        to_seq: to,
        head_hash,
    })
}

/// zstd's fastest level: within a few percent of level 3's size on bundles (1.06× on the settlement bench's),
/// at half its time.
const LEVEL: i32 = 1;

fn write_file(
    conn: &Connection,
    header: &Header,
    file: &mut AtomicFile,
    pipeline: Pipeline,
) -> Result<ExportSummary> {
    let dest = file.dest().to_path_buf();
    let counted = Counting {
        out: BufWriter::with_capacity(1 << 16, &mut *file),
        bytes: 0,
    };
    let mut zstd = zstd::stream::write::Encoder::new(counted, LEVEL)?;
    zstd.include_checksum(true)?;
    // Compression on a worker thread of zstd's own, beside the reading and the encoding threads.
    zstd.multithread(1)?;
    // Records are short: zstd works on large blocks, not one call per line.
    let mut w = BundleWriter::new(BufWriter::with_capacity(1 << 18, zstd))?;
    w.record(&Record::Bundle(header.clone()))?;
    let chains = |each: &mut dyn FnMut(&ChainRange) -> Result<(u64, u64)>| -> Result<_> {
        let (mut entries, mut tickets) = (0, 0);
        for r in &header.chains {
            let (e, t) = each(r)?;
            (entries, tickets) = (entries + e, tickets + t);
        }
        let (org_entries, _) = each(&header.org)?;
        Ok((entries, tickets, org_entries))
    };
    let ((entries, tickets, org_entries), w) = match pipeline {
        Pipeline::Threads => pipe::threads(w, |out| {
            chains(&mut |r| batch::read_chain(conn, r, &mut *out))
        })?,
        Pipeline::Inline => {
            let mut sink = Inline { w: &mut w };
            let counts = chains(&mut |r| read_chain(conn, &mut sink, r))?;
            (counts, w)
        }
    };
    let (sha, text_bytes, buffered) = w.finish()?;
    let mut counted = buffered
        .into_inner()
        .map_err(|e| e.into_error())?
        .finish()?;
    counted.out.flush()?;
    let bytes = counted.bytes;
    counted.out.into_inner().map_err(|e| e.into_error())?;
    Ok(ExportSummary {
        file: dest,
        sha,
        bytes,
        text_bytes,
        chains: header.chains.clone(),
        entries,
        tickets,
        org_entries,
    })
}

/// A writer that counts what goes through it.
struct Counting<W: Write> {
    out: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The plain path's reading (`Pipeline::Inline`): a chain's entries in seq order, each ticket right after its
/// entry; returns (entries, tickets).
fn read_chain(conn: &Connection, sink: &mut dyn Sink, r: &ChainRange) -> Result<(u64, u64)> {
    let mut stmt = conn.prepare_cached(&format!(
        "{} WHERE chain = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        journal::SELECT_ENTRY
    ))?;
    let mut rows = stmt.query(params![r.chain, r.from_seq as i64, r.to_seq as i64])?;
    let (mut entries, mut tickets, mut written) = (0, 0, 0u64);
    let mut entries_up_to = |sink: &mut dyn Sink, seq: u64| -> Result<()> {
        while written < seq {
            let Some(row) = rows.next()? else { break };
            let e = from_row(row)?;
            written = e.seq;
            sink.put(Item::Entry(e))?;
            entries += 1;
        }
        Ok(())
    };
    if r.chain != ORG_CHAIN {
        let mut stream = TicketStream::prepare(conn)?;
        stream.for_each(&r.chain, r.from_seq, r.to_seq, |t| {
            entries_up_to(sink, t.journal_seq)?;
            sink.put(Item::Ticket(t))?;
            tickets += 1;
            Ok(())
        })?;
    }
    entries_up_to(sink, u64::MAX)?;
    Ok((entries, tickets))
}

/// Remembers the exported ranges so that `since_last` starts after them.
fn record_export(conn: &Connection, s: &ExportSummary, at: &str) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    let file = s.file.display().to_string();
    for r in s.chains.iter().filter(|r| !r.is_empty()) {
        tx.execute(
            "INSERT INTO exports (bundle_sha, chain, from_seq, to_seq, exported_at, file)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.sha, r.chain, r.from_seq as i64, r.to_seq as i64, at, file],
        )?;
    }
    tx.commit()?;
    Ok(())
}
