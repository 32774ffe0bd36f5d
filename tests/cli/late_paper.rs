//! Late sales on the real binary: a paper notebook entered after its phase closed goes to the phase's
//! complément (never refused, never in the closed settlement), `verify` accepts it but not a late flag forged
//! with sqlite3; a complément charges the commission rates of its phase's close, not rates imported since.
use crate::organiser::{SALES_HEADER, add_organiser, close, ok_env, provision, s, write};
use crate::support::common::*;
use std::path::Path;

fn settlement(db: &Path, complement: bool) -> String {
    let mut args = vec!["report", "settlement", "--phase", "1", "--format", "csv"];
    if complement {
        args.push("--complement");
    }
    ok(db, &args)
}

fn closed_phase_1(dir: &Path) -> std::path::PathBuf {
    let org = sample_market(dir, false);
    add_organiser(&org);
    let out = close(&org, "1", false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    org
}

/// E002 (5 %) charged at the rate of the close, after a re-import at 20 % for later phases.
fn raise_e002_rate(dir: &Path, org: &Path) {
    let src = std::fs::read_to_string(fixtures().join("exhibitors.csv")).unwrap();
    let raised = src.replace("0690804821,0.05,99.99,1;2;3", "0690804821,0.20,99.99,1;2;3");
    assert_ne!(raised, src);
    let f = write(dir, "exposants.csv", &raised);
    ok(org, &["import", "exhibitors", s(&f)]);
}

fn verify(db: &Path) -> (bool, String) {
    let out = run(db, &["verify"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn a_paper_notebook_after_the_close_goes_to_the_complement() {
    let dir = tempfile::tempdir().unwrap();
    let org = closed_phase_1(dir.path());
    let closed = settlement(&org, false);
    raise_e002_rate(dir.path(), &org);
    // Two tickets of the closed phase 1, one of the open phase 2.
    let f = write(
        dir.path(),
        "carnet.csv",
        &format!(
            "{SALES_HEADER}C1,2025-08-09 10:00,T01,E002-01,1,,cash\n\
             C2,2025-08-10 11:00,T01,E002-01,1,,card\n\
             C3,2025-08-12 11:00,T01,E002-01,1,,cash\n"
        ),
    );
    let dry = ok(&org, &["import", "sales", s(&f), "--dry-run"]);
    assert!(
        dry.contains("2 tickets en retard → complément 1 de la phase 1"),
        "{dry}"
    );
    let out = ok(&org, &["import", "sales", s(&f)]);
    assert!(
        out.contains("2 tickets en retard → complément 1 de la phase 1"),
        "{out}"
    );
    let (good, v) = verify(&org);
    assert!(good, "{v}");
    assert_eq!(
        settlement(&org, false),
        closed,
        "the closed settlement never changes"
    );
    // 2 × 19,94 at the 5 % of the close: 1,99 (not 7,98 at 20 %), no stall fee.
    let c = settlement(&org, true);
    assert!(
        c.contains("1,E002,Coopérative Al Amal,2,39.88,0.00,39.88,19.94,19.94,0.00,0.00,1.99,0.00,39.88,0.00,37.89"),
        "{c}"
    );
    // Closing the complément keeps those figures, and verify still accepts the chain.
    let out = close(&org, "1", false);
    assert!(String::from_utf8_lossy(&out.stdout).contains("complément 1 clôturé"));
    assert!(settlement(&org, true).contains(",1.99,0.00,39.88,0.00,37.89"));
    let (good, v) = verify(&org);
    assert!(good, "{v}");
    // The next late notebook goes to complément 2.
    let f = write(
        dir.path(),
        "carnet2.csv",
        &format!("{SALES_HEADER}C4,2025-08-09 12:00,T01,E002-01,1,,cash\n"),
    );
    let out = ok(&org, &["import", "sales", s(&f)]);
    assert!(
        out.contains("1 ticket en retard → complément 2 de la phase 1"),
        "{out}"
    );
    assert!(verify(&org).0);
}

/// Copies of a market with one late paper sale (ORG-000001) and one in time (ORG-000002), each tampered with.
#[test]
fn verify_tells_a_late_paper_sale_from_a_forged_flag() {
    let dir = tempfile::tempdir().unwrap();
    let org = closed_phase_1(dir.path());
    let f = write(
        dir.path(),
        "carnet.csv",
        &format!(
            "{SALES_HEADER}C1,2025-08-09 10:00,T01,E002-01,1,,cash\n\
             C2,2025-08-12 11:00,T01,E002-01,1,,cash\n"
        ),
    );
    ok(&org, &["import", "sales", s(&f)]);
    assert!(verify(&org).0);
    let ids: Vec<String> = {
        let c = rusqlite::Connection::open(&org).unwrap();
        let mut st = c.prepare("SELECT id FROM tickets ORDER BY number").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let (late, in_time) = (&ids[0], &ids[1]);
    let tamper = |name: &str, sql: &str| {
        let copy = dir.path().join(format!("{name}.db"));
        let src = rusqlite::Connection::open(&org).unwrap();
        src.execute("VACUUM INTO ?1", [s(&copy)]).unwrap();
        drop(src);
        let c = rusqlite::Connection::open(&copy).unwrap();
        c.execute_batch(sql).unwrap();
        drop(c);
        let (good, v) = verify(&copy);
        assert!(!good, "{name}: verify should break:\n{v}");
        v
    };
    // The late flag removed.
    let v = tamper(
        "removed",
        &format!(
            "DROP TRIGGER late_no_delete; DELETE FROM late_tickets WHERE ticket_id = '{late}';"
        ),
    );
    assert!(v.contains(late.as_str()), "{v}");
    // A late flag added to a sale made in time.
    let v = tamper(
        "added",
        &format!(
            "INSERT INTO late_tickets (ticket_id, phase, complement, merged_at)
             VALUES ('{in_time}', 2, 1, '2026-01-01T00:00:00Z');"
        ),
    );
    assert!(
        v.contains("hors de souk") && v.contains(in_time.as_str()),
        "{v}"
    );
    // A sale inserted after the close, flagged late, without the program.
    let v = tamper(
        "sneaked",
        "PRAGMA foreign_keys = OFF;
         INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier,
           manual, total, journal_seq)
           VALUES ('ORG-000099', 'ORG', 'T01', 99, 'sale', '2025-08-09T09:00:00Z', 3600, '2025-08-09', 1, 'Karim',
           1, 1994, 999);
         INSERT INTO late_tickets (ticket_id, phase, complement, merged_at)
           VALUES ('ORG-000099', 1, 1, '2026-01-01T00:00:00Z');",
    );
    assert!(v.contains("ORG-000099"), "{v}");
}

/// A till's bundle merged after the close, after a rate raised for later phases: the complément charges the
/// rate of the close.
#[test]
fn a_late_bundle_is_charged_the_rate_of_the_close() {
    let dir = tempfile::tempdir().unwrap();
    let org = sample_market(dir.path(), false);
    add_organiser(&org);
    let t02 = provision(&org, "T02");
    let f = write(
        dir.path(),
        "t02.csv",
        &format!("{SALES_HEADER}B1,2025-08-09 10:00,T02,E002-01,1,,cash\n"),
    );
    ok(&t02, &["import", "sales", s(&f)]);
    assert!(close(&org, "1", true).status.success());
    raise_e002_rate(dir.path(), &org);
    let b = dir.path().join("t02.bundle");
    ok(&t02, &["export", "--out", s(&b)]);
    ok_env(&org, &["merge", s(&b)], &[]);
    let c = settlement(&org, true);
    // 19,94 at 5 %: 1,00 (not 3,99 at 20 %).
    assert!(c.contains("1,E002,Coopérative Al Amal,1,19.94,"), "{c}");
    assert!(c.contains(",1.00,0.00,19.94,0.00,18.94"), "{c}");
    assert!(verify(&org).0);
}
