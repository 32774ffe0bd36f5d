//! The bundle text: a magic line, one JSON record per line, and a trailer line holding the SHA-256 of every
//! byte before it. Text so that an organiser can read it (`zstd -d`); line by line so that it streams; the
//! trailer last so that a truncated copy (USB stick pulled out) has no valid trailer. `export` writes it through
//! zstd; the checksum is the text's, so a bundle has one identity however it travels.
use crate::domain::ByMethod;
use crate::domain::settlement::ExhibitorShare;
use crate::storage::journal::Entry;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

pub const MAGIC: &str = "SOUK-BUNDLE/1";
pub const TRAILER: &str = "SHA256 ";

/// One chain's exported range; `from_seq > to_seq` means nothing new on that chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRange {
    pub chain: String,
    pub from_seq: u64,
    pub to_seq: u64,
    /// The chain head when exported: the witness the organiser compares with the Z reports.
    pub head_hash: String,
}

impl ChainRange {
    pub fn len(&self) -> u64 {
        (self.to_seq + 1).saturating_sub(self.from_seq)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub market_uuid: String,
    pub market_name: String,
    pub created_at: String,
    pub tills: Vec<String>,
    pub chains: Vec<ChainRange>,
    /// The exporter's whole ORG chain, carried as evidence (never merged into ours).
    pub org: ChainRange,
}

/// A journal entry travels as the ledger stores it (same fields, same order).
pub type WireEntry = Entry;

/// A ticket as hashed into its journal entry (`souk-ticket/1` text), plus the per-exhibitor shares the
/// exporting database stored: `[exhibitor, net, cash, card, mobile, other]`, compared with a recomputation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireTicket {
    pub seq: u64,
    pub canonical: String,
    pub shares: Vec<WireShare>,
}

/// A share on the wire: `[exhibitor, net, cash, card, mobile, other]`, the order bundles have always used.
pub type WireShare = (String, i64, i64, i64, i64, i64);

pub fn share_to_wire(s: ExhibitorShare) -> WireShare {
    let m = s.by_method;
    (s.exhibitor_code, s.net, m.cash, m.card, m.mobile, m.other)
}

pub fn share_from_wire(w: &WireShare) -> ExhibitorShare {
    let (exhibitor_code, net, cash, card, mobile, other) = w.clone();
    ExhibitorShare {
        exhibitor_code,
        net,
        by_method: ByMethod {
            cash,
            card,
            mobile,
            other,
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Record {
    Bundle(Header),
    Entry(WireEntry),
    Ticket(WireTicket),
}

/// Writes records while hashing them; `finish` appends the trailer.
pub struct BundleWriter<W: Write> {
    out: W,
    hasher: Sha256,
    pub bytes: u64,
}

impl<W: Write> BundleWriter<W> {
    pub fn new(out: W) -> io::Result<Self> {
        let mut w = BundleWriter {
            out,
            hasher: Sha256::new(),
            bytes: 0,
        };
        w.raw(format!("{MAGIC}\n").as_bytes())?;
        Ok(w)
    }

    fn raw(&mut self, b: &[u8]) -> io::Result<()> {
        self.hasher.update(b);
        self.bytes += b.len() as u64;
        self.out.write_all(b)
    }

    /// Whole record lines already encoded (`wire`), each ending in a newline.
    pub fn lines(&mut self, b: &[u8]) -> io::Result<()> {
        self.raw(b)
    }

    pub fn record(&mut self, r: &Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(r).map_err(io::Error::other)?;
        line.push(b'\n');
        self.raw(&line)
    }

    /// Writes the trailer; returns the checksum (the bundle's identity), the size and the writer.
    pub fn finish(mut self) -> io::Result<(String, u64, W)> {
        let digest = self.hasher.finalize();
        let sha: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let trailer = format!("{TRAILER}{sha}\n");
        self.bytes += trailer.len() as u64;
        self.out.write_all(trailer.as_bytes())?;
        self.out.flush()?;
        Ok((sha, self.bytes, self.out))
    }
}
