//! Serial driver through a pty pair (the master side plays the printer).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::support::print::*;
use serialport::{SerialPort, TTYPort};
use souk::print::driver::{FlowControl, SerialDriver};
use souk::print::*;

/// Reads from the master until `want` bytes arrived (or 10 s passed),
/// answering status queries with `answers` (DLE EOT 1, 2, 4).
fn fake_printer(
    mut master: TTYPort,
    want: usize,
    answers: [u8; 3],
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        master.set_timeout(Duration::from_millis(100)).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while got.len() < want && Instant::now() < deadline {
            if let Ok(n) = master.read(&mut buf) {
                got.extend_from_slice(&buf[..n]);
                if got.len() >= 3 && got[got.len() - 3..got.len() - 1] == [0x10, 0x04] {
                    let a = match got[got.len() - 1] {
                        1 => answers[0],
                        2 => answers[1],
                        _ => answers[2],
                    };
                    master.write_all(&[a]).unwrap();
                }
            }
        }
        // Linger: closing the master at once would hang up the last answer.
        std::thread::sleep(Duration::from_millis(300));
        got
    })
}

#[test]
fn receipt_bytes_arrive_identical_at_9600_and_115200() {
    let r = render_sale(&sale(true), &profile("generic-80"), &Templates::embedded()).unwrap();
    for baud in [9600, 115200] {
        let (master, slave) = TTYPort::pair().unwrap();
        let path = slave.name().unwrap();
        let printer = fake_printer(master, r.bytes.len(), [0x12; 3]);
        let mut d = SerialDriver::new(&path, baud, FlowControl::None, Duration::from_secs(5));
        d.write_all(&r.bytes).unwrap();
        let got = printer.join().unwrap();
        assert_eq!(got.len(), r.bytes.len(), "{baud}");
        assert!(got == r.bytes, "bytes differ at {baud} baud");
        drop(slave);
    }
}

#[test]
fn status_reports_paper_out() {
    let (master, slave) = TTYPort::pair().unwrap();
    let printer = fake_printer(master, 9, [0x1A, 0x32, 0x72]);
    let mut d = SerialDriver::new(
        &slave.name().unwrap(),
        9600,
        FlowControl::None,
        Duration::from_secs(2),
    );
    let status = d.status().unwrap();
    assert_eq!(status, PrinterStatus::PaperOut);
    assert_eq!(status.label(), "papier épuisé");
    assert_eq!(
        printer.join().unwrap(),
        [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4]
    );
}

#[test]
fn silent_serial_printer_times_out() {
    let (_master, slave) = TTYPort::pair().unwrap();
    let mut d = SerialDriver::new(
        &slave.name().unwrap(),
        9600,
        FlowControl::None,
        Duration::from_millis(200),
    );
    let t = Instant::now();
    assert!(d.status().is_err());
    assert!(t.elapsed() < Duration::from_secs(3));
}

#[test]
fn missing_port_is_a_connect_error() {
    let mut d = SerialDriver::new(
        "/dev/ttyNOPE9",
        9600,
        FlowControl::None,
        Duration::from_millis(200),
    );
    let e = d.write_all(b"x").unwrap_err();
    assert!(e.nothing_sent(), "{e}");
}
