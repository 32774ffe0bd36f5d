//! A paper-sales file is written in one batch (catalogue checks read once, chain numbers and journal heads
//! carried from ticket to ticket): it must leave exactly the rows that importing its tickets one file at a time
//! leaves, each ticket with its own signed journal entry, and `verify` must pass.
use crate::support::sync::{UUID, market};
use souk::import::{Kind, import_bytes, import_bytes_with};
use souk::storage::journal::Signing;
use souk::storage::{Db, keys, verify};
use std::fmt::Write;

const HEADER: &str = "ticket_ref,datetime,till,product_code,quantity,unit_price,payment_method\n";

/// 40 tickets over three tills and several days, most with two exhibitors.
fn tickets() -> Vec<String> {
    many_tickets(40)
}

/// `n` tickets, as [`tickets`] makes the first 40.
fn many_tickets(n: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            let (till, method) = (
                ["T01", "T02", "T03"][k % 3],
                ["cash", "card", "mobile"][k % 3],
            );
            let mut t = String::new();
            for p in [(k % 3, k % 9), (1 + k % 2, (k + 4) % 9)] {
                let code = format!("E0{}-P{}", 1 + p.1 / 3, p.0);
                let _ = writeln!(
                    t,
                    "B{k:03},2025-07-0{} 1{}:00,{till},{code},2,,{method}",
                    2 + k % 7,
                    k % 8
                );
            }
            t
        })
        .collect()
}

fn rows(db: &Db, sql: &str) -> Vec<String> {
    let mut stmt = db.conn().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| Ok(format!("{:?}", r.get::<_, rusqlite::types::Value>(i)?)))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Everything a ticket is, but where its journal entry sits (one-file imports journal each file in between).
fn ledger(db: &Db) -> Vec<String> {
    let mut out = rows(
        db,
        "SELECT id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier, manual, ticket_ref,
         total, rounding FROM tickets ORDER BY id",
    );
    out.extend(rows(
        db,
        "SELECT * FROM ticket_lines ORDER BY ticket_id, line_no",
    ));
    out.extend(rows(db, "SELECT * FROM payments ORDER BY ticket_id, pos"));
    out.extend(rows(
        db,
        "SELECT * FROM shares ORDER BY ticket_id, exhibitor_code",
    ));
    out.extend(rows(
        db,
        "SELECT j.subject, j.kind, j.amount, j.detail FROM journal j JOIN tickets t
         ON t.chain = j.chain AND t.journal_seq = j.seq ORDER BY j.subject",
    ));
    out
}

#[test]
fn a_batch_import_leaves_what_one_ticket_files_leave_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let tickets = tickets();
    let mut batch = market(&dir.path().join("batch.souk"), UUID, "Marché");
    let file = format!("{HEADER}{}", tickets.concat());
    import_bytes(&mut batch, Kind::Sales, "v.csv", file.as_bytes(), "test").unwrap();
    let mut single = market(&dir.path().join("single.souk"), UUID, "Marché");
    for t in &tickets {
        let file = format!("{HEADER}{t}");
        import_bytes(&mut single, Kind::Sales, "v.csv", file.as_bytes(), "test").unwrap();
    }
    let got = ledger(&batch);
    assert!(got.len() > 40 * 5, "{}", got.len());
    assert_eq!(got, ledger(&single));

    let v = verify::verify(batch.conn()).unwrap();
    assert!(v.ok(), "{:?}", v.breaks);
    assert_eq!(v.tickets, 40);
    let chain = souk::storage::identity::own_chain(batch.conn()).unwrap();
    let (public, _) = keys::public_key(batch.conn(), &chain).unwrap().unwrap();
    for (hash, signature) in rows(
        &batch,
        "SELECT j.hash, j.signature FROM journal j JOIN tickets t ON t.chain = j.chain AND t.journal_seq = j.seq",
    )
    .iter()
    .map(|r| r.split_once('|').unwrap())
    {
        let unquote = |s: &str| s.trim_start_matches("Text(\"").trim_end_matches("\")").to_string();
        assert!(keys::signature_ok(&public, &unquote(hash), &unquote(signature)));
    }
}

#[test]
fn a_refused_ticket_late_in_a_batch_leaves_nothing_of_the_earlier_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = market(&dir.path().join("m.souk"), UUID, "Marché");
    let before = rows(
        &db,
        "SELECT chain, seq, hash FROM journal ORDER BY chain, seq",
    );
    // The last ticket is dated outside every phase: refused when its turn comes, after 39 were written.
    let mut file = format!("{HEADER}{}", tickets()[..39].concat());
    file.push_str("B999,2025-08-20 10:00,T01,E01-P1,1,,cash\n");
    let e = import_bytes(&mut db, Kind::Sales, "v.csv", file.as_bytes(), "test").unwrap_err();
    assert!(e.to_string().contains("aucune phase"), "{e}");
    assert!(rows(&db, "SELECT id FROM tickets").is_empty());
    assert_eq!(
        rows(
            &db,
            "SELECT chain, seq, hash FROM journal ORDER BY chain, seq"
        ),
        before
    );
}

/// The journal entries of the tickets, every column (hashes and signatures included), in chain order.
fn ticket_entries(db: &Db) -> Vec<String> {
    rows(
        db,
        "SELECT j.* FROM journal j JOIN tickets t ON t.chain = j.chain AND t.journal_seq = j.seq
         ORDER BY j.chain, j.seq",
    )
}

#[test]
fn signing_on_a_worker_writes_the_same_bytes_as_signing_inline() {
    let dir = tempfile::tempdir().unwrap();
    // One market (one signing key), copied: each copy imports the same file, signed one way or the other.
    let template = dir.path().join("template.souk");
    drop(market(&template, UUID, "Marché"));
    // More tickets than the worker takes in one chunk, so that several chunks and a partial last one go through.
    let file = format!("{HEADER}{}", many_tickets(600).concat());
    let mut imported = Vec::new();
    for (name, signing) in [("inline", Signing::Inline), ("worker", Signing::Worker)] {
        let path = dir.path().join(format!("{name}.souk"));
        std::fs::copy(&template, &path).unwrap();
        let mut db = Db::open(&path).unwrap();
        import_bytes_with(
            &mut db,
            Kind::Sales,
            "v.csv",
            file.as_bytes(),
            "test",
            signing,
        )
        .unwrap();
        let v = verify::verify(db.conn()).unwrap();
        assert!(v.ok(), "{name}: {:?}", v.breaks);
        assert_eq!(v.tickets, 600, "{name}");
        imported.push((ledger(&db), ticket_entries(&db)));
    }
    let (worker, inline) = (imported.pop().unwrap(), imported.pop().unwrap());
    assert_eq!(inline.1.len(), 600);
    assert!(
        inline.1.iter().all(|e| !e.ends_with("Text(\"\")")),
        "every entry is signed"
    );
    assert_eq!(worker.0, inline.0);
    assert_eq!(worker.1, inline.1);
}
