//! The append-only, hash-chained journal: one chain per till, each entry hashing the previous one and carrying
//! the chain's perpetual grand total.
use crate::domain::JournalKind;
use crate::domain::canonical::{EntryFields, entry_hash, genesis};
use crate::storage::LocalTime;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// What a caller journals; the chain position, grand total and hashes are computed here.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub chain: &'a str,
    pub kind: JournalKind,
    pub actor: &'a str,
    pub approver: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
    /// Signed change of the chain's grand total (sales +, refunds −, 0 for other events).
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub chain: String,
    pub seq: u64,
    pub at_utc: String,
    pub utc_offset: i32,
    pub kind: JournalKind,
    pub actor: String,
    pub approver: String,
    pub subject: String,
    pub detail: String,
    pub amount: i64,
    pub grand_total: i64,
    pub prev_hash: String,
    pub hash: String,
    /// Ed25519 signature of `hash` by the database that writes this chain (empty before keys existed).
    #[serde(default)]
    pub signature: String,
}

impl Entry {
    pub fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            chain: &self.chain,
            seq: self.seq,
            at_utc: &self.at_utc,
            utc_offset: self.utc_offset,
            kind: self.kind.as_str(),
            actor: &self.actor,
            approver: &self.approver,
            subject: &self.subject,
            detail: &self.detail,
            amount: self.amount,
            grand_total: self.grand_total,
            prev_hash: &self.prev_hash,
        }
    }
    /// (chain, seq, hash, signature): what checking its signature reads.
    pub fn signed(&self) -> (&str, u64, &str, &str) {
        (&self.chain, self.seq, &self.hash, &self.signature)
    }

    pub fn short_hash(&self) -> &str {
        &self.hash[..8]
    }
}

/// (seq, hash, grand_total) of a chain's newest entry.
pub fn head(conn: &Connection, chain: &str) -> Result<Option<(u64, String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT seq, hash, grand_total FROM journal WHERE chain = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([chain], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}

pub fn market_uuid(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT uuid FROM market WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

/// Appends one entry inside the caller's transaction; returns it with its hash. A perpetual total that this
/// entry would take beyond 64 bits (amounts stored before the bounds existed) is first carried over: a
/// `total_carry` entry brings it back to 0, naming the total it carried, and the chain goes on selling.
pub fn append(conn: &Connection, at: &LocalTime, e: &NewEntry) -> Result<Entry> {
    Appender::default().append(conn, at, e)
}

pub use super::signing::Signing;
use super::signing::{Job, Worker};

/// Appends entries one after the other in one transaction, carrying each chain's head and this database's
/// signing key from one entry to the next instead of reading them back (an import of thousands of tickets).
/// Only valid while its transaction is the only writer, which the writer's lock and `BEGIN IMMEDIATE` ensure.
/// With [`Signing::Worker`], entries are hashed and signed on a second thread and reach the journal table at
/// [`Appender::finish`]; what `append` returns then has its chain position and total, not yet its hash.
#[derive(Default)]
pub struct Appender {
    heads: std::collections::HashMap<String, (u64, String, i64)>,
    signer: Option<super::keys::Signer>,
    signing: Signing,
    worker: Option<Worker>,
}

impl Appender {
    pub fn new(signing: Signing) -> Appender {
        Appender {
            signing,
            ..Appender::default()
        }
    }

    /// An appender that signs with `signer` instead of this database's own key (a market built with several
    /// signed tills in one file: one appender per till).
    pub fn signed_by(signing: Signing, signer: super::keys::Signer) -> Appender {
        Appender {
            signing,
            signer: Some(signer),
            ..Appender::default()
        }
    }

    /// As [`append`].
    pub fn append(&mut self, conn: &Connection, at: &LocalTime, e: &NewEntry) -> Result<Entry> {
        self.append_with(conn, at, e, None)
    }

    /// As [`Appender::append`], the entry's detail being the SHA-256 of `body` (`e.detail` is not read): a
    /// worker hashes it.
    pub fn append_body(
        &mut self,
        conn: &Connection,
        at: &LocalTime,
        e: &NewEntry,
        body: String,
    ) -> Result<Entry> {
        if self.signing == Signing::Inline {
            let detail = crate::domain::canonical::sha256_hex(body.as_bytes());
            return self.append_with(
                conn,
                at,
                &NewEntry {
                    detail: &detail,
                    ..e.clone()
                },
                None,
            );
        }
        self.append_with(conn, at, e, Some(body))
    }

    fn append_with(
        &mut self,
        conn: &Connection,
        at: &LocalTime,
        e: &NewEntry,
        body: Option<String>,
    ) -> Result<Entry> {
        if let Some((_, _, total)) = self.head(conn, e.chain)?
            && total.checked_add(e.amount).is_none()
        {
            let carried = total.checked_neg().ok_or_else(|| {
                anyhow::anyhow!(
                    "dépassement du total perpétuel de {} : {total} centimes",
                    e.chain
                )
            })?;
            let detail = format!(
                "total perpétuel de {} DH reporté (il dépasserait la capacité : montants enregistrés avant les \
                 bornes) ; il repart de 0",
                crate::domain::money::format_fr(crate::domain::money::from_centimes(total))
            );
            self.append_one(
                conn,
                at,
                &NewEntry {
                    chain: e.chain,
                    kind: JournalKind::TotalCarry,
                    actor: e.actor,
                    approver: "",
                    subject: "",
                    detail: &detail,
                    amount: carried,
                },
                None,
            )?;
        }
        self.append_one(conn, at, e, body)
    }

    fn head(&self, conn: &Connection, chain: &str) -> Result<Option<(u64, String, i64)>> {
        match self.heads.get(chain) {
            Some(h) => Ok(Some(h.clone())),
            None => head(conn, chain),
        }
    }

    fn append_one(
        &mut self,
        conn: &Connection,
        at: &LocalTime,
        e: &NewEntry,
        body: Option<String>,
    ) -> Result<Entry> {
        // Only the worker knows the hash of a chain's last entry once it has one of that chain.
        let worker_links = self.heads.get(e.chain).is_some_and(|h| h.1.is_empty());
        let (seq, prev_hash, grand_total) = match self.head(conn, e.chain)? {
            Some((s, h, g)) => (s + 1, h, g),
            None => (1, genesis(e.chain, &market_uuid(conn)?), 0),
        };
        let grand_total = grand_total
            .checked_add(e.amount)
            .ok_or_else(|| anyhow::anyhow!("dépassement du total perpétuel de {}", e.chain))?;
        let mut entry = Entry {
            chain: e.chain.into(),
            seq,
            at_utc: at.at_utc.clone(),
            utc_offset: at.utc_offset,
            kind: e.kind,
            actor: e.actor.into(),
            approver: e.approver.into(),
            subject: e.subject.into(),
            detail: e.detail.into(),
            amount: e.amount,
            grand_total,
            prev_hash,
            hash: String::new(),
            signature: String::new(),
        };
        if self.signing == Signing::Worker {
            if self.worker.is_none() {
                let signer = self.signer(conn, e.chain, at)?.clone();
                self.worker = Some(Worker::start(signer)?);
            }
            let prev = (!worker_links).then(|| std::mem::take(&mut entry.prev_hash));
            self.heads
                .insert(entry.chain.clone(), (seq, String::new(), grand_total));
            if let Some(w) = &mut self.worker {
                w.push(Job {
                    entry: entry.clone(),
                    body,
                    prev,
                })?;
            }
            return Ok(entry);
        }
        entry.hash = entry_hash(&entry.fields());
        entry.signature = self.signer(conn, e.chain, at)?.sign(e.chain, &entry.hash);
        insert(conn, &entry)?;
        self.heads.insert(
            entry.chain.clone(),
            (entry.seq, entry.hash.clone(), entry.grand_total),
        );
        Ok(entry)
    }

    /// This database's key, read once (made first, at the first entry of a database that has none).
    fn signer(
        &mut self,
        conn: &Connection,
        chain: &str,
        at: &LocalTime,
    ) -> Result<&super::keys::Signer> {
        if self.signer.is_none() {
            if !super::keys::has_own_key(conn)? {
                super::keys::new_own_key(conn, chain, &at.at_utc)?;
            }
            self.signer = Some(super::keys::Signer::load(conn)?);
        }
        self.signer
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("clé de signature de la base indisponible"))
    }

    /// Inserts the entries the worker completed, in the order they were appended. Must be called before
    /// anything else in the transaction reads the journal (and before it commits); a no-op when signing inline.
    pub fn finish(&mut self, conn: &Connection) -> Result<()> {
        let Some(w) = self.worker.take() else {
            return Ok(());
        };
        for entry in w.entries()? {
            self.heads.insert(
                entry.chain.clone(),
                (entry.seq, entry.hash.clone(), entry.grand_total),
            );
            insert(conn, &entry)?;
        }
        Ok(())
    }
}

/// Inserts an entry as it is (also used by merge, which brings entries hashed elsewhere).
pub fn insert(conn: &Connection, e: &Entry) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO journal (chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, amount,
         grand_total, prev_hash, hash, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        e.chain,
        e.seq as i64,
        e.at_utc,
        e.utc_offset,
        e.kind,
        e.actor,
        e.approver,
        e.subject,
        e.detail,
        e.amount,
        e.grand_total,
        e.prev_hash,
        e.hash,
        e.signature
    ])?;
    super::heads::note(conn, &e.chain, e.seq, &e.hash)
}

pub const SELECT_ENTRY: &str = "SELECT chain, seq, at_utc, utc_offset, kind, actor, approver, subject, detail, \
     amount, grand_total, prev_hash, hash, signature FROM journal";

pub fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    super::error::placed(r, "journal", 12, read_entry)
}

fn read_entry(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        chain: r.get(0)?,
        seq: r.get::<_, i64>(1)? as u64,
        at_utc: r.get(2)?,
        utc_offset: r.get(3)?,
        kind: r.get(4)?,
        actor: r.get(5)?,
        approver: r.get(6)?,
        subject: r.get(7)?,
        detail: r.get(8)?,
        amount: r.get(9)?,
        grand_total: r.get(10)?,
        prev_hash: r.get(11)?,
        hash: r.get(12)?,
        signature: r.get(13)?,
    })
}

/// The entry that journals a given subject (e.g. a ticket id) with a given kind.
pub fn entry_for(conn: &Connection, subject: &str, kind: JournalKind) -> Result<Option<Entry>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT_ENTRY} WHERE subject = ?1 AND kind = ?2 ORDER BY chain, seq LIMIT 1"
        ))?
        .query_row(params![subject, kind], from_row)
        .optional()?)
}

/// Every chain's head, for witnesses printed on Z reports and statements: `T01:12ab34cd…`.
pub fn heads(conn: &Connection) -> Result<Vec<(String, u64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT chain, seq, hash FROM journal j WHERE seq = (SELECT MAX(seq) FROM journal k WHERE k.chain = j.chain) ORDER BY chain",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// All chain heads folded into one short witness (the hash of the heads in chain order).
pub fn witness(conn: &Connection) -> Result<String> {
    let joined: Vec<String> = heads(conn)?
        .into_iter()
        .map(|(c, s, h)| format!("{c}:{s}:{h}"))
        .collect();
    Ok(crate::domain::canonical::sha256_hex(
        joined.join("\n").as_bytes(),
    ))
}

/// The supervisor who approved something on a ticket (recorded on its journal entry), if any.
pub fn ticket_approver(conn: &Connection, ticket_id: &str) -> Result<Option<String>> {
    let approver: Option<String> = conn
        .prepare_cached(
            "SELECT j.approver FROM tickets t JOIN journal j ON j.chain = t.till AND j.seq = t.journal_seq
             WHERE t.id = ?1",
        )?
        .query_row([ticket_id], |r| r.get(0))
        .optional()?;
    Ok(approver.filter(|a| !a.is_empty()))
}
