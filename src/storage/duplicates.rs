//! The same paper ticket entered on two databases (at the organiser and at the till that collected it): both
//! are kept, since a journal never loses an entry, and named so that the organiser refunds one of them.
use anyhow::Result;
use rusqlite::Connection;

/// A paper reference of one till found on two chains: (till, reference, first ticket, second ticket).
pub type Duplicate = (String, String, String, String);

pub fn paper_duplicates(conn: &Connection) -> Result<Vec<Duplicate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.till, a.ticket_ref, b.id, a.id FROM tickets a JOIN tickets b
           ON b.till = a.till AND b.ticket_ref = a.ticket_ref AND b.id < a.id
         WHERE a.ticket_ref IS NOT NULL ORDER BY a.till, a.ticket_ref, b.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What the organiser reads about one duplicate.
pub fn describe(d: &Duplicate) -> String {
    format!(
        "attention : le ticket papier {} de la caisse {} a été saisi deux fois ({} et {}) ; les deux sont comptés : \
         remboursez l'un des deux (superviseur) pour l'annuler",
        d.1, d.0, d.2, d.3
    )
}
