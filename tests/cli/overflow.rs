//! A database holding amounts above the bounds from before they existed (rows inserted directly): the phase is
//! still settled and closed, other phases and paper sales go on, and a day whose 64-bit figures cannot hold the
//! sum names the tickets. On the real binary.
use super::organiser::{SALES_HEADER, add_organiser, close, refused, s, write};
use crate::support::common::*;

#[test]
fn amounts_beyond_the_bounds_never_block_a_settlement_or_other_sales() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), true);
    add_organiser(&org);
    let m = i64::MAX / 2 + 1;
    {
        let c = rusqlite::Connection::open(&org).unwrap();
        c.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier,
               manual, total, journal_seq)
             VALUES ('T01-900001', 'T01', 'T01', 900001, 'sale', '2025-08-07T09:00:00Z', 3600, '2025-08-07', 1, 'A', 1, {m}, 900001),
                    ('T02-900001', 'T02', 'T02', 900001, 'sale', '2025-08-07T10:00:00Z', 3600, '2025-08-07', 1, 'A', 1, {m}, 900001);
             INSERT INTO shares VALUES ('T01-900001', 'E001', 1, '2025-08-07', 'T01', 'organiser', 0, {m}, {m}, 0, 0, 0);
             INSERT INTO shares VALUES ('T02-900001', 'E001', 1, '2025-08-07', 'T02', 'organiser', 0, {m}, {m}, 0, 0, 0);"
        ))
        .unwrap();
    }
    let csv = ok(
        &org,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    let e001 = csv
        .lines()
        .find(|l| l.starts_with("1,E001,"))
        .expect("E001's row");
    let gross: rust_decimal::Decimal = e001.split(',').nth(4).unwrap().parse().unwrap();
    assert!(
        gross > rust_decimal::Decimal::from(i64::MAX / 100),
        "{e001}"
    );
    ok(&org, &["report", "settlement", "--phase", "2"]);
    ok(&org, &["report", "day", "--date", "2025-08-12"]);
    refused(
        &org,
        &["report", "day", "--date", "2025-08-07"],
        &[
            "dépassement de capacité",
            "T01-900001",
            "T02-900001",
            "Les autres jours",
        ],
    );
    let paper = write(
        dir.path(),
        "p2.csv",
        &format!("{SALES_HEADER}X1,2025-08-12 10:00,T01,E001-03,1,,cash\n"),
    );
    ok(&org, &["import", "sales", s(&paper)]);
    let out = close(&org, "1", true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
