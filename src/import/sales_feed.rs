//! The reading side of the pipelined paper-sales import (`sales_pipe`): rows read, checked and grouped into
//! tickets, each ticket's sale built, sent in batches to the importing thread. A plain XLSX sheet is read cell by
//! cell (`sheet_stream`) and its rows grouped as they come, so that reading the workbook overlaps the writes;
//! any other file is read whole first. Stops without `End` at the first thing the plain path must decide.
use super::codes::{self, Known};
use super::reader::{Cursor, Issue, Row, Table};
use super::sales::{COLUMNS, PaperTicket, prepare, read_row};
use super::sheet_stream;
use super::{Kind, table};
use crate::domain::{Product, Settled};
use crate::storage::{Clock, LocalTime};
use std::collections::HashSet;
use std::sync::mpsc::{Receiver, SyncSender};

/// What the rows are checked against, read by the importing thread inside its transaction.
pub struct Catalogue {
    pub products: Known<Product>,
    pub tills: Vec<String>,
    pub now: LocalTime,
    pub clock: Clock,
}

pub struct Ready {
    pub ticket: PaperTicket,
    pub settled: Settled,
    pub at: LocalTime,
}

pub enum Msg {
    /// The file's header (no rows).
    Head(Table),
    Tickets(Vec<Ready>),
    /// Every row read and checked: the file's rows and tickets.
    End {
        rows: usize,
        tickets: usize,
    },
}

const BATCH: usize = 512;

/// Reads, checks and groups the file's rows into tickets, sent in batches; stops without `End` at the first
/// thing the plain path must decide.
pub fn produce(name: &str, bytes: &[u8], catalogue: &Receiver<Catalogue>, out: &SyncSender<Msg>) {
    if sheet_stream::may_stream(bytes) && from_sheet(name, bytes, catalogue, out) {
        return;
    }
    let Ok(t) = table(Kind::Sales, name, bytes) else {
        return;
    };
    let Some(cat) = start(&t, catalogue, out) else {
        return;
    };
    let mut g = Grouper::default();
    if t.rows
        .iter()
        .all(|row| g.push(&t, &cat, row, out).is_some())
    {
        let _ = g.finish(&t, &cat, out);
    }
}

/// Sends the file's frame once its header holds every column, and takes the catalogue.
fn start(t: &Table, catalogue: &Receiver<Catalogue>, out: &SyncSender<Msg>) -> Option<Catalogue> {
    t.require(COLUMNS).ok()?;
    let frame = Table {
        file: t.file.clone(),
        source: t.source.clone(),
        headers: t.headers.clone(),
        col_offset: t.col_offset,
        rows: Vec::new(),
    };
    out.send(Msg::Head(frame)).ok()?;
    catalogue.recv().ok()
}

/// A plain XLSX sheet read and grouped row batch by row batch. False when the cell reader left the workbook to
/// the grid reader before its header (then read it whole); true once it started, whatever came of it.
fn from_sheet(
    name: &str,
    bytes: &[u8],
    catalogue: &Receiver<Catalogue>,
    out: &SyncSender<Msg>,
) -> bool {
    let mut begun: Option<(Table, Option<Catalogue>)> = None;
    let mut g = Grouper::default();
    let read = sheet_stream::read(name, bytes, "sales", &mut |m| match m {
        sheet_stream::Msg::Head(t) => {
            let cat = start(&t, catalogue, out);
            let ok = cat.is_some();
            begun = Some((t, cat));
            ok.then_some(())
        }
        sheet_stream::Msg::Rows(rows) => {
            let (t, cat) = begun.as_ref()?;
            let cat = cat.as_ref()?;
            rows.iter().try_for_each(|row| g.push(t, cat, row, out))
        }
        sheet_stream::Msg::End => Some(()),
    });
    let Some((t, cat)) = &begun else {
        return false;
    };
    if let (Some(()), Some(cat)) = (read, cat) {
        let _ = g.finish(t, cat, out);
    }
    true
}

/// Rows grouped into tickets as they come: a ticket is complete when a row of another ticket follows it.
#[derive(Default)]
struct Grouper {
    issues: Vec<Issue>,
    done: HashSet<(String, String)>,
    open: Option<PaperTicket>,
    batch: Vec<Ready>,
    rows: usize,
    tickets: usize,
}

impl Grouper {
    fn push(&mut self, t: &Table, cat: &Catalogue, row: &Row, out: &SyncSender<Msg>) -> Option<()> {
        self.rows += 1;
        let mut c = Cursor::new(t, row, &mut self.issues);
        let parts = read_row(&mut c, &cat.products, &cat.tills, &cat.now);
        let (reference, datetime, till, method, line) = parts?;
        if !self.issues.is_empty() {
            return None;
        }
        if let Some(tk) = self
            .open
            .as_mut()
            .filter(|tk| tk.till == till && tk.reference == reference)
        {
            // A ticket's rows disagreeing on its date or payment: the plain path says where.
            if tk.datetime != datetime || tk.method != method {
                return None;
            }
            tk.push(row.line, line);
            return Some(());
        }
        if !self
            .done
            .insert((till.clone(), codes::key(&reference).to_string()))
        {
            return None;
        }
        let next = PaperTicket::begun(row.line, (reference, datetime, till, method, line));
        match self.open.replace(next) {
            Some(tk) => self.complete(t, cat, tk, out),
            None => Some(()),
        }
    }

    fn complete(
        &mut self,
        t: &Table,
        cat: &Catalogue,
        tk: PaperTicket,
        out: &SyncSender<Msg>,
    ) -> Option<()> {
        self.batch.push(ready(t, cat, tk)?);
        self.tickets += 1;
        if self.batch.len() >= BATCH {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            out.send(Msg::Tickets(full)).ok()?;
        }
        Some(())
    }

    fn finish(mut self, t: &Table, cat: &Catalogue, out: &SyncSender<Msg>) -> Option<()> {
        if let Some(tk) = self.open.take() {
            self.batch.push(ready(t, cat, tk)?);
            self.tickets += 1;
        }
        out.send(Msg::Tickets(self.batch)).ok()?;
        let end = Msg::End {
            rows: self.rows,
            tickets: self.tickets,
        };
        out.send(end).ok()
    }
}

fn ready(t: &Table, cat: &Catalogue, ticket: PaperTicket) -> Option<Ready> {
    let (settled, at) = prepare(t, &cat.clock, &ticket).ok()?;
    Some(Ready {
        ticket,
        settled,
        at,
    })
}
