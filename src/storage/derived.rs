//! Columns stored for speed but derived from a ticket (its local date, and its shares' phase, date, till and
//! collector): they are outside the ticket's hashed encoding, so `verify` recomputes them from what is hashed.
use anyhow::Result;
use rusqlite::Connection;

pub fn check(conn: &Connection) -> Result<Vec<String>> {
    let mut breaks = Vec::new();
    let mut dates = conn.prepare(
        "SELECT id, local_date, date(at_utc, utc_offset || ' seconds') FROM tickets
         WHERE local_date IS NOT date(at_utc, utc_offset || ' seconds') ORDER BY id LIMIT 20",
    )?;
    for row in dates.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        let (id, stored, derived) = row?;
        breaks.push(format!(
            "ticket {id} : date locale {stored} au lieu de {} (modifiée hors de souk)",
            derived.unwrap_or_default()
        ));
    }
    let mut shares = conn.prepare(
        "SELECT s.ticket_id, s.exhibitor_code,
                s.phase IS NOT t.phase, s.local_date IS NOT t.local_date, s.till IS NOT t.till,
                s.collector IS NOT (SELECT collector FROM tills WHERE id = t.till)
         FROM shares s JOIN tickets t ON t.id = s.ticket_id
         WHERE s.phase IS NOT t.phase OR s.local_date IS NOT t.local_date OR s.till IS NOT t.till
            OR s.collector IS NOT (SELECT collector FROM tills WHERE id = t.till)
         ORDER BY s.ticket_id, s.exhibitor_code LIMIT 20",
    )?;
    for row in shares.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            [r.get::<_, bool>(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
        ))
    })? {
        let (id, ex, wrong) = row?;
        let names = ["phase", "date", "caisse", "encaissement (collector)"];
        let what: Vec<&str> = names
            .iter()
            .zip(wrong)
            .filter(|(_, w)| *w)
            .map(|(n, _)| *n)
            .collect();
        breaks.push(format!(
            "ticket {id}, part de l'exposant {ex} : {} ne correspond plus au ticket (modifié hors de souk)",
            what.join(", ")
        ));
    }
    Ok(breaks)
}
