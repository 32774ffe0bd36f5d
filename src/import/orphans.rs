//! Re-imports that would orphan tickets are refused, naming them: a phase shrunk so that tickets fall outside
//! it, an exhibitor removed from a phase in which it sold, a product moved to another exhibitor after it sold.
//! Only what the import would newly break counts (a state already there is not the import's doing).
use super::Kind;
use anyhow::{Result, bail};
use rusqlite::{Connection, params};
use std::collections::BTreeSet;

/// One way tickets are orphaned, as a comparable key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Orphan {
    /// Tickets of a phase dated outside its dates.
    OutsidePhase(u32),
    /// (exhibitor, phase): shares of an exhibitor no longer in the phase.
    NotInPhase(String, u32),
    /// (product, exhibitor it was sold for): lines of a product now belonging to another exhibitor.
    ProductMoved(String, String),
    /// A till whose collector changed after it sold (its shares keep who held the money).
    CollectorChanged(String),
}

/// What tickets an import of `kind` could orphan, as the database stands.
pub fn find(conn: &Connection, kind: Kind) -> Result<BTreeSet<Orphan>> {
    let sql = match kind {
        Kind::Phases => {
            "SELECT t.phase, '', '' FROM tickets t LEFT JOIN phases p ON p.number = t.phase
             WHERE p.number IS NULL OR t.local_date < p.starts OR t.local_date > p.ends GROUP BY t.phase"
        }
        Kind::Exhibitors => {
            "SELECT s.phase, s.exhibitor_code, '' FROM
             (SELECT DISTINCT phase, exhibitor_code FROM shares) s
             WHERE NOT EXISTS (SELECT 1 FROM exhibitor_phases e WHERE e.exhibitor_code = s.exhibitor_code AND e.phase = s.phase)"
        }
        Kind::Products => {
            "SELECT 0, l.product_code, l.exhibitor_code FROM
             (SELECT DISTINCT product_code, exhibitor_code FROM ticket_lines WHERE product_code IS NOT NULL) l
             JOIN products p ON p.code = l.product_code WHERE p.exhibitor_code <> l.exhibitor_code"
        }
        Kind::Tills => {
            "SELECT 0, s.till, '' FROM (SELECT DISTINCT till, collector FROM shares) s
             JOIN tills t ON t.id = s.till WHERE t.collector <> s.collector"
        }
        Kind::Sales => return Ok(BTreeSet::new()),
    };
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        let (n, a, b): (u32, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok(match kind {
            Kind::Phases => Orphan::OutsidePhase(n),
            Kind::Exhibitors => Orphan::NotInPhase(a, n),
            Kind::Tills => Orphan::CollectorChanged(a),
            _ => Orphan::ProductMoved(a, b),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Refuses when the import made orphans that `before` did not have; names them and their tickets.
pub fn refuse_new(conn: &Connection, kind: Kind, before: &BTreeSet<Orphan>) -> Result<()> {
    let after = find(conn, kind)?;
    let new: Vec<&Orphan> = after.difference(before).collect();
    if new.is_empty() {
        return Ok(());
    }
    let mut why = Vec::new();
    for o in new {
        why.push(describe(conn, o)?);
    }
    bail!(
        "import refusé, il rendrait des tickets orphelins : {} (rien n'a été modifié ; un ticket vendu ne change \
         jamais de phase ni d'exposant)",
        why.join(" ; ")
    )
}

fn describe(conn: &Connection, o: &Orphan) -> Result<String> {
    let (sql, what): (&str, String) = match o {
        Orphan::OutsidePhase(n) => (
            "SELECT t.id FROM tickets t LEFT JOIN phases p ON p.number = t.phase WHERE t.phase = ?1 AND ?2 = ?2
             AND ?3 = ?3 AND (p.number IS NULL OR t.local_date < p.starts OR t.local_date > p.ends) ORDER BY t.id",
            format!("la phase {n} ne contiendrait plus la date de ses tickets"),
        ),
        Orphan::NotInPhase(ex, n) => (
            "SELECT ticket_id FROM shares WHERE phase = ?1 AND exhibitor_code = ?2 AND ?3 = ?3 ORDER BY ticket_id",
            format!("l'exposant {ex} quitterait la phase {n} où il a vendu"),
        ),
        Orphan::ProductMoved(p, ex) => (
            "SELECT ticket_id FROM ticket_lines WHERE ?1 = ?1 AND product_code = ?2 AND exhibitor_code = ?3
             ORDER BY ticket_id",
            format!("le produit {p}, vendu pour l'exposant {ex}, changerait d'exposant"),
        ),
        Orphan::CollectorChanged(till) => (
            "SELECT DISTINCT s.ticket_id FROM shares s JOIN tills t ON t.id = s.till
             WHERE ?1 = ?1 AND s.till = ?2 AND ?3 = ?3 AND s.collector <> t.collector ORDER BY s.ticket_id",
            format!(
                "la caisse {till} changerait de qui garde l'argent (collector) alors qu'elle a déjà vendu"
            ),
        ),
    };
    let (n, a, b) = match o {
        Orphan::OutsidePhase(n) => (*n, String::new(), String::new()),
        Orphan::NotInPhase(ex, n) => (*n, ex.clone(), String::new()),
        Orphan::ProductMoved(p, ex) => (0, p.clone(), ex.clone()),
        Orphan::CollectorChanged(till) => (0, till.clone(), String::new()),
    };
    let mut stmt = conn.prepare(sql)?;
    let ids: Vec<String> = stmt
        .query_map(params![n, a, b], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut ids_dedup = ids.clone();
    ids_dedup.dedup();
    let shown: Vec<&str> = ids_dedup.iter().take(5).map(String::as_str).collect();
    let more = ids_dedup.len().saturating_sub(shown.len());
    let tail = if more > 0 {
        format!(" et {more} autre(s)")
    } else {
        String::new()
    };
    Ok(format!("{what} (tickets {}{tail})", shown.join(", ")))
}
