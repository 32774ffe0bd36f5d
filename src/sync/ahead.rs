//! A bundle read ahead on threads of their own: decompressing, parsing, hashing every entry and decoding every
//! ticket on one, checking the entries' signatures on another (what a record proves on its own) overlap the
//! connection's thread, which only links, compares and writes. Batches travel over a bounded channel, so memory stays bounded.
use super::check::{ProvedTicket, prove_ticket};
use super::format::Record;
use super::plan::References;
use super::reader::BundleReader;
use super::signed::{Checked, KeyGuess};
use crate::domain::canonical::entry_hash;
use crate::storage::journal::Entry;
use anyhow::{Result, anyhow};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

/// A record and what it proves on its own.
pub enum Proved {
    Entry {
        entry: Entry,
        /// Its content hashes to its `hash`.
        hash_ok: bool,
        signature: Option<Checked>,
    },
    Ticket(ProvedTicket),
    /// A second header.
    Header,
}

/// How the reading ended: the bundle's checksum once the trailer matched, or why the file was refused.
pub struct End {
    pub read: Result<String>,
    /// The file itself failed (damaged, truncated, unreadable): reported before what its content breaks.
    pub damaged: bool,
}

/// Records per batch: enough that the channel costs nothing per record.
const BATCH: usize = 256;
/// Batches in flight.
const DEPTH: usize = 4;

/// Reads `reader` on another thread while `consume` takes its records in order on this one, with a [`Bin`]
/// for the rows it is done with. When `consume` stops early (a refusal), the reader runs on to the end of the
/// file without parsing, to tell whether the file itself is damaged. Returns what `consume` returned and how
/// the reading ended.
pub fn read_ahead<T>(
    reader: BundleReader,
    keys: KeyGuess,
    refs: &References,
    consume: impl FnOnce(&mut dyn Iterator<Item = Proved>, Bin) -> T,
) -> (T, End) {
    std::thread::scope(|s| {
        let (tx, read) = sync_channel(DEPTH);
        let (signed, rx) = sync_channel(DEPTH);
        let (bin, spent) = channel();
        let reading = Reading {
            reader,
            refs,
            tx,
            spent,
        };
        // Checking signatures is as much work as reading: a thread of its own, between the reader and us.
        let signing = std::thread::Builder::new()
            .name("souk-signatures".into())
            .spawn_scoped(s, move || check_signatures(read, signed, keys));
        let reading = signing.and_then(|_| {
            std::thread::Builder::new()
                .name("souk-lecture".into())
                .spawn_scoped(s, move || reading.run())
        });
        let bin = Bin(bin);
        let Ok(reading) = reading else {
            let read = Err(anyhow!(
                "lecture du lot impossible : pas de fil d'exécution"
            ));
            let got = consume(&mut std::iter::empty(), bin);
            let damaged = false;
            return (got, End { read, damaged });
        };
        let got = {
            let mut records = Records {
                rx,
                batch: Vec::new().into_iter(),
            };
            consume(&mut records, bin)
        };
        let end = reading.join().unwrap_or_else(|_| End {
            read: Err(anyhow!(
                "la lecture du lot s'est interrompue (erreur interne)"
            )),
            damaged: false,
        });
        (got, end)
    })
}

/// Passes the batches on in order, their entries' signatures checked; stops when either side is gone (the
/// reader then learns it from its own channel).
fn check_signatures(
    read: Receiver<Vec<Proved>>,
    signed: SyncSender<Vec<Proved>>,
    mut keys: KeyGuess,
) {
    for mut batch in read {
        sign_checks(&mut batch, &mut keys);
        if signed.send(batch).is_err() {
            return;
        }
    }
}

/// Rows the connection's thread has written, handed back to be freed on the thread that allocated them (a
/// free across threads costs the writing thread several times more).
pub struct Bin(Sender<Box<dyn Send>>);

impl Bin {
    pub fn throw<T: Send + 'static>(&self, spent: T) {
        // Once the reader has ended, here is as good a place as any.
        let _ = self.0.send(Box::new(spent));
    }
}

struct Records {
    rx: Receiver<Vec<Proved>>,
    batch: std::vec::IntoIter<Proved>,
}

impl Iterator for Records {
    type Item = Proved;

    fn next(&mut self) -> Option<Proved> {
        loop {
            if let Some(p) = self.batch.next() {
                return Some(p);
            }
            self.batch = self.rx.recv().ok()?.into_iter();
        }
    }
}

struct Reading<'r> {
    reader: BundleReader,
    refs: &'r References,
    tx: SyncSender<Vec<Proved>>,
    spent: Receiver<Box<dyn Send>>,
}

impl Reading<'_> {
    fn run(mut self) -> End {
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            match self.reader.next() {
                Ok(Some(r)) => batch.push(prove(r, self.refs)),
                Ok(None) => {
                    // The last batch may find the consumer gone: the checksum stands either way.
                    let _ = self.tx.send(batch);
                    let sha = self.reader.sha().expect("read to the trailer").to_string();
                    return End {
                        read: Ok(sha),
                        damaged: false,
                    };
                }
                Err(e) => {
                    let e = self.reader.first_fault(e);
                    return End {
                        read: Err(e),
                        damaged: self.reader.damaged(),
                    };
                }
            }
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if self.tx.send(full).is_err() {
                    // The consumer stopped: only whether the rest of the file is sound matters now.
                    let read = self.reader.drain();
                    return End {
                        damaged: read.is_err(),
                        read,
                    };
                }
                self.spent.try_iter().for_each(drop);
            }
        }
    }
}

/// The signatures of a batch's entries, checked together (`sign_checks` fills them in).
fn sign_checks(batch: &mut [Proved], keys: &mut KeyGuess) {
    let entries: Vec<&Entry> = batch
        .iter()
        .filter_map(|p| match p {
            Proved::Entry { entry, .. } => Some(entry),
            _ => None,
        })
        .collect();
    let mut checked = keys.check(&entries).into_iter();
    for p in batch {
        if let Proved::Entry { signature, .. } = p {
            *signature = checked.next().flatten();
        }
    }
}

fn prove(r: Record, refs: &References) -> Proved {
    match r {
        Record::Entry(entry) => Proved::Entry {
            hash_ok: entry_hash(&entry.fields()) == entry.hash,
            signature: None,
            entry,
        },
        Record::Ticket(t) => Proved::Ticket(prove_ticket(t, refs)),
        Record::Bundle(_) => Proved::Header,
    }
}
