//! Migration 010: tickets_shift indexes only tickets of a shift, and the paper references' unique index also
//! answers the lookups by till and reference (its own index is gone); every query that used them still uses an
//! index, data and uniqueness kept.
use souk::storage::Db;
use souk::storage::migrate::migrate_to;

const TICKET: &str = "INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase,
    cashier, shift, manual, ticket_ref, total, journal_seq)
    VALUES (?1, ?2, ?3, ?4, 'sale', '2025-08-07T09:00:00Z', 3600, '2025-08-07', 1, 'Amina', ?5, ?6, ?7, 1250, ?4)";

fn schema_9(path: &std::path::Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    souk::storage::configure(&c).unwrap();
    migrate_to(&c, 9).unwrap();
    c.execute_batch(
        "INSERT INTO market (id, uuid, name, created_at) VALUES (1, 'u', 'Marché', '2025-08-06T08:00:00Z');",
    )
    .unwrap();
    let add = |id: &str, chain: &str, till: &str, n: i64, shift: Option<&str>, r: Option<&str>| {
        c.execute(
            TICKET,
            rusqlite::params![id, chain, till, n, shift, r.is_some(), r],
        )
        .unwrap();
    };
    add("T01-000001", "T01", "T01", 1, Some("s1"), None);
    add("ORG-000001", "ORG", "T02", 1, None, Some("R1"));
    add("T02-000001", "T02", "T02", 1, None, Some("R1"));
}

fn plan(db: &Db, sql: &str) -> String {
    let mut stmt = db
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows.join(" | ")
}

#[test]
fn indexes_a_paper_import_wrote_for_nothing_are_gone_and_every_query_keeps_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    schema_9(&path);
    let db = Db::open(&path).unwrap();
    let sql_of = |name: &str| -> Option<String> {
        db.conn()
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .ok()
    };
    assert!(sql_of("tickets_till_ref").is_none());
    assert!(
        sql_of("tickets_shift")
            .unwrap()
            .contains("WHERE shift IS NOT NULL")
    );
    assert!(
        sql_of("tickets_ref")
            .unwrap()
            .contains("(till, ticket_ref, chain)")
    );
    // Only the ticket of a shift is in the shift's index.
    let indexed: i64 = db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM tickets INDEXED BY tickets_shift WHERE shift IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, 1);
    for sql in [
        "SELECT kind, total, rounding FROM tickets WHERE shift = 's1'",
        "SELECT p.method FROM tickets t JOIN payments p ON p.ticket_id = t.id WHERE t.shift = 's1'",
        "SELECT t.id FROM tickets t WHERE t.shift = 's1' ORDER BY t.number DESC",
    ] {
        assert!(
            plan(&db, sql).contains("USING INDEX tickets_shift"),
            "{sql}: {}",
            plan(&db, sql)
        );
    }
    for sql in [
        "SELECT id FROM tickets WHERE till = 'T02' AND ticket_ref = 'R1'",
        "SELECT till, ticket_ref FROM tickets WHERE ticket_ref IS NOT NULL",
    ] {
        assert!(
            plan(&db, sql).contains("INDEX tickets_ref"),
            "{sql}: {}",
            plan(&db, sql)
        );
    }
    let dups = souk::storage::duplicates::paper_duplicates(db.conn()).unwrap();
    assert_eq!(dups.len(), 1);
    let join = "SELECT a.till, a.ticket_ref, b.id, a.id FROM tickets a JOIN tickets b
        ON b.till = a.till AND b.ticket_ref = a.ticket_ref AND b.id < a.id WHERE a.ticket_ref IS NOT NULL";
    assert!(
        plan(&db, join).contains("INDEX tickets_ref"),
        "{}",
        plan(&db, join)
    );
    // A reference is still unique per chain and till.
    let again = db.conn().execute(
        TICKET,
        rusqlite::params!["ORG-000002", "ORG", "T02", 2, None::<String>, true, "R1"],
    );
    assert!(again.unwrap_err().to_string().contains("UNIQUE"));
    let n: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
}
