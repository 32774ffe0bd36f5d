//! Migration 011: shares' link to their ticket is checked at commit. Rows, indexes and the append-only
//! triggers are kept; a share whose ticket is absent is still refused (at commit) and leaves nothing.
use souk::storage::Db;
use souk::storage::migrate::migrate_to;

fn schema_10(path: &std::path::Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    souk::storage::configure(&c).unwrap();
    migrate_to(&c, 10).unwrap();
    c.execute_batch(
        "INSERT INTO market (id, uuid, name, created_at) VALUES (1, 'u', 'Marché', '2025-08-06T08:00:00Z');
         INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier, total,
           journal_seq) VALUES ('T01-000001', 'T01', 'T01', 1, 'sale', '2025-08-07T09:00:00Z', 3600, '2025-08-07', 1,
           'Amina', 1250, 1);
         INSERT INTO shares VALUES ('T01-000001', 'E001', 1, '2025-08-07', 'T01', 'organiser', 0, 1000, 1000, 0, 0, 0);
         INSERT INTO shares VALUES ('T01-000001', 'E002', 1, '2025-08-07', 'T01', 'organiser', 0, 250, 0, 250, 0, 0);",
    )
    .unwrap();
}

fn rows(db: &Db, sql: &str) -> Vec<String> {
    let mut stmt = db.conn().prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn shares_keep_their_rows_indexes_and_triggers_and_an_orphan_is_refused_at_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.db");
    schema_10(&path);
    let mut db = Db::open(&path).unwrap();
    let table = rows(&db, "SELECT sql FROM sqlite_master WHERE name = 'shares'");
    assert!(
        table[0].contains("REFERENCES tickets(id) DEFERRABLE INITIALLY DEFERRED"),
        "{table:?}"
    );
    assert_eq!(
        rows(
            &db,
            "SELECT ticket_id || ' ' || exhibitor_code || ' ' || net || ' ' || cash || ' ' || card FROM shares
             ORDER BY exhibitor_code"
        ),
        ["T01-000001 E001 1000 1000 0", "T01-000001 E002 250 0 250"]
    );
    let objects = rows(
        &db,
        "SELECT type || ' ' || name FROM sqlite_master WHERE tbl_name = 'shares' AND type IN ('index', 'trigger')
         ORDER BY type, name",
    );
    assert!(
        objects.contains(&"index shares_day".to_string()),
        "{objects:?}"
    );
    assert!(
        objects.contains(&"index shares_settlement".to_string()),
        "{objects:?}"
    );
    assert!(
        objects.contains(&"trigger shares_no_delete".to_string()),
        "{objects:?}"
    );
    assert!(
        objects.contains(&"trigger shares_no_update".to_string()),
        "{objects:?}"
    );
    let plan: Vec<String> = {
        let mut stmt = db
            .conn()
            .prepare("EXPLAIN QUERY PLAN SELECT exhibitor_code, SUM(net) FROM shares WHERE phase = 1 GROUP BY exhibitor_code")
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(
        plan.join(" ").contains("COVERING INDEX shares_settlement"),
        "{plan:?}"
    );
    let update = db.conn().execute("UPDATE shares SET net = 0", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));

    // Checked at commit: the transaction that wrote an orphan share fails there and leaves nothing.
    let tx = db.write_tx().unwrap();
    tx.execute(
        "INSERT INTO shares VALUES ('T09-000001', 'E001', 1, '2025-08-07', 'T09', 'organiser', 0, 5, 5, 0, 0, 0)",
        [],
    )
    .unwrap();
    let e = tx.commit().unwrap_err().to_string();
    assert!(e.contains("FOREIGN KEY"), "{e}");
    let n: i64 = db
        .conn()
        .query_row("SELECT COUNT(*) FROM shares", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2);
}
