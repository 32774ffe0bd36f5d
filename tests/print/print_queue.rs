//! Print queue: a printer that is off never blocks a sale; jobs print in order
//! when it comes back; the file printer writes `.bin` + `.txt` per job.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::print::*;
use souk::print::driver::{DriverError, FileDriver, JobRef};
use souk::print::queue::{self, WorkerOptions};
use souk::print::*;

/// Job ids and bytes, in the order they reached the fake printer.
type Printed = Arc<Mutex<Vec<(i64, Vec<u8>)>>>;

#[derive(Clone, Default)]
struct FakePrinter {
    on: Arc<AtomicBool>,
    printed: Printed,
}

impl PrinterDriver for FakePrinter {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), DriverError> {
        self.printed.lock().unwrap().push((0, bytes.to_vec()));
        Ok(())
    }
    fn status(&mut self) -> Result<PrinterStatus, DriverError> {
        Ok(if self.on.load(Ordering::SeqCst) {
            PrinterStatus::Ready
        } else {
            PrinterStatus::PaperOut
        })
    }
    fn send_job(&mut self, job: &JobRef<'_>) -> Result<(), DriverError> {
        self.printed
            .lock()
            .unwrap()
            .push((job.id, job.bytes.to_vec()));
        Ok(())
    }
}

fn fast() -> WorkerOptions {
    WorkerOptions {
        poll: Duration::from_millis(20),
        min_backoff: Duration::from_millis(30),
        max_backoff: Duration::from_millis(100),
        ..Default::default()
    }
}

fn ticket_job(n: u32) -> PrintJob {
    let mut s = sale(false);
    s.ticket.number = format!("T01-{n:06}");
    job(&s, &profile("generic-58"), &Templates::embedded()).unwrap()
}

#[test]
fn printer_off_then_back_prints_everything_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    let printer = FakePrinter::default();
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        Box::new(printer.clone()),
        fast(),
    )
    .unwrap();

    let mut ids = Vec::new();
    for n in 1..=5 {
        let t = Instant::now();
        ids.push(queue::enqueue(conn, &ticket_job(n)).unwrap());
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "enqueue never waits for the printer"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(queue::pending_count(conn).unwrap(), 5);
    assert!(printer.printed.lock().unwrap().is_empty());
    let mut saw_paper_out = false;
    while let Ok(ev) = w.events.try_recv() {
        saw_paper_out |= ev == PrinterEvent::Status(PrinterStatus::PaperOut);
    }
    assert!(saw_paper_out);

    printer.on.store(true, Ordering::SeqCst);
    w.retry_now();
    let deadline = Instant::now() + Duration::from_secs(10);
    while queue::pending_count(conn).unwrap() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    w.shutdown();
    let printed = printer.printed.lock().unwrap().clone();
    assert_eq!(
        printed.iter().map(|p| p.0).collect::<Vec<_>>(),
        ids,
        "in order, each once"
    );
    for (_, bytes) in &printed {
        assert!(
            !contains(bytes, b"DUPLICATA"),
            "nothing reached the printer before: originals"
        );
    }
    assert!(
        queue::list(conn, 10)
            .unwrap()
            .iter()
            .all(|j| j.state == "done")
    );
}

#[test]
fn a_job_interrupted_by_a_crash_is_reprinted_as_duplicata() {
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    let id = queue::enqueue(conn, &ticket_job(7)).unwrap();
    conn.execute(
        "UPDATE print_jobs SET state = 'printing' WHERE id = ?1",
        [id],
    )
    .unwrap();
    let printer = FakePrinter::default();
    printer.on.store(true, Ordering::SeqCst);
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        Box::new(printer.clone()),
        fast(),
    )
    .unwrap();
    let ev = w.events.recv_timeout(Duration::from_secs(5)).unwrap();
    let ev = if let PrinterEvent::Status(_) = ev {
        w.events.recv_timeout(Duration::from_secs(5)).unwrap()
    } else {
        ev
    };
    assert_eq!(ev, PrinterEvent::Printed(id));
    w.shutdown();
    assert!(contains(
        &printer.printed.lock().unwrap()[0].1,
        b"DUPLICATA"
    ));
}

#[test]
fn file_printer_writes_bin_and_txt() {
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let out = dir.path().join("prints");
    let conn = db.conn();
    let j = ticket_job(42);
    let id = queue::enqueue(conn, &j).unwrap();
    let cfg = PrinterConfig {
        dir: out.clone(),
        ..Default::default()
    };
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        open_driver(&cfg).unwrap(),
        WorkerOptions::default(),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(PrinterEvent::Printed(p)) = w.events.recv_timeout(Duration::from_millis(100)) {
            assert_eq!(p, id);
            break;
        }
        assert!(Instant::now() < deadline);
    }
    w.shutdown();
    let stem = format!("{id:06}-sale-T01-000042");
    assert_eq!(
        std::fs::read(out.join(format!("{stem}.bin"))).unwrap(),
        j.original.bytes
    );
    let text = std::fs::read_to_string(out.join(format!("{stem}.txt"))).unwrap();
    assert_eq!(text, j.original.text);
    assert!(text.contains("Espèces"));
    let mut f = FileDriver::new(&out);
    assert_eq!(f.status().unwrap(), PrinterStatus::Ready);
}

#[test]
fn list_and_pending_count_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    assert_eq!(queue::pending_count(conn).unwrap(), 0);
    queue::enqueue(conn, &ticket_job(1)).unwrap();
    let l = queue::list(conn, 5).unwrap();
    assert_eq!(
        (
            l[0].kind.as_str(),
            l[0].subject.as_str(),
            l[0].state.as_str()
        ),
        ("sale", "T01-000001", "pending")
    );
}
