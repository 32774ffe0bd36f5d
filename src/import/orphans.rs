//! Re-imports that would orphan tickets are refused, naming them: a phase shrunk so that tickets fall outside
//! it, an exhibitor removed from a phase in which it sold, a product moved to another exhibitor after it sold, a
//! till whose collector changed after it sold (its shares keep who held the money).
//! What the import may change is noted before it is applied; only what changed is then checked against the
//! tickets, so an import that changes nothing of the kind costs no scan of a million-line market.
use super::Kind;
use anyhow::{Result, bail};
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, BTreeSet};

/// What an import of one kind may change, as it was before.
#[derive(Debug, Default)]
pub struct Before {
    /// Phase number → (starts, ends).
    phases: BTreeMap<u32, (String, String)>,
    /// (exhibitor, phase) memberships.
    memberships: BTreeSet<(String, u32)>,
    /// Product code → exhibitor.
    products: BTreeMap<String, String>,
    /// Till id → collector.
    collectors: BTreeMap<String, String>,
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt.query_map([], f)?.collect::<Result<_, _>>()?;
    Ok(out)
}

pub fn snapshot(conn: &Connection, kind: Kind) -> Result<Before> {
    let mut b = Before::default();
    match kind {
        Kind::Phases => {
            b.phases = rows(conn, "SELECT number, starts, ends FROM phases", |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
            })?
            .into_iter()
            .collect();
        }
        Kind::Exhibitors => {
            b.memberships = rows(
                conn,
                "SELECT exhibitor_code, phase FROM exhibitor_phases",
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .into_iter()
            .collect();
        }
        Kind::Products => {
            b.products = rows(conn, "SELECT code, exhibitor_code FROM products", |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .into_iter()
            .collect();
        }
        Kind::Tills => {
            b.collectors = rows(conn, "SELECT id, collector FROM tills", |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .into_iter()
            .collect();
        }
        Kind::Sales => {}
    }
    Ok(b)
}

/// Refuses when what the import changed leaves sold tickets without their phase, exhibitor or product owner.
pub fn refuse_new(conn: &Connection, kind: Kind, before: &Before) -> Result<()> {
    let after = snapshot(conn, kind)?;
    let mut why = Vec::new();
    for (n, dates) in &before.phases {
        if after.phases.get(n) != Some(dates) {
            let ids = tickets(
                conn,
                "SELECT t.id FROM tickets t LEFT JOIN phases p ON p.number = t.phase WHERE t.phase = ?1
                 AND ?2 = ?2 AND (p.number IS NULL OR t.local_date < p.starts OR t.local_date > p.ends)
                 ORDER BY t.id LIMIT 6",
                params![n, ""],
            )?;
            if !ids.is_empty() {
                let what = format!("la phase {n} ne contiendrait plus la date de ses tickets");
                why.push(named(&what, &ids));
            }
        }
    }
    for (ex, n) in before.memberships.difference(&after.memberships) {
        let ids = tickets(
            conn,
            "SELECT ticket_id FROM shares WHERE phase = ?1 AND exhibitor_code = ?2 ORDER BY ticket_id LIMIT 6",
            params![n, ex],
        )?;
        if !ids.is_empty() {
            let what = format!("l'exposant {ex} quitterait la phase {n} où il a vendu");
            why.push(named(&what, &ids));
        }
    }
    for (code, ex) in &before.products {
        if after.products.get(code).is_some_and(|now| now != ex) {
            let ids = tickets(
                conn,
                "SELECT DISTINCT ticket_id FROM ticket_lines WHERE product_code = ?1 AND exhibitor_code = ?2
                 ORDER BY ticket_id LIMIT 6",
                params![code, ex],
            )?;
            if !ids.is_empty() {
                let what =
                    format!("le produit {code}, vendu pour l'exposant {ex}, changerait d'exposant");
                why.push(named(&what, &ids));
            }
        }
    }
    for (till, collector) in &before.collectors {
        if after
            .collectors
            .get(till)
            .is_some_and(|now| now != collector)
        {
            let ids = tickets(
                conn,
                "SELECT DISTINCT ticket_id FROM shares WHERE till = ?1 AND collector = ?2 ORDER BY ticket_id LIMIT 6",
                params![till, collector],
            )?;
            if !ids.is_empty() {
                let what = format!(
                    "la caisse {till} changerait de qui garde l'argent (collector) alors qu'elle a déjà vendu"
                );
                why.push(named(&what, &ids));
            }
        }
    }
    if why.is_empty() {
        return Ok(());
    }
    bail!(
        "import refusé, il changerait ce que disent des tickets déjà vendus : {} (rien n'a été modifié ; un \
         ticket vendu ne change jamais de phase, d'exposant ni de qui a gardé son argent)",
        why.join(" ; ")
    )
}

fn tickets(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt.query_map(p, |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(out)
}

/// `what (tickets A, B, C, D, E et d'autres)`: at most five named.
fn named(what: &str, ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
    let more = if ids.len() > 5 { " et d'autres" } else { "" };
    format!("{what} (tickets {}{more})", shown.join(", "))
}
