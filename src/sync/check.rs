//! Everything a bundle must prove on its own, record by record: every entry's hash, link and perpetual total
//! against the previous one of its chain, exactly the announced range, and every ticket against the entry that
//! hashed it. State is per chain, plus the sale and refund entries whose ticket has not come yet (one at a time
//! in bundles written since compression, which put each ticket right after its entry).
use super::canon::decode_ticket;
use super::error::{Refusal, refuse};
use super::format::{ChainRange, WireTicket, share_from_wire};
use super::plan::References;
use super::rows::ShareRow;
use crate::domain::canonical::{TicketHead, encode_ticket, genesis, sha256_hex};
use crate::domain::money::to_centimes;
use crate::domain::settlement::accepted_split;
use crate::domain::{Line, Payment, TicketKind};
use crate::storage::journal::Entry;
use anyhow::Result;
use std::collections::HashMap;
use std::path::Path;

/// A ticket checked against its entry.
#[derive(Debug, Clone)]
pub struct BundleTicket {
    pub head: TicketHead,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    pub local_date: String,
    pub journal_seq: u64,
    /// Its entry is new here (else the ticket is already here, with the same hash).
    pub fresh: bool,
    /// Its split by exhibitor as this version computes it (unsigned), once the bundle's was accepted.
    pub shares: Vec<crate::domain::settlement::ExhibitorShare>,
    /// What this database lacks for it (`References::problem`).
    pub problem: Option<String>,
}

/// One chain of a bundle, checked as its entries arrive.
#[derive(Debug)]
pub struct ChainCheck {
    pub range: ChainRange,
    /// The seq the next entry must have.
    pub next: u64,
    prev: Option<(String, i64)>,
}

impl ChainCheck {
    pub fn new(range: ChainRange) -> ChainCheck {
        ChainCheck {
            next: range.from_seq,
            range,
            prev: None,
        }
    }

    /// An entry of this chain with the seq `next`, its content hashing to its hash (`hash_ok`, computed by the
    /// reading thread) and linking to the previous one.
    pub fn entry(
        &mut self,
        path: &Path,
        market_uuid: &str,
        e: &Entry,
        hash_ok: bool,
    ) -> Result<()> {
        let r = &self.range;
        let at = |seq: u64| format!("journal {} n°{seq}", r.chain);
        let broken = |msg: String| Err(refuse(path, Refusal::BrokenChain, msg));
        if self.next > r.to_seq {
            let msg = format!(
                "journal {} : plus d'entrées que les {} annoncées ({} à {})",
                r.chain,
                r.len(),
                r.from_seq,
                r.to_seq
            );
            return broken(msg);
        }
        if e.seq != self.next {
            return broken(format!("{} manquante", at(self.next)));
        }
        if !hash_ok {
            let msg = format!(
                "{} ({} {}) : empreinte fausse, entrée modifiée",
                at(e.seq),
                e.kind,
                e.subject
            );
            return broken(msg);
        }
        let linked = match &self.prev {
            Some((hash, total)) => {
                e.prev_hash == *hash && total.checked_add(e.amount) == Some(e.grand_total)
            }
            None if e.seq == 1 => {
                e.prev_hash == genesis(&r.chain, market_uuid) && e.grand_total == e.amount
            }
            None => true,
        };
        if !linked {
            return broken(format!("{} : ne suit pas l'entrée précédente", at(e.seq)));
        }
        self.prev = Some((e.hash.clone(), e.grand_total));
        self.next += 1;
        Ok(())
    }

    /// Whether the entry at `seq` was already read.
    pub fn passed(&self, seq: u64) -> bool {
        seq >= self.range.from_seq && seq < self.next
    }

    /// At the end: the whole announced range came, ending at the announced head.
    pub fn finish(&self, path: &Path) -> Result<()> {
        let r = &self.range;
        let got = self.next.saturating_sub(r.from_seq);
        if got != r.len() {
            let msg = format!(
                "journal {} : {got} entrées au lieu des {} annoncées ({} à {})",
                r.chain,
                r.len(),
                r.from_seq,
                r.to_seq
            );
            return Err(refuse(path, Refusal::BrokenChain, msg));
        }
        if self.prev.as_ref().is_some_and(|(h, _)| *h != r.head_hash) {
            let msg = format!("journal {} : la tête annoncée ne correspond pas", r.chain);
            return Err(refuse(path, Refusal::BrokenChain, msg));
        }
        Ok(())
    }
}

/// What a ticket must match in its entry.
#[derive(Debug)]
struct Awaited {
    kind: TicketKind,
    subject: String,
    detail: String,
    amount: i64,
    fresh: bool,
}

/// Sale and refund entries read whose ticket has not come yet.
#[derive(Debug, Default)]
pub struct Awaiting(HashMap<(String, u64), Awaited>);

impl Awaiting {
    pub fn entry(&mut self, e: &Entry, fresh: bool) {
        if let Some(kind) = e.kind.ticket() {
            let a = Awaited {
                kind,
                subject: e.subject.clone(),
                detail: e.detail.clone(),
                amount: e.amount,
                fresh,
            };
            self.0.insert((e.chain.clone(), e.seq), a);
        }
    }

    /// At the end: every sale or refund journalled in the bundle came with its ticket.
    pub fn finish(&self, path: &Path) -> Result<()> {
        match self.0.iter().min_by_key(|(k, _)| *k) {
            None => Ok(()),
            Some(((chain, seq), a)) => Err(refuse(
                path,
                Refusal::TicketMismatch,
                format!("journal {chain} n°{seq} : le ticket {} manque", a.subject),
            )),
        }
    }

    /// Checks a ticket, proved on its own by the reading thread, against its entry (read before it): text,
    /// hash, amount and shares. `passed` says whether an entry at that position was read (a ticket for it
    /// came already).
    pub fn ticket(
        &mut self,
        path: &Path,
        t: ProvedTicket,
        passed: impl Fn(&str, u64) -> bool,
    ) -> Result<BundleTicket> {
        let bad = |msg: String| refuse(path, Refusal::TicketMismatch, msg);
        let seq = t.seq;
        let p = t
            .proof
            .map_err(|e| bad(format!("ticket illisible : {e}")))?;
        let id = p.head.id.clone();
        let Some(entry) = self.0.remove(&(p.head.chain.clone(), seq)) else {
            return Err(bad(if passed(&p.head.chain, seq) {
                format!("ticket {id} en double, ou sans vente ni remboursement au n°{seq}")
            } else {
                format!("ticket {id} : son entrée n°{seq} n'est pas dans le lot")
            }));
        };
        let same = entry.kind == p.head.kind
            && entry.subject == id
            && entry.detail == p.detail
            && p.amount == Some(entry.amount)
            && p.canonical;
        if !same {
            return Err(bad(format!(
                "ticket {id} : ne correspond pas à l'entrée {} n°{seq} du journal (ticket modifié)",
                p.head.chain
            )));
        }
        let Some(split) = p.split else {
            return Err(bad(format!(
                "ticket {id} : répartition par exposant fausse"
            )));
        };
        let local_date = p
            .local_date
            .ok_or_else(|| bad(format!("ticket {id} : date illisible")))?;
        Ok(BundleTicket {
            head: p.head,
            lines: p.lines,
            payments: p.payments,
            local_date,
            journal_seq: seq,
            fresh: entry.fresh,
            shares: split,
            problem: p.problem,
        })
    }
}

/// A ticket record with what it proves on its own, whatever its entry says: what the reading thread computes
/// so that the connection's thread only compares.
#[derive(Debug)]
pub struct ProvedTicket {
    pub seq: u64,
    /// The decoded ticket, or why its text does not decode.
    pub proof: Result<TicketProof, String>,
}

#[derive(Debug)]
pub struct TicketProof {
    pub head: TicketHead,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    /// SHA-256 of its canonical text: what its entry's `detail` must be.
    pub detail: String,
    /// Its text is exactly the canonical encoding of what it decodes to.
    pub canonical: bool,
    /// Its signed amount in centimes, as its entry must carry it.
    pub amount: Option<i64>,
    /// Its split by exhibitor as this version computes it, when the bundle's stored one is accepted.
    pub split: Option<Vec<crate::domain::settlement::ExhibitorShare>>,
    pub local_date: Option<String>,
    pub problem: Option<String>,
}

/// Decodes a ticket record and computes everything its entry will be compared with, and what this database
/// lacks for it.
pub fn prove_ticket(t: WireTicket, refs: &References) -> ProvedTicket {
    let proof = decode_ticket(&t.canonical).map(|(head, lines, payments)| {
        let sign = head.kind.sign();
        let shares: Vec<ShareRow> = t.shares.iter().map(share_from_wire).collect();
        TicketProof {
            detail: sha256_hex(t.canonical.as_bytes()),
            canonical: encode_ticket(&head, &lines, &payments) == t.canonical,
            amount: to_centimes(head.total).ok().map(|c| c * sign),
            split: accepted_split(&lines, &payments, sign, &shares),
            local_date: local_date(&head.at_utc, head.utc_offset),
            problem: refs.problem(&head, &lines),
            head,
            lines,
            payments,
        }
    });
    ProvedTicket {
        seq: t.seq,
        proof: proof.map_err(|e| e.to_string()),
    }
}

/// The market-local date of an instant stored as UTC text plus its offset.
fn local_date(at_utc: &str, offset_secs: i32) -> Option<String> {
    let ts: jiff::Timestamp = at_utc.parse().ok()?;
    let offset = jiff::tz::Offset::from_seconds(offset_secs).ok()?;
    Some(
        ts.to_zoned(jiff::tz::TimeZone::fixed(offset))
            .date()
            .to_string(),
    )
}
