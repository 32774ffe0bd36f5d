//! Bulk loading of the shares: while a merge brings more rows than the table holds, its secondary indexes are
//! set aside and built again once every row is in, inside the same transaction. Inserting row by row into the
//! two covering indexes costs more per row the larger they grow (at a million lines, 2.7 µs a row for the day
//! index alone: each row lands on a page far from the last one); `CREATE INDEX` sorts the rows once. A
//! refusal rolls the drop back with everything else, so the schema never loses an index.
use anyhow::{Context, Result};
use rusqlite::Connection;

/// New rows from which loading in bulk pays: below, the indexes fit in the processor's cache.
const BULK_MIN_ROWS: u64 = 10_000;
/// The page cache while the indexes are built: SQLite's sorter takes as much again per run it sorts in memory,
/// and writes each run to a temporary file before merging them.
pub const SORT_CACHE_KIB: i64 = 4 * 1024;

/// Whether `new` rows coming into a table of about `held` rows are worth loading in bulk: at least as many as
/// the table holds (building the indexes again reads every row), and enough.
pub fn worth_it(new: u64, held: u64) -> bool {
    new >= BULK_MIN_ROWS && new >= held
}

/// The indexes set aside, with their SQL as the schema holds it.
#[derive(Debug)]
pub struct SetAside {
    indexes: Vec<(String, String)>,
}

/// Drops the secondary indexes of `shares` (not its primary key, which refuses a duplicate share) and returns
/// what [`SetAside::rebuild`] needs to create them again. Call inside the writing transaction.
pub fn set_aside_share_indexes(conn: &Connection) -> Result<SetAside> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'shares' AND sql IS NOT NULL
         ORDER BY name",
    )?;
    let indexes = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    // Statements planned with the old schema would each be prepared again on their next use.
    conn.flush_prepared_statement_cache();
    Ok(SetAside { indexes })
}

/// About how many tickets the database holds (the last ticket's rowid: no count over the table).
pub fn tickets_held(conn: &Connection) -> Result<u64> {
    Ok(
        conn.query_row("SELECT coalesce(max(rowid), 0) FROM tickets", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

impl SetAside {
    /// Creates the indexes again. SQLite's sorter may use as much memory as the page cache allows and sorts in
    /// memory only when temporary files are kept in memory: the cache is brought down to [`SORT_CACHE_KIB`] and
    /// temporary files go to disk for the build, and one worker thread sorts beside it.
    pub fn rebuild(self, conn: &Connection) -> Result<()> {
        let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let temp: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0))?;
        let threads: i64 = conn.query_row("PRAGMA threads", [], |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", -SORT_CACHE_KIB)?;
        conn.pragma_update(None, "temp_store", "FILE")?;
        conn.pragma_update(None, "threads", 1)?;
        let built = self.indexes.iter().try_for_each(|(name, sql)| {
            conn.execute_batch(sql)
                .with_context(|| format!("reconstruction de l'index {name}"))
        });
        conn.pragma_update(None, "threads", threads)?;
        conn.pragma_update(None, "temp_store", temp)?;
        conn.pragma_update(None, "cache_size", cache)?;
        conn.flush_prepared_statement_cache();
        built
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE tbl_name = 'shares' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn bulk_only_when_more_comes_than_the_table_holds_and_enough() {
        assert!(worth_it(333_510, 0));
        assert!(worth_it(333_510, 333_510));
        assert!(!worth_it(333_510, 400_000));
        assert!(worth_it(33_351, 0));
        assert!(!worth_it(33_351, 40_000));
        assert!(!worth_it(3_315, 0));
    }

    #[test]
    fn the_indexes_come_back_as_they_were_and_a_rollback_keeps_them() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("migrations/001_ledger.sql"))
            .unwrap();
        let before = schema(&conn);
        assert!(before.iter().any(|(n, _)| n == "shares_day"));

        let tx = conn.transaction().unwrap();
        let aside = set_aside_share_indexes(&tx).unwrap();
        assert!(!schema(&tx).iter().any(|(n, _)| n == "shares_day"));
        aside.rebuild(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(schema(&conn), before);

        let tx = conn.transaction().unwrap();
        set_aside_share_indexes(&tx).unwrap();
        tx.rollback().unwrap();
        assert_eq!(schema(&conn), before);
    }
}
