//! Paper sales pipelined: a reader thread reads the file, checks each row, groups the rows of a ticket and builds
//! its sale while the importing thread only writes the tickets already made (and the journal worker hashes and
//! signs them). The tickets, their numbers and the journal are those of the plain path, in one transaction.
//! A ticket is complete when a row of another ticket follows it: a file whose tickets' rows are not together,
//! any refused row or ticket, and anything else the plain path would refuse roll the transaction back, and the
//! caller runs the plain path, which reads the whole file first and names every refusal exactly as before.
use super::sales::{Writer, imported_refs, known_products};
use super::sales_feed::{Catalogue, Msg, Ready, produce};
use super::summary::ImportSummary;
use super::{Kind, Outcome, close_streamed, orphans};
use crate::storage::journal::Signing;
use crate::storage::tickets::Batch;
use crate::storage::{Clock, Db, catalogue as store};
use anyhow::Result;
use std::sync::mpsc::{self, Receiver};

/// The import done, or `None` when the plain path must run.
pub fn sales(
    db: &mut Db,
    name: &str,
    bytes: &[u8],
    actor: &str,
    dry: bool,
    signing: Signing,
) -> Option<Outcome> {
    let (give, catalogue) = mpsc::channel();
    let (out, tickets) = mpsc::sync_channel(8);
    std::thread::scope(|s| {
        let reader = std::thread::Builder::new()
            .name("souk-read".into())
            .spawn_scoped(s, move || produce(name, bytes, &catalogue, &out))
            .ok()?;
        let mut spent = Vec::new();
        let done = apply(
            db, name, bytes, actor, dry, signing, give, &tickets, &mut spent,
        );
        // A reader still sending stops when its receiver is gone.
        drop(tickets);
        reader.join().ok()?;
        // The tickets were made on the reader's thread: freed once it is done, the two threads never contend
        // for the allocator's lock ticket by ticket.
        drop(spent);
        done.ok().flatten()
    })
}

#[allow(clippy::too_many_arguments)]
fn apply(
    db: &mut Db,
    name: &str,
    bytes: &[u8],
    actor: &str,
    dry: bool,
    signing: Signing,
    give: mpsc::Sender<Catalogue>,
    tickets: &Receiver<Msg>,
    spent: &mut Vec<Vec<Ready>>,
) -> Result<Option<Outcome>> {
    let clock = Clock::market()?;
    let at = clock.now()?;
    let tx = db.write_tx()?;
    let chain = crate::storage::identity::own_chain(&tx)?;
    let orphans_before = orphans::snapshot(&tx, Kind::Sales)?;
    let products = known_products(&tx)?;
    let tills = store::tills(&tx)?.into_iter().map(|t| t.id).collect();
    let now = clock.now()?;
    let catalogue = Catalogue {
        products,
        tills,
        now,
        clock: clock.clone(),
    };
    if give.send(catalogue).is_err() {
        return Ok(None);
    }
    let Ok(Msg::Head(frame)) = tickets.recv() else {
        return Ok(None);
    };
    let mut summary = ImportSummary::new(Kind::Sales, name, frame.source.clone(), dry);
    let mut w = Writer {
        conn: &tx,
        table: &frame,
        clock: &clock,
        chain: &chain,
        actor,
        imported: imported_refs(&tx)?,
        batch: Batch::new(signing).accepting_late(&at),
        tills: Default::default(),
    };
    let (rows, count) = loop {
        match tickets.recv() {
            Ok(Msg::Tickets(ready)) => {
                for r in &ready {
                    w.write(&r.ticket, &r.settled, r.at.clone())?;
                }
                spent.push(ready);
            }
            Ok(Msg::End { rows, tickets }) => break (rows, tickets),
            Ok(Msg::Head(_)) | Err(_) => return Ok(None),
        }
    };
    w.batch.finish(&tx)?;
    summary.rows = rows;
    summary.counts.added = count;
    summary.counts.tills = std::mem::take(&mut w.tills);
    summary.counts.late = w.batch.late_counts();
    summary.tickets = count;
    close_streamed(tx, &orphans_before, &at, actor, summary, bytes)
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, import_bytes, run_plain};
    use crate::storage::journal::Signing;
    use crate::storage::{Db, catalogue};
    use std::path::{Path, PathBuf};

    const TICKETS: usize = 700;

    /// A market with two tills, two exhibitors and 50 products, closed so that copies start identical.
    fn template(dir: &Path) -> PathBuf {
        let path = dir.join("template.db");
        let mut db = Db::create(&path).unwrap();
        catalogue::insert_market(db.conn(), &crate::demo::market(), "2025-08-06T08:00:00Z")
            .unwrap();
        let files: [(Kind, &str, String); 4] = [
            (
                Kind::Phases,
                "ph.csv",
                "number,name,starts,ends\n1,P1,2025-08-06,2025-08-10\n".into(),
            ),
            (
                Kind::Tills,
                "t.csv",
                "id,name,collector\nT01,A,organiser\nT02,B,exhibitor\n".into(),
            ),
            (
                Kind::Exhibitors,
                "e.csv",
                "code,name,kind,ice,phone,commission_rate,stall_fee,phases\nE1,Un,cooperative,,,0.05,0,1\n\
                 E2,Deux,association,,,0,10,1\n"
                    .into(),
            ),
            (Kind::Products, "p.csv", {
                let mut p = String::from(
                    "exhibitor_code,code,barcode,name_fr,name_ar,unit,price,vat_rate\n",
                );
                for i in 0..50 {
                    let unit = if i % 4 == 0 { "kg" } else { "piece" };
                    p += &format!("E{},P{i:02},,Produit {i},,{unit},{}.50,0\n", 1 + i % 2, 3 + i);
                }
                p
            }),
        ];
        for (kind, name, text) in files {
            import_bytes(&mut db, kind, name, text.as_bytes(), "t").unwrap();
        }
        path
    }

    fn copy(template: &Path, name: &str) -> Db {
        let path = template.with_file_name(name);
        std::fs::copy(template, &path).unwrap();
        Db::open(&path).unwrap()
    }

    /// Tickets of 1 to 3 lines on two tills; the last row's quantity as given.
    fn sales_csv(last_quantity: &str) -> Vec<u8> {
        let mut out = String::from(
            "ticket_ref;datetime;till;product_code;quantity;unit_price;payment_method\n",
        );
        let rows: Vec<(usize, usize)> = (0..TICKETS)
            .flat_map(|t| (0..1 + t % 3).map(move |l| (t, l)))
            .collect();
        for (k, (t, l)) in rows.iter().enumerate() {
            let p = (t * 7 + l) % 50;
            let quantity = if k == rows.len() - 1 {
                last_quantity.to_string()
            } else if p % 4 == 0 {
                "0,5".into()
            } else {
                (1 + l).to_string()
            };
            let price = if t % 5 == 0 { "2,75" } else { "" };
            out += &format!(
                "R{t:04};{:02}/08/2025 {:02}:{:02};T0{};P{p:02};{quantity};{price};{}\n",
                6 + t % 5,
                9 + t % 9,
                t % 60,
                1 + t % 2,
                ["espèces", "card", "mobile"][t % 3]
            );
        }
        out.into_bytes()
    }

    /// The same sales as a workbook, every cell a text cell as typed.
    fn sales_xlsx(last_quantity: &str) -> Vec<u8> {
        let text = String::from_utf8(sales_csv(last_quantity)).unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (r, line) in text.lines().enumerate() {
            for (c, v) in line.split(';').enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    /// Every row a sale wrote, journal entries with their hashes and signatures included.
    fn written(db: &Db) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT chain, seq, at_utc, kind, actor, subject, detail, amount, grand_total, prev_hash, hash, signature
             FROM journal WHERE kind = 'sale' ORDER BY chain, seq",
            "SELECT * FROM tickets ORDER BY id",
            "SELECT * FROM ticket_lines ORDER BY ticket_id, line_no",
            "SELECT * FROM payments ORDER BY ticket_id, pos",
            "SELECT * FROM shares ORDER BY ticket_id, exhibitor_code",
        ] {
            let mut stmt = db.conn().prepare(sql).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    (0..n)
                        .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|v| v.join("|"))
                })
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    }

    /// Imports `bytes` by the pipeline into one copy and by the plain path into another: the same summary;
    /// the pipelined database and what each wrote.
    fn both_paths(dir: &Path, name: &str, bytes: &[u8]) -> (Db, Vec<String>, Vec<String>) {
        let template = template(dir);
        let mut piped = copy(&template, "a.db");
        let out = super::sales(&mut piped, name, bytes, "t", false, Signing::Worker)
            .expect("tickets whose rows are together are pipelined");
        assert_eq!(out.summary.tickets, TICKETS);
        let mut plain = copy(&template, "b.db");
        let plain_out = run_plain(
            &mut plain,
            Kind::Sales,
            name,
            bytes,
            "t",
            false,
            Signing::Worker,
        )
        .unwrap();
        assert!(plain_out.error.is_none());
        assert_eq!(plain_out.summary, out.summary);
        let (a, b) = (written(&piped), written(&plain));
        (piped, a, b)
    }

    #[test]
    fn the_pipelined_import_writes_what_the_plain_path_writes_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = sales_csv("1");
        let (mut piped, a, b) = both_paths(dir.path(), "s.csv", &bytes);
        assert!(a.len() > 4 * TICKETS);
        assert_eq!(a, b);
        // The same file again is refused whole, by either path.
        let e = import_bytes(&mut piped, Kind::Sales, "s.csv", &bytes, "t").unwrap_err();
        assert!(e.to_string().contains("déjà importé"), "{e}");
        assert_eq!(written(&piped), b);
    }

    #[test]
    fn a_workbook_read_cell_by_cell_writes_what_the_plain_path_writes() {
        let dir = tempfile::tempdir().unwrap();
        let (_, a, b) = both_paths(dir.path(), "s.xlsx", &sales_xlsx("1"));
        assert!(a.len() > 4 * TICKETS);
        assert_eq!(a, b);
    }

    #[test]
    fn a_workbook_refused_on_its_last_row_writes_nothing_and_names_the_cell() {
        let dir = tempfile::tempdir().unwrap();
        let template = template(dir.path());
        let bytes = sales_xlsx("deux");
        let mut db = copy(&template, "a.db");
        let before = written(&db);
        assert!(super::sales(&mut db, "s.xlsx", &bytes, "t", false, Signing::Worker).is_none());
        let e = import_bytes(&mut db, Kind::Sales, "s.xlsx", &bytes, "t")
            .unwrap_err()
            .to_string();
        let last_row = 1 + (0..TICKETS).map(|t| 1 + t % 3).sum::<usize>();
        assert!(
            e.starts_with(&format!("s.xlsx:Sheet1!E{last_row} (quantity) : ")),
            "{e}"
        );
        assert_eq!(written(&db), before);
    }

    #[test]
    fn a_refusal_on_the_last_line_writes_nothing_and_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let template = template(dir.path());
        let bytes = sales_csv("deux");
        let mut db = copy(&template, "a.db");
        let before = written(&db);
        let journal: i64 = db
            .conn()
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
            .unwrap();
        assert!(super::sales(&mut db, "s.csv", &bytes, "t", false, Signing::Worker).is_none());
        let e = import_bytes(&mut db, Kind::Sales, "s.csv", &bytes, "t")
            .unwrap_err()
            .to_string();
        let last_line = 1 + (0..TICKETS).map(|t| 1 + t % 3).sum::<usize>();
        assert!(
            e.starts_with(&format!("s.csv:{last_line}:5 (quantity) : ")),
            "{e}"
        );
        assert_eq!(written(&db), before);
        let after: i64 = db
            .conn()
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
            .unwrap();
        assert_eq!(after, journal);
    }

    /// A ticket whose rows are apart is one ticket all the same: the plain path makes it.
    #[test]
    fn a_ticket_whose_rows_are_apart_is_made_by_the_plain_path() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = copy(&template(dir.path()), "a.db");
        let csv = "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n\
                   R1,2025-08-07 10:00,T01,P01,1,,cash\nR2,2025-08-07 10:05,T01,P02,1,,cash\n\
                   R1,2025-08-07 10:00,T01,P03,2,,cash\n";
        assert!(
            super::sales(
                &mut db,
                "s.csv",
                csv.as_bytes(),
                "t",
                false,
                Signing::Worker
            )
            .is_none()
        );
        let s = import_bytes(&mut db, Kind::Sales, "s.csv", csv.as_bytes(), "t").unwrap();
        assert_eq!(s.tickets, 2);
        let lines: i64 = db
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM ticket_lines l JOIN tickets t ON t.id = l.ticket_id WHERE t.ticket_ref = 'R1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(lines, 2);
    }
}
