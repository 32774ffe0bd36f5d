//! Network driver and queue against fake printers on 127.0.0.1.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::support::print::*;
use souk::print::driver::NetworkDriver;
use souk::print::queue::{self, WorkerOptions};
use souk::print::*;

fn fast() -> WorkerOptions {
    WorkerOptions {
        poll: Duration::from_millis(20),
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        ..Default::default()
    }
}

fn driver(port: u16) -> Box<NetworkDriver> {
    Box::new(NetworkDriver::new(
        "localhost",
        port,
        Duration::from_millis(500),
        Duration::from_millis(500),
    ))
}

fn wait_for(
    events: &std::sync::mpsc::Receiver<PrinterEvent>,
    want: impl Fn(&PrinterEvent) -> bool,
) -> Vec<PrinterEvent> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(ev) = events.recv_timeout(Duration::from_millis(100)) {
            let done = want(&ev);
            seen.push(ev);
            if done {
                return seen;
            }
        }
    }
    panic!("event not seen; got {seen:?}");
}

fn sale_job() -> PrintJob {
    job(&sale(false), &profile("generic-80"), &Templates::embedded()).unwrap()
}

#[test]
fn a_job_prints_over_tcp() {
    let (port, received) = fake_network_printer(vec![]);
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    let j = sale_job();
    let id = queue::enqueue(conn, &j).unwrap();
    let w = queue::spawn_worker(db.side_connection().unwrap(), driver(port), fast()).unwrap();
    wait_for(&w.events, |e| *e == PrinterEvent::Printed(id));
    w.shutdown();
    std::thread::sleep(Duration::from_millis(100));
    let got = received.lock().unwrap().clone();
    let jobs: Vec<_> = got.iter().filter(|b| !b.is_empty()).collect();
    assert_eq!(jobs.len(), 1);
    assert_eq!(*jobs[0], j.original.bytes);
    assert_eq!(queue::pending_count(conn).unwrap(), 0);
}

#[test]
fn a_job_cut_mid_way_is_resent_as_duplicata() {
    let (port, received) = fake_network_printer(vec![Behaviour::CloseAfter(300)]);
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    let j = sale_job();
    let id = queue::enqueue(conn, &j).unwrap();
    let w = queue::spawn_worker(db.side_connection().unwrap(), driver(port), fast()).unwrap();
    let seen = wait_for(&w.events, |e| *e == PrinterEvent::Printed(id));
    assert!(
        seen.iter()
            .any(|e| matches!(e, PrinterEvent::Failed { id: f, .. } if *f == id)),
        "{seen:?}"
    );
    w.shutdown();
    std::thread::sleep(Duration::from_millis(100));
    let got = received.lock().unwrap().clone();
    let copies: Vec<_> = got.iter().filter(|b| !b.is_empty()).collect();
    assert_eq!(copies.len(), 2, "first partial, then the retry");
    assert!(
        copies[0].len() < j.original.bytes.len(),
        "first copy was cut"
    );
    assert!(
        !contains(copies[0], b"Merci de votre visite"),
        "the cut copy never completed"
    );
    assert_eq!(
        *copies[1], j.duplicate.bytes,
        "the retry is the duplicate rendering"
    );
    assert!(contains(copies[1], b"DUPLICATA"));
    let info = &queue::list(conn, 10).unwrap()[0];
    assert_eq!(
        (info.state.as_str(), info.attempts, info.duplicate),
        ("done", 2, true)
    );
}

#[test]
fn a_silent_printer_times_out_without_hanging() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts (kernel backlog) but never reads nor answers.
    let mut d = driver(port);
    let t = Instant::now();
    assert!(d.status().is_err());
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());

    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    let id = queue::enqueue(conn, &sale_job()).unwrap();
    let w = queue::spawn_worker(db.side_connection().unwrap(), driver(port), fast()).unwrap();
    let seen = wait_for(
        &w.events,
        |e| matches!(e, PrinterEvent::Failed { id: f, .. } if *f == id),
    );
    assert!(
        seen.contains(&PrinterEvent::Status(PrinterStatus::Offline)),
        "{seen:?}"
    );
    let t = Instant::now();
    w.shutdown();
    assert!(t.elapsed() < Duration::from_secs(3));
    let info = &queue::list(conn, 10).unwrap()[0];
    assert_eq!(info.state, "pending");
    assert!(
        !info.duplicate,
        "nothing was sent: the retry stays an original"
    );
    drop(listener);
}

#[test]
fn unreachable_host_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut d = driver(port);
    let e = d.write_all(b"x").unwrap_err();
    assert!(e.nothing_sent(), "{e}");
}

#[test]
fn a_printer_that_always_drops_the_job_gives_it_up_without_a_second_original() {
    let (port, received) = fake_network_printer(vec![Behaviour::CloseAfter(300); 3]);
    let dir = tempfile::tempdir().unwrap();
    let db = souk::storage::Db::create(&dir.path().join("souk.db")).unwrap();
    let conn = db.conn();
    let j = sale_job();
    let bad = queue::enqueue(conn, &j).unwrap();
    let mut other = sale(false);
    other.ticket.number = "T01-000043".into();
    let other = job(&other, &profile("generic-80"), &Templates::embedded()).unwrap();
    let next = queue::enqueue(conn, &other).unwrap();
    let opts = WorkerOptions {
        max_interrupted: 3,
        ..fast()
    };
    let w = queue::spawn_worker(db.side_connection().unwrap(), driver(port), opts).unwrap();
    let seen = wait_for(&w.events, |e| *e == PrinterEvent::Printed(next));
    w.shutdown();
    assert!(
        seen.iter()
            .any(|e| matches!(e, PrinterEvent::Abandoned { id, .. } if *id == bad)),
        "{seen:?}"
    );
    std::thread::sleep(Duration::from_millis(100));
    let got = received.lock().unwrap().clone();
    let copies: Vec<_> = got.iter().filter(|b| !b.is_empty()).collect();
    assert_eq!(copies.len(), 4, "3 cut copies, then the next job");
    assert!(j.original.bytes.starts_with(copies[0]));
    for c in &copies[1..3] {
        assert!(j.duplicate.bytes.starts_with(c), "retries are duplicates");
    }
    assert_eq!(*copies[3], other.original.bytes);
    let originals = copies[..3]
        .iter()
        .filter(|c| j.original.bytes.starts_with(c) && !j.duplicate.bytes.starts_with(c))
        .count();
    assert_eq!(originals, 1, "one original of the first job, even cut");
    let s = queue::summary(conn).unwrap();
    assert_eq!((s.pending, s.failed), (0, 1));
    assert!(
        s.to_string()
            .contains("abandonné après 3 envois interrompus")
    );
}
