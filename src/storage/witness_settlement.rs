//! `souk check` on a settlement's fingerprint, the one `phase close` prints: the settlement stored at the close
//! must be the one its journal entry recorded, in an intact, signed chain. The figures are not recomputed from
//! today's rates: a rate changed for later phases must not make an honest statement look forged.
use super::journal::{self, SELECT_ENTRY};
use super::witness::Outcome;
use crate::domain::canonical::settlement_hash;
use crate::domain::settlement::SettlementFigures;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};

struct Stored {
    phase: u32,
    complement: Option<u32>,
    hash: String,
    json: String,
    closed_at: String,
}

/// `None` when `hex` starts no stored settlement's fingerprint.
pub(super) fn check(conn: &Connection, hex: &str) -> Result<Option<Outcome>> {
    let Some(s) = find(conn, hex)? else {
        return Ok(None);
    };
    let (kind, subject) = match s.complement {
        None => ("phase_close", format!("phase {}", s.phase)),
        Some(n) => (
            "complement_close",
            format!("phase {} complément {n}", s.phase),
        ),
    };
    let mut problems = Vec::new();
    let figures: Option<Vec<SettlementFigures>> = serde_json::from_str(&s.json).ok();
    if figures.is_none_or(|rows| settlement_hash(s.phase, &rows) != s.hash) {
        problems.push(format!(
            "{subject} : le règlement enregistré ne donne plus cette empreinte (modifié hors de souk)"
        ));
    }
    let entry = conn
        .prepare(&format!(
            "{SELECT_ENTRY} WHERE kind = ?1 AND subject = ?2 ORDER BY chain, seq LIMIT 1"
        ))?
        .query_row([kind, subject.as_str()], journal::from_row)
        .optional()?;
    match &entry {
        None => problems.push(format!(
            "{subject} : aucune entrée du journal n'enregistre cette clôture"
        )),
        Some(e) => {
            if !e.detail.contains(&format!("règlement {}", s.hash)) {
                problems.push(format!(
                    "journal {} n°{} : la clôture enregistre un autre règlement",
                    e.chain, e.seq
                ));
            }
            problems.extend(super::witness::entry_problems(conn, e)?);
        }
    }
    if problems.is_empty() {
        let e = entry.expect("an entry when nothing is wrong");
        return Ok(Some(Outcome::ok(format!(
            "conforme : empreinte du règlement de la {subject}, clôturé le {}, entrée {} n°{} du journal",
            fr_datetime(&s.closed_at),
            e.chain,
            e.seq
        ))));
    }
    problems.insert(0, format!("non conforme : règlement de la {subject}"));
    Ok(Some(Outcome::bad(problems)))
}

fn find(conn: &Connection, hex: &str) -> Result<Option<Stored>> {
    Ok(conn
        .prepare(
            "SELECT number, NULL, settlement_hash, settlement_json, closed_at FROM phases
             WHERE settlement_hash LIKE ?1 || '%'
             UNION ALL
             SELECT phase, number, settlement_hash, settlement_json, closed_at FROM complements
             WHERE settlement_hash LIKE ?1 || '%'
             LIMIT 1",
        )?
        .query_row([hex], |r| {
            Ok(Stored {
                phase: r.get(0)?,
                complement: r.get(1)?,
                hash: r.get(2)?,
                json: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                closed_at: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            })
        })
        .optional()?)
}

/// `2026-10-05T18:00:00+01:00` → `05/10/2026 18:00`.
fn fr_datetime(iso: &str) -> String {
    match (
        iso.get(0..4),
        iso.get(5..7),
        iso.get(8..10),
        iso.get(11..16),
    ) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{d}/{m}/{y} {hm}"),
        _ => iso.to_string(),
    }
}
