//! Jobs that cannot print: given up with their reason visible, without
//! blocking the jobs behind them; while a printer that is merely off or out
//! of paper is waited for as long as it takes. Never a second original.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::print::*;
use souk::print::driver::{DriverError, JobRef};
use souk::print::queue::{self, WorkerOptions};
use souk::print::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Ready,
    PaperOut,
    /// Takes 200 bytes then the link drops.
    CutMidway,
    /// The driver refuses this job for good.
    Reject,
}

/// Job ids and the bytes that reached the paper, in order.
type Printed = Arc<Mutex<Vec<(i64, Vec<u8>)>>>;

#[derive(Clone)]
struct Scripted {
    mode: Arc<Mutex<Mode>>,
    /// Jobs with these ids get `CutMidway` / `Reject` regardless of `mode`.
    poisoned: Arc<Mutex<Vec<(i64, Mode)>>>,
    printed: Printed,
}

impl Scripted {
    fn new(mode: Mode) -> Scripted {
        Scripted {
            mode: Arc::new(Mutex::new(mode)),
            poisoned: Arc::default(),
            printed: Arc::default(),
        }
    }
    fn set(&self, m: Mode) {
        *self.mode.lock().unwrap() = m;
    }
    fn poison(&self, id: i64, m: Mode) {
        self.poisoned.lock().unwrap().push((id, m));
    }
    fn copies(&self, id: i64) -> Vec<Vec<u8>> {
        let p = self.printed.lock().unwrap();
        p.iter()
            .filter(|j| j.0 == id)
            .map(|j| j.1.clone())
            .collect()
    }
}

impl PrinterDriver for Scripted {
    fn write_all(&mut self, _: &[u8]) -> Result<(), DriverError> {
        Ok(())
    }
    fn status(&mut self) -> Result<PrinterStatus, DriverError> {
        Ok(match *self.mode.lock().unwrap() {
            Mode::PaperOut => PrinterStatus::PaperOut,
            _ => PrinterStatus::Ready,
        })
    }
    fn send_job(&mut self, job: &JobRef<'_>) -> Result<(), DriverError> {
        let poisoned = self.poisoned.lock().unwrap().clone();
        let mode = poisoned
            .iter()
            .find(|p| p.0 == job.id)
            .map(|p| p.1)
            .unwrap_or(*self.mode.lock().unwrap());
        let mut printed = self.printed.lock().unwrap();
        match mode {
            Mode::Ready | Mode::PaperOut => {
                printed.push((job.id, job.bytes.to_vec()));
                Ok(())
            }
            Mode::CutMidway => {
                printed.push((job.id, job.bytes[..200].to_vec()));
                Err(DriverError::Closed)
            }
            Mode::Reject => Err(DriverError::Rejected("format non pris en charge".into())),
        }
    }
}

fn fast(max_interrupted: u32) -> WorkerOptions {
    WorkerOptions {
        poll: Duration::from_millis(10),
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
        max_interrupted,
    }
}

fn ticket_job(n: u32) -> PrintJob {
    let mut s = sale(false);
    s.ticket.number = format!("T01-{n:06}");
    job(&s, &profile("generic-58"), &Templates::embedded()).unwrap()
}

fn setup() -> (tempfile::TempDir, souk::storage::Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    (dir, db)
}

fn state(conn: &rusqlite::Connection, id: i64) -> queue::JobInfo {
    queue::list(conn, 100)
        .unwrap()
        .into_iter()
        .find(|j| j.id == id)
        .unwrap()
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_job_cut_off_every_time_is_given_up_and_the_next_one_prints() {
    let (_d, db) = setup();
    let conn = db.conn();
    let printer = Scripted::new(Mode::Ready);
    let (a, b) = (ticket_job(1), ticket_job(2));
    let bad = queue::enqueue(conn, &a).unwrap();
    let good = queue::enqueue(conn, &b).unwrap();
    printer.poison(bad, Mode::CutMidway);
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        Box::new(printer.clone()),
        fast(3),
    )
    .unwrap();
    wait_until("the good job", || state(conn, good).state == "done");
    let mut abandoned = None;
    while let Ok(ev) = w.events.try_recv() {
        if let PrinterEvent::Abandoned { id, subject, error } = ev {
            abandoned = Some((id, subject, error));
        }
    }
    w.shutdown();

    let (id, subject, error) = abandoned.expect("an Abandoned event");
    assert_eq!((id, subject.as_str()), (bad, "T01-000001"));
    assert!(
        error.contains("abandonné après 3 envois interrompus"),
        "{error}"
    );
    let info = state(conn, bad);
    assert_eq!(
        (info.state.as_str(), info.attempts, info.duplicate),
        ("failed", 3, true)
    );
    // Only the first (cut) copy was an original; the two retries DUPLICATA.
    let copies = printer.copies(bad);
    assert_eq!(copies.len(), 3);
    assert!(a.original.bytes.starts_with(&copies[0]));
    for c in &copies[1..] {
        assert!(a.duplicate.bytes.starts_with(c));
        assert!(contains(c, b"DUPLICATA"), "{c:02X?}");
    }
    assert_eq!(
        printer.copies(good),
        std::slice::from_ref(&b.original.bytes)
    );

    let s = queue::summary(conn).unwrap();
    assert_eq!((s.pending, s.failed), (0, 1));
    let shown = s.to_string();
    assert!(shown.contains("1 en échec"), "{shown}");
    assert!(
        shown.contains(
            "T01-000001 (3 essais) : abandonné après 3 envois interrompus : connexion fermée"
        ),
        "{shown}"
    );
    assert!(queue::printed_before(conn, "T01-000001").unwrap());
}

#[test]
fn a_rejected_job_fails_at_once_without_paper() {
    let (_d, db) = setup();
    let conn = db.conn();
    let printer = Scripted::new(Mode::Ready);
    let bad = queue::enqueue(conn, &ticket_job(3)).unwrap();
    printer.poison(bad, Mode::Reject);
    let good = queue::enqueue(conn, &ticket_job(4)).unwrap();
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        Box::new(printer.clone()),
        fast(5),
    )
    .unwrap();
    wait_until("the good job", || state(conn, good).state == "done");
    w.shutdown();
    let info = state(conn, bad);
    assert_eq!(
        (info.state.as_str(), info.attempts, info.duplicate),
        ("failed", 1, false)
    );
    assert_eq!(
        info.last_error.as_deref(),
        Some("travail refusé : format non pris en charge")
    );
    assert!(printer.copies(bad).is_empty());
    // Nothing went out: a later print of that ticket may be the original.
    assert!(!queue::printed_before(conn, "T01-000003").unwrap());
}

#[test]
fn paper_out_is_waited_for_however_long_and_prints_the_original_once() {
    let (_d, db) = setup();
    let conn = db.conn();
    let printer = Scripted::new(Mode::PaperOut);
    let j = ticket_job(5);
    let id = queue::enqueue(conn, &j).unwrap();
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        Box::new(printer.clone()),
        fast(2),
    )
    .unwrap();
    // Far more attempts than max_interrupted: still waiting, not failed.
    wait_until("20 attempts", || state(conn, id).attempts >= 20);
    let info = state(conn, id);
    assert_eq!(info.state, "pending");
    assert_eq!(
        info.last_error.as_deref(),
        Some("imprimante : papier épuisé")
    );
    assert!(
        queue::printed_before(conn, "T01-000005").unwrap(),
        "still to print"
    );
    printer.set(Mode::Ready);
    w.retry_now();
    wait_until("printed", || state(conn, id).state == "done");
    w.shutdown();
    assert_eq!(printer.copies(id), std::slice::from_ref(&j.original.bytes));
}

#[test]
fn a_failed_job_can_be_put_back_and_prints_as_duplicata() {
    let (_d, db) = setup();
    let conn = db.conn();
    let printer = Scripted::new(Mode::CutMidway);
    let j = ticket_job(6);
    let id = queue::enqueue(conn, &j).unwrap();
    let w = queue::spawn_worker(
        db.side_connection().unwrap(),
        Box::new(printer.clone()),
        fast(1),
    )
    .unwrap();
    wait_until("given up", || state(conn, id).state == "failed");
    printer.set(Mode::Ready);
    assert!(queue::retry(conn, id).unwrap());
    assert!(!queue::retry(conn, id).unwrap(), "only a failed job");
    w.retry_now();
    wait_until("printed", || state(conn, id).state == "done");
    w.shutdown();
    let copies = printer.copies(id);
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[1], j.duplicate.bytes);
}

#[test]
fn an_unrenderable_document_is_listed_failed_with_its_reason() {
    let (_d, db) = setup();
    let conn = db.conn();
    let id = queue::record_unprintable(
        conn,
        "sale",
        "T01-000007",
        "modèle de ticket : sale.j2 ligne 3",
    )
    .unwrap();
    let info = state(conn, id);
    assert_eq!((info.state.as_str(), info.attempts), ("failed", 0));
    let s = queue::summary(conn).unwrap().to_string();
    assert!(
        s.contains("T01-000007 (0 essai) : modèle de ticket : sale.j2 ligne 3"),
        "{s}"
    );
    // No bytes: nothing to put back, and nothing printed.
    assert!(!queue::retry(conn, id).unwrap());
    assert!(!queue::printed_before(conn, "T01-000007").unwrap());
}

#[test]
fn a_job_that_kills_the_program_each_time_is_given_up_at_start() {
    let (_d, db) = setup();
    let conn = db.conn();
    let id = queue::enqueue(conn, &ticket_job(8)).unwrap();
    let printer = Scripted::new(Mode::PaperOut);
    for round in 1..=3 {
        // As if the process died while the job was being sent.
        conn.execute(
            "UPDATE print_jobs SET state = 'printing' WHERE id = ?1",
            [id],
        )
        .unwrap();
        queue::spawn_worker(
            db.side_connection().unwrap(),
            Box::new(printer.clone()),
            fast(3),
        )
        .unwrap()
        .shutdown();
        let info = state(conn, id);
        let want = if round < 3 { "pending" } else { "failed" };
        assert_eq!(info.state, want, "round {round}");
        assert!(info.duplicate);
    }
    let e = state(conn, id).last_error.unwrap();
    assert!(
        e.contains("arrêt du programme pendant 3 impressions"),
        "{e}"
    );
}
