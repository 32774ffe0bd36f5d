//! How exported rows become bundle text. `Threads`: the connection's thread only reads rows and hands them in
//! batches (a bounded channel) to a thread that encodes, hashes and feeds zstd, which compresses on a worker of
//! its own. `Inline`: the same records written one by one through `serde_json` on the reading thread — the
//! reference the tests compare the pipeline with, byte for byte.
use super::format::{BundleWriter, Record, WireTicket, share_to_wire};
use super::rows::StoredTicket;
use super::wire;
use crate::domain::canonical::encode_ticket;
use crate::storage::journal::Entry;
use anyhow::{Result, anyhow};
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipeline {
    Threads,
    Inline,
}

pub enum Item {
    Entry(Entry),
    Ticket(StoredTicket),
}

/// Where the reading side puts each record, in bundle order.
pub trait Sink {
    fn put(&mut self, item: Item) -> Result<()>;
}

/// Records per batch: large enough that the channel costs nothing per row, small enough to bound memory
/// (a few hundred kB of rows per batch, `DEPTH` batches in flight).
const BATCH: usize = 1024;
const DEPTH: usize = 4;

/// Runs `read` (on this thread, which owns the connection) into a sink that writes through `w`; returns
/// what `read` returned and the writer, or the first error (the reader's, unless the writer failed first).
pub fn run<W, T>(
    pipeline: Pipeline,
    mut w: BundleWriter<W>,
    read: impl FnOnce(&mut dyn Sink) -> Result<T>,
) -> Result<(T, BundleWriter<W>)>
where
    W: Write + Send,
{
    if pipeline == Pipeline::Inline {
        let got = read(&mut Inline { w: &mut w })?;
        return Ok((got, w));
    }
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel(DEPTH);
        let writer = s.spawn(move || encode(rx, w));
        let mut sink = Batches {
            tx: Some(tx),
            batch: Vec::with_capacity(BATCH),
        };
        let read = read(&mut sink).and_then(|got| sink.flush().map(|()| got));
        drop(sink);
        let written = writer
            .join()
            .map_err(|_| anyhow!("l'écriture du lot s'est interrompue (erreur interne)"))?;
        match (read, written) {
            (Ok(got), Ok(w)) => Ok((got, w)),
            // The writer stopped first (disk full…): the reader only saw the channel close.
            (_, Err(e)) => Err(e.into()),
            (Err(e), Ok(_)) => Err(e),
        }
    })
}

struct Inline<'a, W: Write> {
    w: &'a mut BundleWriter<W>,
}

impl<W: Write> Sink for Inline<'_, W> {
    fn put(&mut self, item: Item) -> Result<()> {
        let record = match item {
            Item::Entry(e) => Record::Entry(e),
            Item::Ticket(t) => Record::Ticket(WireTicket {
                seq: t.journal_seq,
                canonical: encode_ticket(&t.head, &t.lines, &t.payments),
                shares: t.shares.into_iter().map(share_to_wire).collect(),
            }),
        };
        Ok(self.w.record(&record)?)
    }
}

struct Batches {
    tx: Option<SyncSender<Vec<Item>>>,
    batch: Vec<Item>,
}

impl Batches {
    fn flush(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let tx = self.tx.as_ref().expect("open until dropped");
        // A closed channel means the writer failed: `run` reports its error.
        tx.send(full)
            .map_err(|_| anyhow!("l'écriture du lot s'est arrêtée"))
    }
}

impl Sink for Batches {
    fn put(&mut self, item: Item) -> Result<()> {
        self.batch.push(item);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }
}

/// The writing thread: each batch encoded into one buffer, hashed and compressed in one call.
fn encode<W: Write>(
    rx: Receiver<Vec<Item>>,
    mut w: BundleWriter<W>,
) -> io::Result<BundleWriter<W>> {
    let mut buf = Vec::with_capacity(1 << 20);
    let mut shares = Vec::new();
    for batch in rx {
        for item in batch {
            match item {
                Item::Entry(e) => wire::entry_line(&mut buf, &e),
                Item::Ticket(t) => {
                    let canonical = encode_ticket(&t.head, &t.lines, &t.payments);
                    shares.clear();
                    shares.extend(t.shares.into_iter().map(share_to_wire));
                    wire::ticket_line(&mut buf, t.journal_seq, &canonical, &shares);
                }
            }
        }
        w.lines(&buf)?;
        buf.clear();
    }
    Ok(w)
}
