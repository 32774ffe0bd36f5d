//! `souk refund`: a paper sale entered at the organiser's (which no till knows) is refunded there, with a
//! supervisor's PIN, line by line or whole, never beyond what was sold; the settlement nets it.
use crate::support::common::*;
use std::path::Path;

fn refund(db: &Path, args: &[&str], pin: &str) -> std::process::Output {
    let args: Vec<&str> = std::iter::once("refund")
        .chain(args.iter().copied())
        .collect();
    run_with(
        db,
        &args,
        &[("SOUK_PIN", pin), ("SOUK_NOW", "2025-08-09 18:00")],
    )
}

fn net_of(db: &Path, exhibitor: &str) -> String {
    let csv = ok(
        db,
        &["report", "settlement", "--phase", "1", "--format", "csv"],
    );
    csv.lines()
        .find(|l| l.split(',').nth(1) == Some(exhibitor))
        .and_then(|l| l.split(',').nth(6))
        .unwrap()
        .to_string()
}

#[test]
fn a_paper_sale_is_refunded_at_the_organiser_and_never_beyond_what_was_sold() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let supervisor = ["people", "add", "Khadija", "--role", "supervisor"];
    run_with(&db, &supervisor, &[("SOUK_PIN", "432100")]);
    let c = rusqlite::Connection::open(&db).unwrap();
    // A paper ticket of phase 1 with two lines, paid one way.
    let (id, till, exhibitor, method): (String, String, String, String) = c
        .query_row(
            "SELECT t.id, t.till, MIN(l.exhibitor_code), MIN(p.method) FROM tickets t
             JOIN ticket_lines l ON l.ticket_id = t.id JOIN payments p ON p.ticket_id = t.id
             WHERE t.phase = 1 AND t.chain = 'ORG' GROUP BY t.id
             HAVING COUNT(DISTINCT l.line_no) = 2 AND COUNT(DISTINCT p.method) = 1 ORDER BY t.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let before = net_of(&db, &exhibitor);

    let out = refund(&db, &[&id, "--by", "Khadija"], "0000");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("code incorrect"));
    let unchanged = dump(&db);
    let out = refund(&db, &[&id, "--by", "Khadija", "--line", "9"], "432100");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pas de ligne 9"));
    let out = refund(&db, &[&id, "--by", "Khadija", "--line", "1:99"], "432100");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        dump(&db),
        unchanged,
        "a refused refund changed the database"
    );

    let out = refund(&db, &[&id, "--by", "Khadija"], "432100");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.starts_with("remboursement ORG-"), "{said}");
    assert!(said.contains(&format!("caisse {till}")), "{said}");
    let (kind, of, manual, paid): (String, String, i64, String) = c
        .query_row(
            "SELECT t.kind, t.refund_of, t.manual, p.method FROM tickets t JOIN payments p ON p.ticket_id = t.id
             WHERE t.refund_of = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), of.as_str(), manual, paid),
        ("refund", id.as_str(), 1, method)
    );
    assert_ne!(
        net_of(&db, &exhibitor),
        before,
        "the refund is in the settlement"
    );

    let out = refund(&db, &[&id, "--by", "Khadija"], "432100");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("déjà entièrement remboursé"));
    ok(&db, &["verify"]);
}
