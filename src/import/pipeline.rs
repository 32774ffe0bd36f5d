//! Products from an XLSX workbook, read on a second thread while the importing thread checks and writes the rows
//! already read: the sheet's XML parse and the database writes overlap instead of adding up. The same checks,
//! the same rows, the same journal, one transaction. At the first sign of a refusal (or anything the streamed
//! reader leaves to the plain one) the transaction is rolled back and the caller runs the plain path, which
//! reads the whole file and names every refusal exactly as before: nothing is written either way.
use super::reader::Row;
use super::sheet_stream::{self, Msg};
use super::summary::ImportSummary;
use super::{Kind, Outcome, close_streamed, orphans, products};
use crate::storage::{Clock, Db};
use anyhow::Result;
use std::sync::mpsc;

/// The import done, or `None` when the plain path must run.
pub fn products(db: &mut Db, name: &str, bytes: &[u8], actor: &str, dry: bool) -> Option<Outcome> {
    if !sheet_stream::may_stream(bytes) {
        return None;
    }
    // The reader never waits for the writer: on a busy machine, each wait and wake-up of a thread costs a
    // scheduler's time slice, more than the batch itself. It holds at most the sheet, as the plain path does.
    let (out, rows) = mpsc::channel();
    std::thread::scope(|s| {
        let reader = std::thread::Builder::new()
            .name("souk-read".into())
            .spawn_scoped(s, move || {
                sheet_stream::stream(name, bytes, "products", &out)
            })
            .ok()?;
        let mut spent = Vec::new();
        let done = apply(db, name, bytes, actor, dry, &rows, &mut spent);
        // A reader still sending stops when its receiver is gone.
        drop(rows);
        reader.join().ok()?;
        // The rows were made on the reader's thread: freed once it is done, the two threads never contend for
        // the allocator's lock row by row.
        drop(spent);
        done.ok().flatten()
    })
}

fn apply(
    db: &mut Db,
    name: &str,
    bytes: &[u8],
    actor: &str,
    dry: bool,
    rows: &mpsc::Receiver<Msg>,
    spent: &mut Vec<Vec<Row>>,
) -> Result<Option<Outcome>> {
    let clock = Clock::market()?;
    let at = clock.now()?;
    let Ok(Msg::Head(table)) = rows.recv() else {
        return Ok(None);
    };
    let tx = db.write_tx()?;
    let mut summary = ImportSummary::new(Kind::Products, name, table.source.clone(), dry);
    crate::storage::identity::own_chain(&tx)?;
    let orphans_before = orphans::snapshot(&tx, Kind::Products)?;
    let mut complete = false;
    let batches = std::iter::from_fn(|| match rows.recv() {
        Ok(Msg::Rows(batch)) => Some(batch),
        Ok(Msg::End) => {
            complete = true;
            None
        }
        Ok(Msg::Head(_)) | Err(_) => None,
    });
    let checked = products::products_streamed(&tx, &table, batches, spent, &mut summary.counts)?;
    let Some(count) = checked else {
        return Ok(None);
    };
    // Without the reader's end mark, the sheet was not read whole: what was written goes with the rollback.
    if !complete {
        return Ok(None);
    }
    summary.rows = count;
    close_streamed(tx, &orphans_before, &at, actor, summary, bytes)
}

#[cfg(test)]
mod tests {
    use super::super::{Kind, import_bytes, table};
    use crate::storage::{Db, catalogue};

    const HEADER: &[&str] = crate::import::products::PRODUCT_COLUMNS;
    /// More rows than a few of the reader's batches.
    const ROWS: usize = 2_500;

    fn market(dir: &std::path::Path, name: &str) -> Db {
        let mut db = Db::create(&dir.join(name)).unwrap();
        catalogue::insert_market(db.conn(), &crate::demo::market(), "2025-08-06T08:00:00Z")
            .unwrap();
        let ex = "code,name,kind,ice,phone,commission_rate,stall_fee,phases\nE1,Un,cooperative,,,0,0,\n\
                  E2,Deux,association,,,0,0,\n";
        import_bytes(&mut db, Kind::Exhibitors, "e.csv", ex.as_bytes(), "t").unwrap();
        db
    }

    fn rows(bad_last: bool) -> Vec<[String; 8]> {
        (0..ROWS)
            .map(|i| {
                let price = if bad_last && i == ROWS - 1 {
                    "douze".to_string()
                } else {
                    format!("{}.{:02}", 1 + i % 90, i % 100)
                };
                [
                    format!("E{}", 1 + i % 2),
                    format!("P{i:05}"),
                    if i % 3 == 0 {
                        String::new()
                    } else {
                        format!("0611{i:08}")
                    },
                    format!("  Produit {i} é  "),
                    if i % 2 == 0 {
                        "عسل".into()
                    } else {
                        String::new()
                    },
                    ["kg", "pièce", "L"][i % 3].into(),
                    price,
                    if i % 5 == 0 { "0,2".into() } else { "0".into() },
                ]
            })
            .collect()
    }

    /// The sheet written from row 3, column B (a title above it), prices and rates as number cells.
    fn xlsx(rows: &[[String; 8]], stray: bool) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 1, "   ").unwrap();
        for (c, h) in HEADER.iter().enumerate() {
            ws.write_string(2, c as u16 + 1, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 3, c as u16 + 1);
                match v.parse::<f64>() {
                    Ok(n) if c >= 7 => ws.write_number(r, c, n).map(|_| ()),
                    _ if v.is_empty() => Ok(()),
                    _ => ws.write_string(r, c, v).map(|_| ()),
                }
                .unwrap();
            }
        }
        if stray {
            ws.write_string(3 + ROWS as u32 / 2, 0, "note").unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    fn csv(rows: &[[String; 8]]) -> Vec<u8> {
        let mut out = HEADER.join(";") + "\n";
        for r in rows {
            out += &r.join(";");
            out.push('\n');
        }
        out.into_bytes()
    }

    fn journal_len(db: &Db) -> i64 {
        db.conn()
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_streamed_workbook_gives_the_database_its_csv_gives() {
        let dir = tempfile::tempdir().unwrap();
        let rows = rows(false);
        let mut streamed = market(dir.path(), "x.db");
        let out = super::products(&mut streamed, "p.xlsx", &xlsx(&rows, false), "t", false)
            .expect("a plain workbook is streamed");
        assert_eq!(out.summary.rows, ROWS);
        assert_eq!(out.summary.counts.added, ROWS);
        let mut plain = market(dir.path(), "c.db");
        let csv_out = import_bytes(&mut plain, Kind::Products, "p.csv", &csv(&rows), "t").unwrap();
        assert_eq!(csv_out.counts, out.summary.counts);
        let (a, b) = (
            catalogue::products(streamed.conn()).unwrap(),
            catalogue::products(plain.conn()).unwrap(),
        );
        assert_eq!(a.len(), ROWS);
        assert_eq!(a, b);
        // Imported again: nothing changes, nothing is written but the import's own entry.
        let again = import_bytes(
            &mut streamed,
            Kind::Products,
            "p.xlsx",
            &xlsx(&rows, false),
            "t",
        )
        .unwrap();
        assert_eq!(again.counts.unchanged, ROWS);
        assert_eq!(catalogue::products(streamed.conn()).unwrap(), b);
    }

    #[test]
    fn a_refusal_on_the_last_row_writes_nothing_and_names_its_cell() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = market(dir.path(), "x.db");
        let before = journal_len(&db);
        let bytes = xlsx(&rows(true), false);
        assert!(super::products(&mut db, "p.xlsx", &bytes, "t", false).is_none());
        let e = import_bytes(&mut db, Kind::Products, "p.xlsx", &bytes, "t")
            .unwrap_err()
            .to_string();
        let last = 3 + ROWS;
        assert!(
            e.starts_with(&format!("p.xlsx:Sheet1!H{last} (price) : ")),
            "{e}"
        );
        assert!(e.ends_with("fichier refusé, rien n'a été importé"), "{e}");
        assert!(catalogue::products(db.conn()).unwrap().is_empty());
        assert_eq!(journal_len(&db), before);
    }

    #[test]
    fn a_sheet_the_plain_reader_refuses_is_refused_as_it_says() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = market(dir.path(), "x.db");
        let before = journal_len(&db);
        // A note left of the table, half way down: the plain reader sees a nameless first column.
        let bytes = xlsx(&rows(false), true);
        let plain = table(Kind::Products, "p.xlsx", &bytes)
            .err()
            .unwrap()
            .to_string();
        assert!(plain.contains("p.xlsx:Sheet1!A3"), "{plain}");
        let e = import_bytes(&mut db, Kind::Products, "p.xlsx", &bytes, "t").unwrap_err();
        assert_eq!(e.to_string(), plain);
        assert!(catalogue::products(db.conn()).unwrap().is_empty());
        assert_eq!(journal_len(&db), before);
    }
}
