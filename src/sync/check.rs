//! Everything a bundle must prove on its own, before this database is looked at: its market, every entry's
//! hash, link and perpetual total, and every ticket against the entry that hashed it.
use super::canon::decode_ticket;
use super::error::{Refusal, refuse};
use super::format::{ChainRange, RawBundle, Record, read_bundle, share_from_wire};
use super::rows::ShareRow;
use crate::domain::canonical::{TicketHead, encode_ticket, entry_hash, genesis, sha256_hex};
use crate::domain::money::to_centimes;
use crate::domain::{Line, Payment};
use crate::storage::ORG_CHAIN;
use crate::storage::journal::Entry;
use anyhow::Result;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A bundle that passed every check that needs no database.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub file: PathBuf,
    pub sha: String,
    /// When the exporting laptop wrote it (its clock, UTC).
    pub created_at: String,
    /// Till chains' entries, by chain then seq.
    pub entries: Vec<Entry>,
    pub org: Vec<Entry>,
    pub tickets: Vec<BundleTicket>,
}

#[derive(Debug, Clone)]
pub struct BundleTicket {
    pub head: TicketHead,
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    pub local_date: String,
    pub journal_seq: u64,
}

pub fn load(path: &Path, market_uuid: &str) -> Result<Bundle> {
    let raw = read_bundle(path)?;
    if raw.header.market_uuid != market_uuid {
        let msg = format!(
            "il vient d'un autre marché (« {} », {}) que cette base ({market_uuid})",
            raw.header.market_name, raw.header.market_uuid
        );
        return Err(refuse(path, Refusal::OtherMarket, msg));
    }
    Checker { path, market_uuid }.bundle(raw)
}

struct Checker<'a> {
    path: &'a Path,
    market_uuid: &'a str,
}

impl Checker<'_> {
    fn fail(&self, kind: Refusal, msg: String) -> Result<()> {
        Err(refuse(self.path, kind, msg))
    }

    fn bundle(&self, raw: RawBundle) -> Result<Bundle> {
        let mut by_chain: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        let mut wire_tickets = Vec::new();
        for r in raw.records.into_iter().skip(1) {
            match r {
                Record::Entry(e) => by_chain.entry(e.chain.clone()).or_default().push(e),
                Record::Ticket(t) => wire_tickets.push(t),
                Record::Bundle(_) => self.fail(Refusal::Malformed, "deux en-têtes".into())?,
            }
        }
        let org = by_chain.remove(ORG_CHAIN).unwrap_or_default();
        self.chain(&org, &raw.header.org)?;
        let mut entries = Vec::new();
        for range in &raw.header.chains {
            let chain = by_chain.remove(&range.chain).unwrap_or_default();
            self.chain(&chain, range)?;
            entries.extend(chain);
        }
        if let Some(extra) = by_chain.keys().next() {
            self.fail(
                Refusal::Malformed,
                format!("entrées de {extra} non annoncées"),
            )?;
        }
        let mut tickets = Vec::with_capacity(wire_tickets.len());
        let index: HashMap<(&str, u64), &Entry> = entries
            .iter()
            .map(|e| ((e.chain.as_str(), e.seq), e))
            .collect();
        let mut matched = HashSet::new();
        for t in wire_tickets {
            let shares: Vec<ShareRow> = t.shares.iter().map(share_from_wire).collect();
            let ticket = self.ticket(&t.canonical, t.seq, &shares, &index)?;
            if !matched.insert((ticket.head.chain.clone(), t.seq)) {
                self.fail(
                    Refusal::TicketMismatch,
                    format!("ticket {} en double", ticket.head.id),
                )?;
            }
            tickets.push(ticket);
        }
        self.complete(&entries, &matched)?;
        Ok(Bundle {
            file: self.path.to_path_buf(),
            sha: raw.sha,
            created_at: raw.header.created_at.clone(),
            entries,
            org,
            tickets,
        })
    }

    /// Exactly the announced range, each entry hashing its content and linking to the previous one.
    fn chain(&self, entries: &[Entry], range: &ChainRange) -> Result<()> {
        let at = |seq: u64| format!("journal {} n°{seq}", range.chain);
        if entries.len() as u64 != range.len() {
            let msg = format!(
                "journal {} : {} entrées au lieu des {} annoncées ({} à {})",
                range.chain,
                entries.len(),
                range.len(),
                range.from_seq,
                range.to_seq
            );
            self.fail(Refusal::BrokenChain, msg)?;
        }
        let mut prev: Option<&Entry> = None;
        for (i, e) in entries.iter().enumerate() {
            let seq = range.from_seq + i as u64;
            if e.seq != seq {
                self.fail(Refusal::BrokenChain, format!("{} manquante", at(seq)))?;
            }
            if entry_hash(&e.fields()) != e.hash {
                let msg = format!(
                    "{} ({} {}) : empreinte fausse, entrée modifiée",
                    at(seq),
                    e.kind,
                    e.subject
                );
                self.fail(Refusal::BrokenChain, msg)?;
            }
            let linked = match prev {
                Some(p) => {
                    e.prev_hash == p.hash
                        && p.grand_total.checked_add(e.amount) == Some(e.grand_total)
                }
                None if seq == 1 => {
                    e.prev_hash == genesis(&range.chain, self.market_uuid)
                        && e.grand_total == e.amount
                }
                None => true,
            };
            if !linked {
                self.fail(
                    Refusal::BrokenChain,
                    format!("{} : ne suit pas l'entrée précédente", at(seq)),
                )?;
            }
            prev = Some(e);
        }
        if prev.is_some_and(|p| p.hash != range.head_hash) {
            let msg = format!(
                "journal {} : la tête annoncée ne correspond pas",
                range.chain
            );
            self.fail(Refusal::BrokenChain, msg)?;
        }
        Ok(())
    }

    fn ticket(
        &self,
        canonical: &str,
        seq: u64,
        shares: &[ShareRow],
        index: &HashMap<(&str, u64), &Entry>,
    ) -> Result<BundleTicket> {
        let bad = |msg: String| refuse(self.path, Refusal::TicketMismatch, msg);
        let (head, lines, payments) =
            decode_ticket(canonical).map_err(|e| bad(format!("ticket illisible : {e}")))?;
        let id = head.id.clone();
        let entry = index.get(&(head.chain.as_str(), seq)).ok_or_else(|| {
            bad(format!(
                "ticket {id} : son entrée n°{seq} n'est pas dans le lot"
            ))
        })?;
        let sign = head.kind.sign();
        let amount = to_centimes(head.total).ok().map(|c| c * sign);
        let same = entry.kind.ticket() == Some(head.kind)
            && entry.subject == id
            && entry.detail == sha256_hex(canonical.as_bytes())
            && amount == Some(entry.amount)
            && encode_ticket(&head, &lines, &payments) == canonical;
        if !same {
            return Err(bad(format!(
                "ticket {id} : ne correspond pas à l'entrée {} n°{seq} du journal (ticket modifié)",
                head.chain
            )));
        }
        if !accepted_shares(&lines, &payments, sign)
            .iter()
            .any(|split| split.as_slice() == shares)
        {
            return Err(bad(format!(
                "ticket {id} : répartition par exposant fausse"
            )));
        }
        let local_date = local_date(&head.at_utc, head.utc_offset)
            .ok_or_else(|| bad(format!("ticket {id} : date illisible")))?;
        Ok(BundleTicket {
            head,
            lines,
            payments,
            local_date,
            journal_seq: seq,
        })
    }

    /// Every sale or refund journalled in the bundle comes with its ticket.
    fn complete(&self, entries: &[Entry], matched: &HashSet<(String, u64)>) -> Result<()> {
        for e in entries {
            let is_ticket = e.kind.ticket().is_some();
            if is_ticket && !matched.contains(&(e.chain.clone(), e.seq)) {
                let msg = format!(
                    "journal {} n°{} : le ticket {} manque",
                    e.chain, e.seq, e.subject
                );
                self.fail(Refusal::TicketMismatch, msg)?;
            }
        }
        Ok(())
    }
}

/// Shares as `storage::tickets` stores them (signed by the ticket kind, ordered by exhibitor), in every split a
/// stored ticket may carry.
pub fn accepted_shares(lines: &[Line], payments: &[Payment], sign: i64) -> Vec<Vec<ShareRow>> {
    crate::domain::settlement::accepted_shares(lines, payments)
        .into_iter()
        .map(|split| split.into_iter().map(|s| s.signed(sign)).collect())
        .collect()
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
