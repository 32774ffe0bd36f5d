//! Tamper test (on the sample market, whose paper sales are the organiser's ORG-… tickets): with the triggers dropped, changing or deleting a row of tickets, lines, payments, shares or the
//! journal behind the program's back makes `souk verify` exit 1 and name the entry.
use crate::support::common::*;
use std::path::Path;

const TRIGGERS: &[&str] = &[
    "tickets_no_update",
    "tickets_no_delete",
    "lines_no_update",
    "lines_no_delete",
    "payments_no_update",
    "payments_no_delete",
    "shares_no_update",
    "shares_no_delete",
    "journal_no_update",
    "journal_no_delete",
];

fn tamper(db: &Path, sql: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    for t in TRIGGERS {
        c.execute_batch(&format!("DROP TRIGGER IF EXISTS {t}"))
            .unwrap();
    }
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let n = c.execute(sql, []).unwrap();
    assert_eq!(n, 1, "{sql} touched {n} rows");
}

fn assert_caught(sql: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    ok(&db, &["verify"]);
    tamper(&db, sql);
    let out = run(&db, &["verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "tampering with `{sql}` went unnoticed"
    );
    for e in expect {
        assert!(
            err.contains(e),
            "verify after `{sql}` should name {e:?}:\n{err}"
        );
    }
}

#[test]
fn triggers_refuse_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_market(dir.path(), true);
    let c = rusqlite::Connection::open(&db).unwrap();
    for sql in [
        "UPDATE tickets SET total = 1 WHERE id = 'ORG-000003'",
        "DELETE FROM ticket_lines WHERE ticket_id = 'ORG-000003'",
        "UPDATE payments SET amount = 1 WHERE ticket_id = 'ORG-000003'",
        "DELETE FROM journal WHERE chain = 'ORG'",
        "UPDATE shares SET net = 0",
    ] {
        let err = c.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn changed_ticket_is_named() {
    assert_caught(
        "UPDATE tickets SET cashier = 'X' WHERE id = 'ORG-000003'",
        &["ORG-000003"],
    );
}

#[test]
fn deleted_ticket_is_named() {
    assert_caught(
        "DELETE FROM tickets WHERE id = 'ORG-000003'",
        &["ORG-000003 a disparu de la base"],
    );
}

#[test]
fn changed_line_is_named() {
    assert_caught(
        "UPDATE ticket_lines SET quantity = quantity + 1000 WHERE ticket_id = 'ORG-000020' AND line_no = 1",
        &["ORG-000020"],
    );
}

#[test]
fn deleted_line_is_named() {
    assert_caught(
        "DELETE FROM ticket_lines WHERE ticket_id = 'ORG-000020' AND line_no = 1",
        &["ORG-000020"],
    );
}

#[test]
fn changed_payment_is_named() {
    assert_caught(
        "UPDATE payments SET method = 'card' WHERE ticket_id = 'ORG-000030'",
        &["ORG-000030"],
    );
}

#[test]
fn deleted_payment_is_named() {
    assert_caught(
        "DELETE FROM payments WHERE ticket_id = 'ORG-000030'",
        &["ORG-000030"],
    );
}

#[test]
fn changed_share_is_named() {
    assert_caught(
        "UPDATE shares SET net = net + 100 WHERE ticket_id = 'ORG-000030' AND exhibitor_code = \
         (SELECT MIN(exhibitor_code) FROM shares WHERE ticket_id = 'ORG-000030')",
        &["ORG-000030"],
    );
}

#[test]
fn changed_journal_entry_is_named() {
    assert_caught(
        "UPDATE journal SET actor = 'X' WHERE chain = 'ORG' AND seq = 10",
        &["journal ORG n°10"],
    );
}

#[test]
fn deleted_journal_entry_is_named() {
    assert_caught(
        "DELETE FROM journal WHERE chain = 'ORG' AND seq = 10",
        &["ORG", "n°11"],
    );
}

#[test]
fn share_without_ticket_is_named() {
    // A share row counts in the settlement: one that no ticket explains is a break.
    assert_caught(
        "INSERT INTO shares (ticket_id, exhibitor_code, phase, local_date, till, collector, is_refund, net, cash,
         card, mobile, other) VALUES ('T01-999999', 'E001', 1, '2025-08-07', 'T01', 'organiser', 0, 5000, 5000,
         0, 0, 0)",
        &["T01-999999", "sans ticket"],
    );
}

#[test]
fn line_without_ticket_is_named() {
    assert_caught(
        "INSERT INTO ticket_lines SELECT 'ORG-999999', line_no, product_code, exhibitor_code, name_fr, name_ar,
         unit, quantity, unit_price, discount, vat_rate, total, refund_of_line FROM ticket_lines
         WHERE ticket_id = 'ORG-000020' AND line_no = 1",
        &["ORG-999999", "sans ticket"],
    );
}

#[test]
fn an_impossible_ticket_number_is_named() {
    assert_caught(
        "UPDATE tickets SET number = 0 WHERE id = 'ORG-000001'",
        &["caisse ORG : numéro de ticket 0 impossible"],
    );
}

#[test]
fn ticket_pointing_at_another_entry_is_named() {
    assert_caught(
        "UPDATE tickets SET journal_seq = journal_seq + 1 WHERE id = 'ORG-000003'",
        &[
            "ORG-000003",
            "ne renvoie plus",
            "le ticket ORG-000003 ne renvoie plus à cette entrée",
        ],
    );
}
