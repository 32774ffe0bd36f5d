//! The till's printer sink on a real database: the first print of a ticket is
//! the original, every later one (reprint while queued, or after) says
//! "DUPLICATA"; an earlier job that failed before printing does not count.

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use souk::documents::sink::QueueSink;
use souk::print::PrinterConfig;
use souk::print::queue;
use souk::storage::Db;
use souk::tui::sink::ReceiptSink;

fn first_ticket(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT id FROM tickets ORDER BY id LIMIT 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}

/// The `.txt` renderings the file printer wrote, in job order.
fn printed_texts(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn wait_printed(db: &Db, n: usize, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while (queue::pending_count(db.conn()).unwrap() > 0 || printed_texts(dir).len() < n)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn first_print_is_the_original_and_every_reprint_a_duplicata() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::sample_market(dir.path(), true);
    let ticket = first_ticket(&path);
    let out = dir.path().join("prints");
    let db = Db::open(&path).unwrap();
    let cfg = PrinterConfig {
        dir: out.clone(),
        ..Default::default()
    };
    // A job of this ticket that failed before any byte went out (say, a
    // template error since fixed) must not turn the next print into a copy.
    queue::record_unprintable(db.conn(), "sale", &ticket, "modèle de ticket : essai").unwrap();
    let mut sink = QueueSink::start(&path, &cfg).unwrap();
    sink.sale(&db, &ticket).unwrap();
    // Reprint asked while the first may still be queued, then once more.
    sink.sale(&db, &ticket).unwrap();
    wait_printed(&db, 2, &out);
    sink.sale(&db, &ticket).unwrap();
    wait_printed(&db, 3, &out);

    let texts = printed_texts(&out);
    assert_eq!(texts.len(), 3, "{texts:#?}");
    assert!(!texts[0].contains("DUPLICATA"), "{}", texts[0]);
    assert!(texts[0].contains(&ticket));
    for t in &texts[1..] {
        assert!(t.contains("DUPLICATA"), "{t}");
        assert!(t.contains(&ticket));
    }
    // The till's status line counts failed jobs (here the one found at start).
    assert!(sink.status().contains("1 en échec"), "{}", sink.status());
    let s = queue::summary(db.conn()).unwrap();
    assert_eq!((s.pending, s.failed), (0, 1));
}
