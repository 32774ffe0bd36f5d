//! How exported rows become bundle text. `Threads`: the connection's thread only steps statements and copies
//! values into batches (`batch`), handed over a bounded channel to a thread that encodes them (`encode`),
//! hashes and feeds zstd, which compresses on a worker of its own. `Inline`: rows read into tickets and
//! written one by one through `serde_json` on the reading thread, as `export` first did — the reference the
//! tests compare the pipeline with, byte for byte.
use super::batch::{Batch, Out};
use super::encode::Encoder;
use super::format::{BundleWriter, Record, WireTicket, share_to_wire};
use super::rows::StoredTicket;
use crate::domain::canonical::encode_ticket;
use crate::storage::journal::Entry;
use anyhow::{Result, anyhow};
use std::io::Write;
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

/// Where the plain path puts each record, in bundle order.
pub trait Sink {
    fn put(&mut self, item: Item) -> Result<()>;
}

pub struct Inline<'a, W: Write> {
    pub w: &'a mut BundleWriter<W>,
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

/// Batches in flight: with the one being filled and the one being encoded, memory stays a few MB.
const DEPTH: usize = 3;

/// Runs `read` on this thread (which owns the connection) and the encoding on another; returns what `read`
/// returned and the writer, or the first error (the writer's if it stopped first: the reader then only saw
/// the channel close).
pub fn threads<W, T>(
    w: BundleWriter<W>,
    read: impl FnOnce(&mut dyn Out) -> Result<T>,
) -> Result<(T, BundleWriter<W>)>
where
    W: Write + Send,
{
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel(DEPTH);
        let (back_tx, back_rx) = sync_channel(DEPTH + 2);
        let writer = s.spawn(move || encode(rx, back_tx, w));
        let mut out = Batches {
            tx,
            back: back_rx,
            batch: Batch::default(),
        };
        let read = read(&mut out).and_then(|got| out.send().map(|()| got));
        drop(out);
        let written = writer
            .join()
            .map_err(|_| anyhow!("l'écriture du lot s'est interrompue (erreur interne)"))?;
        match (read, written) {
            (Ok(got), Ok(w)) => Ok((got, w)),
            (_, Err(e)) => Err(e),
            (Err(e), Ok(_)) => Err(e),
        }
    })
}

struct Batches {
    tx: SyncSender<Batch>,
    /// Batches the writer is done with, to be filled again without allocating.
    back: Receiver<Batch>,
    batch: Batch,
}

impl Batches {
    fn send(&mut self) -> Result<()> {
        if self.batch.recs.is_empty() {
            return Ok(());
        }
        let next = self.back.try_recv().unwrap_or_default();
        let full = std::mem::replace(&mut self.batch, next);
        self.tx
            .send(full)
            .map_err(|_| anyhow!("l'écriture du lot s'est arrêtée"))
    }
}

impl Out for Batches {
    fn batch(&mut self) -> &mut Batch {
        &mut self.batch
    }

    fn done_record(&mut self) -> Result<()> {
        if self.batch.full() {
            self.send()?;
        }
        Ok(())
    }
}

/// The writing thread: each batch encoded into one buffer, hashed and compressed in one call.
fn encode<W: Write>(
    rx: Receiver<Batch>,
    back: SyncSender<Batch>,
    mut w: BundleWriter<W>,
) -> Result<BundleWriter<W>> {
    let mut buf = Vec::with_capacity(2 << 20);
    let mut encoder = Encoder::default();
    for mut batch in rx {
        encoder.batch(&batch, &mut buf)?;
        w.lines(&buf)?;
        buf.clear();
        batch.recs.clear();
        batch.vals.clear();
        batch.bytes.clear();
        let _ = back.try_send(batch);
    }
    Ok(w)
}
