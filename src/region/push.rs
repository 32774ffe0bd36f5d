//! `souk push`: what this database holds, sent to the region's server chain by chain, in batches each in one
//! transaction. Resumable (each chain starts after the server's head), idempotent (`ON CONFLICT DO NOTHING`,
//! then the hashes compared), and checked like a merged bundle; a chain that fails a check or diverges from the
//! server's copy is refused whole, recorded in `refused`, and the other chains still go.
use super::check::{self, Link};
use super::{keys, schema, send};
use crate::storage::identity::{self, Identity};
use crate::storage::journal::Entry;
use crate::storage::keys::KeyRange;
use crate::storage::{Db, ORG_CHAIN, catalogue, late, outbound};
use crate::sync::{StoredTicket, TicketStream};
use anyhow::{Result, anyhow};
use postgres::Client;
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Entries per transaction (with their tickets); `SOUK_PUSH_BATCH` overrides it.
const BATCH: usize = 2000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushSummary {
    pub market: String,
    /// (chain, entries sent, tickets sent), for the chains that had something new.
    pub sent: Vec<(String, u64, u64)>,
    /// (chain, first seq, whether it replaced the server's) of each key range the server did not hold (a till
    /// provisioned again: a second one; the first replaced if that till had not sold yet).
    pub keys: Vec<(String, u64, bool)>,
    /// A French sentence for each chain refused.
    pub refused: Vec<String>,
}

/// Pushes `db` to the server at `url`; `progress(chain, done, total)` after each batch.
pub fn push(db: &Db, url: &str, progress: &mut dyn FnMut(&str, u64, u64)) -> Result<PushSummary> {
    let mut client = super::connect(url)?;
    schema::init(&mut client)?;
    let conn = db.conn();
    // One read snapshot for the whole push: what the checking pass accepted is what the sending pass sends.
    let _snapshot = conn.unchecked_transaction()?;
    let market = catalogue::market(conn)?;
    let organiser = identity::identity(conn)? == Identity::Organiser;
    let tills = catalogue::tills(conn)?;
    let mut tx = client.transaction()?;
    send::catalogue(
        &mut tx,
        &market,
        &outbound::phase_rows(conn)?,
        &catalogue::exhibitors(conn)?,
        &tills,
        organiser,
    )?;
    tx.commit()?;
    let collectors: HashMap<String, String> = tills
        .iter()
        .map(|t| (t.id.clone(), t.collector.as_str().to_string()))
        .collect();
    let mut pusher = Pusher {
        client: &mut client,
        conn,
        market: &market.uuid,
        keys: crate::storage::keys::all_key_ranges(conn)?,
        collectors,
        batch: batch_size(),
        organiser,
        summary: PushSummary {
            market: market.uuid.clone(),
            ..Default::default()
        },
    };
    // A till's ORG chain forks from the organiser's by design (paper sales): only the organiser sends ORG.
    // Chains with keys but no entry yet (a till provisioned, not merged) send their keys.
    let mut chains: BTreeSet<String> = outbound::chains(conn)?.into_iter().collect();
    chains.extend(pusher.keys.keys().cloned());
    for chain in chains {
        if chain != ORG_CHAIN || organiser {
            pusher.chain(&chain, progress)?;
        }
    }
    if organiser {
        pusher.late_tickets()?;
        send::complements(
            pusher.client,
            &market.uuid,
            &outbound::complement_rows(conn)?,
        )?;
    }
    Ok(pusher.summary)
}

fn batch_size() -> usize {
    std::env::var("SOUK_PUSH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(BATCH)
}

struct Pusher<'a> {
    client: &'a mut Client,
    conn: &'a Connection,
    market: &'a str,
    keys: BTreeMap<String, Vec<KeyRange>>,
    collectors: HashMap<String, String>,
    batch: usize,
    organiser: bool,
    summary: PushSummary,
}

/// What the server holds of a chain.
struct ServerChain {
    head: Option<Link>,
    ranges: Vec<KeyRange>,
}

impl Pusher<'_> {
    fn server_chain(&mut self, chain: &str) -> Result<ServerChain> {
        let head = self
            .client
            .query_opt(
                "SELECT seq, hash, grand_total FROM journal WHERE market = $1 AND chain = $2
                 ORDER BY seq DESC LIMIT 1",
                &[&self.market, &chain],
            )?
            .map(|r| Link {
                seq: r.get::<_, i64>(0) as u64,
                hash: r.get(1),
                grand_total: r.get(2),
            });
        let ranges = keys::on_server(self.client, self.market, chain)?;
        Ok(ServerChain { head, ranges })
    }

    fn chain(&mut self, chain: &str, progress: &mut dyn FnMut(&str, u64, u64)) -> Result<()> {
        let local_seq = crate::storage::journal::head(self.conn, chain)?.map_or(0, |h| h.0);
        let server = self.server_chain(chain)?;
        let ours = keys::effective(self.keys.get(chain).map_or(&[][..], |r| r.as_slice()));
        let head = server.head.as_ref().map(|h| h.seq);
        let who = (self.market, chain, self.organiser);
        let heads = (head, local_seq);
        let (mut ranges, replaced) =
            match keys::admit(self.client, who, &ours, &server.ranges, heads)? {
                Ok(r) => r,
                Err((at, why)) => return self.refuse(chain, at, local_seq, why),
            };
        let from = match &server.head {
            None => 1,
            Some(h) if local_seq == 0 => h.seq + 1,
            Some(h) => {
                let at = h.seq.min(local_seq);
                let ours = outbound::entry_hash(self.conn, chain, at)?;
                let theirs = if at == h.seq {
                    Some(h.hash.clone())
                } else {
                    self.server_hash(chain, at)?
                };
                if ours != theirs {
                    let why = format!(
                        "journal {chain} : l'entrée n°{at} diffère de celle que le serveur a déjà (chaîne divergente)"
                    );
                    return self.refuse(chain, 1, local_seq, why);
                }
                h.seq + 1
            }
        };
        if from <= local_seq
            && let Err(why) = self.verify(chain, from, local_seq, server.head, &mut ranges)?
        {
            return self.refuse(chain, from, local_seq, why);
        }
        match keys::record(self.client, who, &ranges, &server.ranges, &replaced)? {
            Ok(sent) => self.summary.keys.extend(sent),
            Err(why) => return self.refuse(chain, 1, local_seq, why),
        }
        if from > local_seq {
            return Ok(());
        }
        self.send(chain, from, local_seq, progress)
    }

    fn server_hash(&mut self, chain: &str, seq: u64) -> Result<Option<String>> {
        Ok(self
            .client
            .query_opt(
                "SELECT hash FROM journal WHERE market = $1 AND chain = $2 AND seq = $3",
                &[&self.market, &chain, &(seq as i64)],
            )?
            .map(|r| r.get(0)))
    }

    /// Every check on the range before anything of it is written: a chain refused leaves nothing behind.
    fn verify(
        &self,
        chain: &str,
        from: u64,
        to: u64,
        mut link: Option<Link>,
        ranges: &mut Vec<KeyRange>,
    ) -> Result<Result<(), String>> {
        let mut stream = TicketStream::prepare(self.conn)?;
        let mut start = from;
        while start <= to {
            let end = (start + self.batch as u64 - 1).min(to);
            let entries = outbound::entries(self.conn, chain, start, end)?;
            if entries.len() as u64 != end - start + 1 {
                return Ok(Err(format!(
                    "journal {chain} : entrées manquantes entre {start} et {end}"
                )));
            }
            for e in &entries {
                match check::entry(e, link.as_ref(), self.market, ranges) {
                    Ok(l) => link = Some(l),
                    Err(why) => return Ok(Err(why)),
                }
            }
            if let Err(why) = self.tickets(&mut stream, chain, &entries, true)? {
                return Ok(Err(why));
            }
            start = end + 1;
        }
        Ok(Ok(()))
    }

    /// The tickets of a batch, with their local date and collector; each checked against its entry when
    /// `check` (the sending pass reads the same snapshot the checking pass accepted, and skips the hashing).
    #[allow(clippy::type_complexity)]
    fn tickets(
        &self,
        stream: &mut TicketStream,
        chain: &str,
        entries: &[Entry],
        check: bool,
    ) -> Result<Result<Vec<(StoredTicket, String, String)>, String>> {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Ok(Ok(Vec::new()));
        };
        let by_seq: HashMap<u64, &Entry> = entries.iter().map(|e| (e.seq, e)).collect();
        let mut out = Vec::new();
        let mut problem = None;
        stream.for_each(chain, first.seq, last.seq, |t| {
            if problem.is_some() {
                return Ok(());
            }
            let checked = by_seq
                .get(&t.journal_seq)
                .ok_or_else(|| format!("ticket {} : son entrée manque", t.head.id))
                .and_then(|e| if check { check::ticket(&t, e) } else { Ok(()) });
            match checked.and_then(|()| self.columns(&t)) {
                Ok((date, collector)) => out.push((t, date, collector)),
                Err(why) => problem = Some(why),
            }
            Ok(())
        })?;
        if let Some(why) = problem {
            return Ok(Err(why));
        }
        let with_ticket: std::collections::HashSet<u64> =
            out.iter().map(|t| t.0.journal_seq).collect();
        if let Some(e) = entries
            .iter()
            .find(|e| check::is_ticket(e) && !with_ticket.contains(&e.seq))
        {
            return Ok(Err(format!(
                "journal {} n°{} : le ticket {} manque",
                e.chain, e.seq, e.subject
            )));
        }
        Ok(Ok(out))
    }

    fn columns(&self, t: &StoredTicket) -> Result<(String, String), String> {
        let date = local_date(&t.head.at_utc, t.head.utc_offset)
            .ok_or_else(|| format!("ticket {} : date illisible", t.head.id))?;
        let collector = self
            .collectors
            .get(&t.head.till)
            .cloned()
            .ok_or_else(|| format!("ticket {} : caisse {} inconnue", t.head.id, t.head.till))?;
        Ok((date, collector))
    }

    fn send(
        &mut self,
        chain: &str,
        from: u64,
        to: u64,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<()> {
        let mut stream = TicketStream::prepare(self.conn)?;
        let (mut start, mut sent_entries, mut sent_tickets) = (from, 0, 0);
        while start <= to {
            let end = (start + self.batch as u64 - 1).min(to);
            let entries = outbound::entries(self.conn, chain, start, end)?;
            let tickets = self
                .tickets(&mut stream, chain, &entries, false)?
                .map_err(|why| anyhow!("{why} (base modifiée pendant l'envoi ?)"))?;
            let mut tx = self.client.transaction()?;
            let same = send::entries(&mut tx, self.market, chain, &entries)?;
            if same != entries.len() as i64 {
                drop(tx);
                let why = format!(
                    "journal {chain} : entre {start} et {end}, le serveur a reçu entre-temps d'autres entrées (chaîne divergente)"
                );
                return self.refuse(chain, start, to, why);
            }
            send::tickets(&mut tx, self.market, &tickets)?;
            tx.commit()?;
            sent_entries += entries.len() as u64;
            sent_tickets += tickets.len() as u64;
            progress(chain, end - from + 1, to - from + 1);
            start = end + 1;
        }
        self.summary
            .sent
            .push((chain.to_string(), sent_entries, sent_tickets));
        Ok(())
    }

    fn refuse(&mut self, chain: &str, from: u64, to: u64, why: String) -> Result<()> {
        self.client.execute(
            "INSERT INTO refused (market, chain, from_seq, to_seq, reason) VALUES ($1, $2, $3, $4, $5)",
            &[&self.market, &chain, &(from as i64), &(to as i64), &why],
        )?;
        self.summary.refused.push(why);
        Ok(())
    }

    /// Late tickets (the organiser's): only those whose ticket the server holds.
    fn late_tickets(&mut self) -> Result<()> {
        let late = late::late_tickets(self.conn)?;
        let ids: Vec<String> = late.iter().map(|l| l.id.clone()).collect();
        let phases: Vec<i32> = late.iter().map(|l| l.phase as i32).collect();
        let complements: Vec<i32> = late.iter().map(|l| l.complement as i32).collect();
        self.client.execute(
            "INSERT INTO late_tickets (market, ticket_id, phase, complement)
             SELECT $1, u.* FROM UNNEST($2::text[], $3::int4[], $4::int4[]) AS u(id, phase, complement)
             WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.market = $1 AND t.id = u.id)
             ON CONFLICT DO NOTHING",
            &[&self.market, &ids, &phases, &complements],
        )?;
        Ok(())
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
