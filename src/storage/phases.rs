//! Opening and closing phases. A closed phase is immutable: its settlement and its hash are in the journal.
use super::journal::{self, NewEntry};
use super::{Db, LocalTime, StorageResult, catalogue, settlement};
use crate::domain::JournalKind;
use crate::domain::canonical::settlement_hash;
use anyhow::{Result, anyhow};
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub phase: u32,
    pub settlement_hash: String,
    pub witness: String,
    pub exhibitors: usize,
}

impl Db {
    /// Journals that the organiser opened a phase; a closed phase cannot be reopened.
    pub fn open_phase(&mut self, number: u32, by: &str, at: &LocalTime) -> StorageResult<()> {
        let chain = super::identity::own_chain(self.conn())?;
        let tx = self.write_tx()?;
        let p = catalogue::phase(&tx, number)?.ok_or_else(|| anyhow!("phase {number} inconnue"))?;
        if p.closed {
            crate::refuse!("la phase {number} est clôturée : elle ne peut pas être rouverte");
        }
        let detail = format!("{} du {} au {}", p.name, p.starts, p.ends);
        let subject = format!("phase {number}");
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain: &chain,
                kind: JournalKind::PhaseOpen,
                actor: by,
                subject: &subject,
                detail: &detail,
                approver: "",
                amount: 0,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes a phase: its final settlement's hash and the journal heads go into the journal, and from then on
    /// no sale, refund or import dated in the phase is accepted.
    pub fn close_phase(
        &mut self,
        number: u32,
        by: &str,
        approver: &str,
        at: &LocalTime,
    ) -> StorageResult<Closed> {
        self.close_phase_noting(number, by, approver, at, "")
    }

    /// Closes a phase; `note` (e.g. the tills a forced close went without) is journalled with it.
    pub fn close_phase_noting(
        &mut self,
        number: u32,
        by: &str,
        approver: &str,
        at: &LocalTime,
        note: &str,
    ) -> StorageResult<Closed> {
        let chain = super::identity::own_chain(self.conn())?;
        let tx = self.write_tx()?;
        let p = catalogue::phase(&tx, number)?.ok_or_else(|| anyhow!("phase {number} inconnue"))?;
        if p.closed {
            crate::refuse!("la phase {number} est déjà clôturée");
        }
        let rows = settlement::compute_phase(&tx, number)?;
        let hash = settlement_hash(number, &rows);
        let witness = journal::witness(&tx)?;
        let net: i64 = rows
            .iter()
            .map(|r| crate::domain::canonical::cents(r.net))
            .sum();
        let mut detail = format!(
            "règlement {hash} ; {} exposants ; net {net} ; têtes {witness}",
            rows.len()
        );
        if !note.is_empty() {
            detail.push_str(" ; ");
            detail.push_str(note);
        }
        let subject = format!("phase {number}");
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain: &chain,
                kind: JournalKind::PhaseClose,
                actor: by,
                approver,
                subject: &subject,
                detail: &detail,
                amount: 0,
            },
        )?;
        tx.execute(
            "UPDATE phases SET closed_at = ?2, closed_by = ?3, settlement_hash = ?4, settlement_json = ?5,
             closed_witness = ?6 WHERE number = ?1",
            params![number, at.display_iso(), by, hash, serde_json::to_string(&rows)?, witness],
        )?;
        super::reference::record(&tx, at, by)?;
        tx.commit()?;
        Ok(Closed {
            phase: number,
            settlement_hash: hash,
            witness,
            exhibitors: rows.len(),
        })
    }
}

/// Whether a local date can take sales: in an open phase, in a closed one, or in none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPhase {
    Open(u32),
    Closed(u32),
    Outside,
}

/// The phase of a local date (`YYYY-MM-DD`), as a till must know it before the first line of a basket.
pub fn day_phase(conn: &rusqlite::Connection, local_date: &str) -> Result<DayPhase> {
    use rusqlite::OptionalExtension;
    let found: Option<(u32, Option<String>)> = conn
        .prepare_cached(
            "SELECT number, closed_at FROM phases WHERE starts <= ?1 AND ends >= ?1 ORDER BY number LIMIT 1",
        )?
        .query_row([local_date], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match found {
        None => DayPhase::Outside,
        Some((n, Some(_))) => DayPhase::Closed(n),
        Some((n, None)) => DayPhase::Open(n),
    })
}
