//! Journal entries hashed and signed on a second thread while the writer goes on with its rows (an import of
//! thousands of tickets: one Ed25519 signature costs more than writing the ticket's rows). The writer numbers
//! the entries and carries the chains' totals; the worker, in the same order, hashes each ticket's body, links
//! each entry to the previous one of its chain and signs it. The entries are the same bytes either way: Ed25519
//! signatures are deterministic.
use super::journal::Entry;
use super::keys::Signer;
use crate::domain::canonical::{entry_hash, sha256_hex};
use anyhow::{Result, anyhow};
use std::collections::HashMap;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Where an [`super::journal::Appender`] hashes and signs its entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Signing {
    /// On the caller's thread, each entry inserted as it is appended.
    #[default]
    Inline,
    /// On a worker; the entries reach the table at [`super::journal::Appender::finish`].
    Worker,
}

/// An entry numbered by the writer: its detail is the SHA-256 of `body` when set, and its previous hash is
/// `prev` when it is the first the worker sees of its chain (the worker carries the chain from there).
pub(super) struct Job {
    pub entry: Entry,
    pub body: Option<String>,
    pub prev: Option<String>,
}

/// The worker, and the jobs not sent yet. They go in chunks: waking the thread for every entry cost the writer
/// a system call each.
pub(super) struct Worker {
    chunk: Vec<Job>,
    jobs: mpsc::Sender<Vec<Job>>,
    done: JoinHandle<Result<Vec<Entry>, String>>,
}

impl Worker {
    const CHUNK: usize = 256;

    pub fn start(signer: Signer) -> Result<Worker> {
        let (jobs, inbox) = mpsc::channel::<Vec<Job>>();
        let done = std::thread::Builder::new()
            .name("souk-sign".into())
            .spawn(move || {
                let mut heads = HashMap::new();
                inbox
                    .into_iter()
                    .flatten()
                    .map(|job| complete(&signer, &mut heads, job))
                    .collect()
            })?;
        Ok(Worker {
            chunk: Vec::with_capacity(Self::CHUNK),
            jobs,
            done,
        })
    }

    pub fn push(&mut self, job: Job) -> Result<()> {
        self.chunk.push(job);
        if self.chunk.len() >= Self::CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(Self::CHUNK));
        self.jobs.send(chunk).map_err(|_| interrupted())
    }

    /// Every entry, complete, in the order the jobs were pushed.
    pub fn entries(mut self) -> Result<Vec<Entry>> {
        self.flush()?;
        drop(self.jobs);
        self.done
            .join()
            .map_err(|_| interrupted())?
            .map_err(|e| anyhow!(e))
    }
}

fn interrupted() -> anyhow::Error {
    anyhow!("signature du journal interrompue")
}

/// chain → hash of its last entry seen by the worker.
fn complete(
    signer: &Signer,
    heads: &mut HashMap<String, String>,
    job: Job,
) -> Result<Entry, String> {
    let Job {
        mut entry,
        body,
        prev,
    } = job;
    if let Some(body) = body {
        entry.detail = sha256_hex(body.as_bytes());
    }
    entry.prev_hash = match prev {
        Some(p) => p,
        None => heads
            .get(&entry.chain)
            .cloned()
            .ok_or_else(|| format!("journal {} : entrée précédente inconnue", entry.chain))?,
    };
    entry.hash = entry_hash(&entry.fields());
    heads.insert(entry.chain.clone(), entry.hash.clone());
    entry.signature = signer.sign(&entry.chain, &entry.hash);
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::JournalKind;
    use crate::storage::journal::{self, Appender, NewEntry};
    use crate::storage::{Db, LocalTime, catalogue};

    /// Entries appended in two rounds (finished in between) and a ticket-like one hashed from its body: the
    /// journal a worker leaves is the one inline signing leaves, byte for byte.
    fn journal_after(signing: Signing, dir: &std::path::Path) -> Vec<journal::Entry> {
        let path = dir.join(format!("{signing:?}.souk"));
        let mut db = Db::create(&path).unwrap();
        catalogue::insert_market(db.conn(), &crate::demo::market(), "2025-08-06T08:00:00Z")
            .unwrap();
        let tx = db.write_tx().unwrap();
        // One market and one key for both databases, so that their hashes and signatures can be compared.
        tx.execute(
            "UPDATE market SET uuid = '01920000-0000-7000-8000-000000000012'",
            [],
        )
        .unwrap();
        let secret = "07".repeat(32);
        let public = super::super::keys::public_of_secret(&secret).unwrap();
        tx.execute(
            "INSERT OR REPLACE INTO signing_key (id, chain, secret, public_key, created_at) VALUES (1, 'ORG', ?1, ?2, 'x')",
            [&secret, &public],
        )
        .unwrap();
        let at = test_at();
        let mut a = Appender::new(signing);
        for round in 0..2 {
            for i in 0..300 {
                let e = import_entry(if i % 7 == 0 { "T02" } else { "ORG" }, i);
                if i % 2 == 0 {
                    a.append(&tx, &at, &e).unwrap();
                } else {
                    a.append_body(&tx, &at, &e, format!("body {round} {i}"))
                        .unwrap();
                }
            }
            a.finish(&tx).unwrap();
        }
        let mut stmt = tx
            .prepare(&format!("{} ORDER BY chain, seq", journal::SELECT_ENTRY))
            .unwrap();
        stmt.query_map([], journal::from_row)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn test_at() -> LocalTime {
        LocalTime {
            at_utc: "2025-08-06T09:00:00Z".into(),
            utc_offset: 3600,
            local: jiff::civil::date(2025, 8, 6).at(10, 0, 0, 0),
        }
    }

    fn import_entry(chain: &str, amount: i64) -> NewEntry<'_> {
        NewEntry {
            chain,
            kind: JournalKind::Import,
            actor: "test",
            approver: "",
            subject: "s",
            detail: "d",
            amount,
        }
    }

    /// An appender given a till's key signs that till's entries in a database whose own key is another's,
    /// on either thread, as the registered key checks them.
    #[test]
    fn an_appender_signed_by_a_till_key_signs_that_till() {
        use crate::storage::keys::{self, Origin, Signer};
        let dir = tempfile::tempdir().unwrap();
        for signing in [Signing::Inline, Signing::Worker] {
            let mut db = Db::create(&dir.path().join(format!("{signing:?}.souk"))).unwrap();
            catalogue::insert_market(db.conn(), &crate::demo::market(), "2025-08-06T08:00:00Z")
                .unwrap();
            let tx = db.write_tx().unwrap();
            let signer = Signer::from_seed("T02", [9; 32]);
            let public = signer.public_key().unwrap();
            keys::register(&tx, "T02", &public, Origin::Provisioned, "x").unwrap();
            let at = test_at();
            let mut a = Appender::signed_by(signing, signer);
            for i in 0..5 {
                let e = import_entry("T02", i);
                a.append_body(&tx, &at, &e, format!("body {i}")).unwrap();
            }
            a.finish(&tx).unwrap();
            let n: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM journal WHERE chain = 'T02' AND signature <> ''",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 5);
            assert_eq!(keys::check_signatures(&tx).unwrap(), Vec::<String>::new());
        }
    }

    #[test]
    fn a_worker_leaves_the_journal_inline_signing_leaves() {
        let dir = tempfile::tempdir().unwrap();
        let inline = journal_after(Signing::Inline, dir.path());
        let worker = journal_after(Signing::Worker, dir.path());
        assert_eq!(inline.len(), 600);
        assert!(
            inline
                .iter()
                .any(|e| e.chain == "ORG" && !e.signature.is_empty())
        );
        assert_eq!(worker.len(), inline.len());
        for (w, i) in worker.iter().zip(&inline) {
            assert_eq!(w, i);
        }
    }
}
