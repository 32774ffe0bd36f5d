//! The till's printer sink on a real database: the first print of a ticket is
//! the original, every later one (reprint while queued, or after) says
//! "DUPLICATA"; an earlier job that failed before printing does not count.

use crate::support::common;

use std::path::Path;
use std::time::{Duration, Instant};

use souk::documents::sink::{QueueSink, queue_reprint};
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
    let mut sink = QueueSink::start(&db, &cfg).unwrap();
    queue_reprint(db.conn(), &ticket, &mut sink).unwrap();
    // Reprint asked while the first may still be queued, then once more.
    queue_reprint(db.conn(), &ticket, &mut sink).unwrap();
    wait_printed(&db, 2, &out);
    queue_reprint(db.conn(), &ticket, &mut sink).unwrap();
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

/// Ctrl+T at the till: the drawer pulse goes through the queue as a job of its own (ESC p on the profile's
/// pin), and a till configured without a drawer refuses instead of pretending.
#[test]
fn the_drawer_opens_through_the_queue_only_where_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::sample_market(dir.path(), true);
    let db = Db::open(&path).unwrap();
    let out = dir.path().join("prints");
    let mut none = QueueSink::start(
        &db,
        &PrinterConfig {
            dir: out.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    let e = none.open_drawer().unwrap_err();
    assert!(e.to_string().contains("aucun tiroir-caisse"), "{e}");
    drop(none);

    let mut sink = QueueSink::start(
        &db,
        &PrinterConfig {
            dir: out.clone(),
            drawer: true,
            ..Default::default()
        },
    )
    .unwrap();
    sink.open_drawer().unwrap();
    wait_printed(&db, 1, &out);
    let bins: Vec<Vec<u8>> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    assert_eq!(bins.len(), 1);
    assert_eq!(&bins[0][..2], b"\x1bp", "{:02x?}", bins[0]);
    assert_eq!(bins[0].len(), 5, "ESC p m t1 t2: {:02x?}", bins[0]);
}

/// Quitting leaves a worker blocked on a printer that never answers: the sink returns at once, and the
/// database stays locked until that worker has stopped, so no second till runs beside it.
#[test]
fn the_database_stays_locked_until_the_worker_has_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::sample_market(dir.path(), true);
    let ticket = first_ticket(&path);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&accepted);
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(s);
        }
    });
    let db = Db::open(&path).unwrap();
    let cfg = PrinterConfig {
        driver: souk::print::driver::DriverKind::Network,
        host: Some("127.0.0.1".into()),
        port,
        timeout_ms: 3000,
        ..Default::default()
    };
    let mut sink = QueueSink::start(&db, &cfg).unwrap();
    queue_reprint(db.conn(), &ticket, &mut sink).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while accepted.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(
            Instant::now() < deadline,
            "the worker never reached the printer"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(db);
    let quitting = Instant::now();
    drop(sink);
    assert!(
        quitting.elapsed() < Duration::from_secs(2),
        "{:?}",
        quitting.elapsed()
    );
    let e = Db::open(&path).err().expect("still locked by the worker");
    assert!(e.to_string().contains("déjà ouverte"), "{e}");
    while let Err(e) = Db::open(&path) {
        assert!(Instant::now() < deadline, "never released: {e}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A Z report printed again is a DUPLICATA; a stall slip, a reading of figures that still change, is an
/// original each time it is asked for.
#[test]
fn a_final_report_reprints_as_duplicata_a_reading_as_an_original() {
    use crate::support::{print::z_report, slips::stall_slip};
    use souk::documents::paper::Paper;
    let dir = tempfile::tempdir().unwrap();
    let path = common::sample_market(dir.path(), true);
    let out = dir.path().join("prints");
    let db = Db::open(&path).unwrap();
    let cfg = PrinterConfig {
        dir: out.clone(),
        ..Default::default()
    };
    let mut sink = QueueSink::start(&db, &cfg).unwrap();
    let z = Paper::Shift(Box::new(z_report()));
    let stall = Paper::Stall(Box::new(stall_slip()));
    for (n, paper) in [&z, &z, &stall, &stall].into_iter().enumerate() {
        sink.print(paper).unwrap();
        wait_printed(&db, n + 1, &out);
    }
    let texts = printed_texts(&out);
    assert_eq!(texts.len(), 4, "{texts:#?}");
    let dup: Vec<bool> = texts.iter().map(|t| t.contains("DUPLICATA")).collect();
    assert_eq!(dup, [false, true, false, false], "{texts:#?}");
    assert!(texts[2].contains("RECETTES DU STAND"), "{}", texts[2]);
}
