//! What changes what an exhibitor is owed, besides the tickets: phases (dates, closed state), tills (collector),
//! exhibitors (commission rate, stall fee, phases) and people (role, PIN). After each change made through souk,
//! a `reference` journal entry records one fingerprint per row; `souk verify` recomputes them and names every row
//! changed behind the program's back.
use super::LocalTime;
use super::identity::own_chain;
use super::journal::{self, NewEntry};
use crate::domain::JournalKind;
use crate::domain::canonical::sha256_hex;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;

/// Row key (`exposant E017`) → fingerprint.
type Snapshot = BTreeMap<String, String>;

fn rows(conn: &Connection, sql: &str, label: &str, snap: &mut Snapshot) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut fields = Vec::with_capacity(n);
        for i in 0..n {
            let v: rusqlite::types::Value = r.get(i)?;
            fields.push(match v {
                rusqlite::types::Value::Null => "∅".to_string(),
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t.replace('\\', "\\\\").replace('|', "\\|"),
                rusqlite::types::Value::Real(f) => format!("{f:?}"),
                rusqlite::types::Value::Blob(b) => sha256_hex(&b),
            });
        }
        let key = format!("{label} {}", fields[0]);
        snap.insert(
            key,
            sha256_hex(fields.join("|").as_bytes())[..16].to_string(),
        );
    }
    Ok(())
}

/// The fingerprints of every row that changes money, as stored now.
fn snapshot(conn: &Connection) -> Result<Snapshot> {
    let mut s = Snapshot::new();
    rows(
        conn,
        "SELECT number, name, starts, ends, closed_at IS NOT NULL, closed_by, settlement_hash FROM phases",
        "phase",
        &mut s,
    )?;
    rows(
        conn,
        "SELECT id, name, collector FROM tills",
        "caisse",
        &mut s,
    )?;
    rows(
        conn,
        "SELECT code, name, commission_rate, stall_fee,
                (SELECT group_concat(phase, ';') FROM (SELECT phase FROM exhibitor_phases p
                  WHERE p.exhibitor_code = e.code ORDER BY phase))
         FROM exhibitors e",
        "exposant",
        &mut s,
    )?;
    rows(
        conn,
        "SELECT name, role, pin_hash FROM people",
        "personne",
        &mut s,
    )?;
    Ok(s)
}

fn render(s: &Snapshot) -> String {
    s.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse(detail: &str) -> Snapshot {
    detail
        .lines()
        .filter_map(|l| l.rsplit_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The newest `reference` entry this database relies on: its own chain's last, or for a till copy that never
/// recorded one, the organiser's last from before provisioning. Newest by sequence, never by clock: a laptop's
/// clock may go back (a flat clock battery), and an older-dated entry is still the later one.
fn last_recorded(conn: &Connection) -> Result<Option<journal::Entry>> {
    let own = own_chain(conn)?;
    Ok(conn
        .prepare(&format!(
            "{} WHERE kind = 'reference' AND chain IN (?1, ?2) ORDER BY chain = ?1 DESC, seq DESC LIMIT 1",
            journal::SELECT_ENTRY
        ))?
        .query_row([own.as_str(), super::ORG_CHAIN], journal::from_row)
        .optional()?)
}

/// Journals the fingerprints when they differ from the last recorded ones; inside the caller's transaction,
/// after its changes.
pub fn record(conn: &Connection, at: &LocalTime, actor: &str) -> Result<()> {
    let now = render(&snapshot(conn)?);
    if last_recorded(conn)?.is_some_and(|e| e.detail == now) {
        return Ok(());
    }
    journal::append(
        conn,
        at,
        &NewEntry {
            chain: &own_chain(conn)?,
            kind: JournalKind::Reference,
            actor,
            subject: "réglages (phases, caisses, exposants, personnes)",
            detail: &now,
            approver: "",
            amount: 0,
        },
    )?;
    Ok(())
}

/// What `verify` says: every row whose stored values differ from the last journalled fingerprints.
pub fn check(conn: &Connection) -> Result<(Vec<String>, Vec<String>)> {
    let Some(entry) = last_recorded(conn)? else {
        return Ok((
            vec![],
            vec!["réglages pas encore journalisés (base antérieure) : ils le seront au prochain changement".into()],
        ));
    };
    let journalled = parse(&entry.detail);
    let stored = snapshot(conn)?;
    let at = format!("entrée {} n°{} du journal", entry.chain, entry.seq);
    let mut breaks = Vec::new();
    for (key, fp) in &stored {
        match journalled.get(key) {
            Some(j) if j == fp => {}
            Some(_) => breaks.push(format!(
                "{key} : modifié hors de souk (différent de l'{at})"
            )),
            None => breaks.push(format!("{key} : ajouté hors de souk (absent de l'{at})")),
        }
    }
    for key in journalled.keys().filter(|k| !stored.contains_key(*k)) {
        breaks.push(format!(
            "{key} : supprimé hors de souk (présent dans l'{at})"
        ));
    }
    breaks.extend(sold_after_close(conn)?);
    Ok((breaks, vec![]))
}

/// `late_detail` (late.rs) in SQL, for the late flag `l`.
const LATE_DETAIL_SQL: &str =
    "'vente tardive : complément ' || l.complement || ' de la phase ' || l.phase";

/// A ticket journalled in the same chain after its phase's close entry came through a phase reopened behind the
/// program's back, unless it was entered late: flagged late, and its own `late_sale` entry naming that complement.
/// A late flag and a `late_sale` entry of this database's chains go together: one without the other was added or
/// removed outside souk.
fn sold_after_close(conn: &Connection) -> Result<Vec<String>> {
    let own = own_chain(conn)?;
    let chains = [own.as_str(), super::ORG_CHAIN];
    let mut out = Vec::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT t.id, t.phase, c.chain, c.seq FROM tickets t
         JOIN journal c ON c.kind = 'phase_close' AND c.subject = 'phase ' || t.phase AND c.chain IN (?1, ?2)
         JOIN journal j ON j.kind = t.kind AND j.subject = t.id AND j.chain = c.chain
         WHERE j.seq > c.seq AND NOT EXISTS (
           SELECT 1 FROM late_tickets l JOIN journal k ON k.chain = c.chain AND k.kind = 'late_sale'
             AND k.subject = t.id AND k.detail = {LATE_DETAIL_SQL}
           WHERE l.ticket_id = t.id AND l.phase = t.phase)
         ORDER BY t.id LIMIT 20"
    ))?;
    let rows = stmt.query_map(chains, |r| {
        Ok(format!(
            "ticket {} : journalisé après la clôture de la phase {} (entrée {} n°{}) : phase rouverte hors de souk",
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?
        ))
    })?;
    out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    let mut stmt = conn.prepare(&format!(
        "SELECT l.ticket_id, l.phase, l.complement FROM late_tickets l JOIN tickets t ON t.id = l.ticket_id
         WHERE t.chain IN (?1, ?2) AND NOT EXISTS (
           SELECT 1 FROM journal k WHERE k.chain = t.chain AND k.kind = 'late_sale' AND k.subject = l.ticket_id
             AND k.detail = {LATE_DETAIL_SQL})
         ORDER BY l.ticket_id LIMIT 20"
    ))?;
    let rows = stmt.query_map(chains, |r| {
        Ok(format!(
            "ticket {} : marqué en retard (phase {}, complément {}) hors de souk : aucune entrée du journal ne l'a \
             enregistré ainsi",
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?
        ))
    })?;
    out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    let mut stmt = conn.prepare(&format!(
        "SELECT k.subject, k.chain, k.seq, k.detail FROM journal k
         WHERE k.kind = 'late_sale' AND k.chain IN (?1, ?2) AND NOT EXISTS (
           SELECT 1 FROM late_tickets l WHERE l.ticket_id = k.subject AND k.detail = {LATE_DETAIL_SQL})
         ORDER BY k.chain, k.seq LIMIT 20"
    ))?;
    let rows = stmt.query_map(chains, |r| {
        Ok(format!(
            "ticket {} : entrée {} n°{} du journal « {} », mais le ticket n'est plus marqué ainsi (modifié hors de souk)",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?
        ))
    })?;
    out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    Ok(out)
}
