//! `souk export`: a bundle of what this database journalled, read in one snapshot, written to a temporary file,
//! synced and renamed. The only write is a bookkeeping row in `exports` (never sales data).
use super::format::{BundleWriter, ChainRange, Header, Record, WireTicket};
use super::rows::TicketStream;
use crate::domain::canonical::encode_ticket;
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
    pub bytes: u64,
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
    let conn = db.conn();
    let at = Clock::market()?.now()?;
    let mut file = AtomicFile::create(
        out,
        &OutRules {
            private: true,
            ..*rules
        },
    )?;
    let snapshot = conn.unchecked_transaction()?;
    let header = header(conn, till, since_last, &at.at_utc)?;
    let mut summary = write_file(conn, &header, &mut file)?;
    drop(snapshot);
    summary.file = file.commit()?;
    record_export(conn, &summary, &at.at_utc)?;
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

fn write_file(conn: &Connection, header: &Header, file: &mut AtomicFile) -> Result<ExportSummary> {
    let mut w = BundleWriter::new(BufWriter::with_capacity(1 << 16, &mut *file))?;
    w.record(&Record::Bundle(header.clone()))?;
    let (mut entries, mut tickets) = (0, 0);
    for r in &header.chains {
        entries += write_entries(conn, &mut w, r)?;
        tickets += write_tickets(conn, &mut w, r)?;
    }
    let org_entries = write_entries(conn, &mut w, &header.org)?;
    let (sha, bytes, buf) = w.finish()?;
    buf.into_inner().map_err(|e| e.into_error())?;
    Ok(ExportSummary {
        file: file.dest().to_path_buf(),
        sha,
        bytes,
        chains: header.chains.clone(),
        entries,
        tickets,
        org_entries,
    })
}

fn write_entries<W: Write>(
    conn: &Connection,
    w: &mut BundleWriter<W>,
    r: &ChainRange,
) -> Result<u64> {
    let mut stmt = conn.prepare_cached(&format!(
        "{} WHERE chain = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        journal::SELECT_ENTRY
    ))?;
    let mut rows = stmt.query(params![r.chain, r.from_seq as i64, r.to_seq as i64])?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        w.record(&Record::Entry(from_row(row)?))?;
        n += 1;
    }
    Ok(n)
}

fn write_tickets<W: Write>(
    conn: &Connection,
    w: &mut BundleWriter<W>,
    r: &ChainRange,
) -> Result<u64> {
    let mut n = 0;
    let mut stream = TicketStream::prepare(conn)?;
    stream.for_each(&r.chain, r.from_seq, r.to_seq, |t| {
        let canonical = encode_ticket(&t.head, &t.lines, &t.payments);
        w.record(&Record::Ticket(WireTicket {
            seq: t.journal_seq,
            canonical,
            shares: t
                .shares
                .into_iter()
                .map(super::format::share_to_wire)
                .collect(),
        }))?;
        n += 1;
        Ok(())
    })?;
    Ok(n)
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
