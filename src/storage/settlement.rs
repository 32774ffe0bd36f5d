//! Reading what a settlement needs: sums of the stored per-ticket shares, an index-only scan.
use crate::domain::settlement::ShareSums;
use crate::domain::{ByMethod, Collector};
use anyhow::Result;
use rusqlite::Connection;
use std::collections::BTreeMap;

/// Which tickets of a phase a settlement covers: those merged in time, or the late ones of one complement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Phase,
    Complement(u32),
    /// Every ticket of the phase, late ones included (the region's figures).
    Whole,
}

impl Scope {
    /// The condition on `shares` (aliased `s`), with `?1` the phase and `?2` the complement number. A phase
    /// without late tickets (nearly always) keeps the index-only scan.
    fn filter(self, conn: &Connection, phase: u32) -> Result<&'static str> {
        Ok(match self {
            Scope::Whole => "1",
            Scope::Phase if !has_late(conn, phase)? => "1",
            Scope::Phase => {
                "s.ticket_id NOT IN (SELECT ticket_id FROM late_tickets WHERE phase = ?1)"
            }
            Scope::Complement(_) => {
                "s.ticket_id IN (SELECT ticket_id FROM late_tickets WHERE phase = ?1 AND complement = ?2)"
            }
        })
    }
    fn number(self) -> u32 {
        match self {
            Scope::Phase | Scope::Whole => 0,
            Scope::Complement(n) => n,
        }
    }
}

fn has_late(conn: &Connection, phase: u32) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM late_tickets WHERE phase = ?1)")?
        .query_row([phase], |r| r.get(0))?)
}

/// Sums per exhibitor over one phase.
pub fn phase_sums(conn: &Connection, phase: u32) -> Result<BTreeMap<String, ShareSums>> {
    scope_sums(conn, phase, Scope::Phase)
}

/// Sums per exhibitor over the tickets of a phase in `scope`. Grouped by SQLite (an index-only scan); where a
/// group's sum does not fit 64 bits (rows stored before the bounds existed), summed again row by row in 128 bits.
pub fn scope_sums(
    conn: &Connection,
    phase: u32,
    scope: Scope,
) -> Result<BTreeMap<String, ShareSums>> {
    let filter = scope.filter(conn, phase)?;
    let grouped = format!(
        "SELECT exhibitor_code, is_refund, collector, COUNT(*), SUM(net), SUM(cash), SUM(card), SUM(mobile), SUM(other)
         FROM shares s WHERE phase = ?1 AND ?2 = ?2 AND {filter} GROUP BY exhibitor_code, is_refund, collector"
    );
    match sums_by(conn, &grouped, phase, scope) {
        Err(e) if is_overflow(&e) => {
            let rows = format!(
                "SELECT exhibitor_code, is_refund, collector, 1, net, cash, card, mobile, other
                 FROM shares s WHERE phase = ?1 AND ?2 = ?2 AND {filter}"
            );
            sums_by(conn, &rows, phase, scope).map_err(Into::into)
        }
        r => r.map_err(Into::into),
    }
}

fn is_overflow(e: &rusqlite::Error) -> bool {
    e.to_string().contains("integer overflow")
}

fn sums_by(
    conn: &Connection,
    sql: &str,
    phase: u32,
    scope: Scope,
) -> rusqlite::Result<BTreeMap<String, ShareSums>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut out: BTreeMap<String, ShareSums> = BTreeMap::new();
    let mut rows = stmt.query(rusqlite::params![phase, scope.number()])?;
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let is_refund: bool = r.get(1)?;
        let collector: Collector = r.get(2)?;
        let count: i64 = r.get(3)?;
        let sums = out.entry(code).or_default();
        let before = sums.tickets;
        sums.add(
            is_refund,
            collector,
            r.get(4)?,
            ByMethod::try_from_fn(|m| r.get(5 + m as usize))?,
        );
        // `add` counts one ticket per call; a grouped row stands for `count` tickets.
        if !is_refund {
            sums.tickets = before + count as u64;
        }
    }
    Ok(out)
}

/// Sale tickets of a phase in `scope`, each counted once however many exhibitors it has.
pub fn scope_tickets(conn: &Connection, phase: u32, scope: Scope) -> Result<u64> {
    // Read in the table's own order (by ticket): grouping needs no sort, where the settlement index would
    // need a temporary b-tree of every ticket id (several times slower on a million lines).
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT ticket_id FROM shares s
         WHERE +phase = ?1 AND ?2 = ?2 AND is_refund = 0 AND {} GROUP BY ticket_id)",
        scope.filter(conn, phase)?
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params![phase, scope.number()], |r| {
            r.get::<_, i64>(0)
        })? as u64)
}

/// Calls `visit` once per sale ticket of a phase in `scope` with the codes of its exhibitors.
pub fn each_ticket_exhibitors(
    conn: &Connection,
    phase: u32,
    scope: Scope,
    mut visit: impl FnMut(&[String]),
) -> Result<()> {
    let sql = format!(
        "SELECT ticket_id, exhibitor_code FROM shares s
         WHERE +phase = ?1 AND ?2 = ?2 AND is_refund = 0 AND {} ORDER BY ticket_id",
        scope.filter(conn, phase)?
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params![phase, scope.number()])?;
    let (mut current, mut codes): (Option<String>, Vec<String>) = (None, Vec::new());
    while let Some(r) = rows.next()? {
        let ticket: String = r.get(0)?;
        if current.as_deref() != Some(ticket.as_str()) {
            if current.is_some() {
                visit(&codes);
            }
            codes.clear();
            current = Some(ticket);
        }
        codes.push(r.get(1)?);
    }
    if current.is_some() {
        visit(&codes);
    }
    Ok(())
}

/// One exhibitor's takings on one day (sale tickets count, signed sums).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaySums {
    pub date: String,
    pub exhibitor_code: String,
    pub tickets: u64,
    pub gross: i64,
    pub refunds: i64,
    pub by_method: ByMethod<i64>,
}

impl DaySums {
    pub fn net(&self) -> i64 {
        self.gross - self.refunds
    }
}

fn day_rows(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<DaySums>> {
    let read = || -> rusqlite::Result<Option<Vec<DaySums>>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out: Vec<DaySums> = Vec::new();
        while let Some(r) = rows.next()? {
            let (date, code): (String, String) = (r.get(0)?, r.get(1)?);
            if out
                .last()
                .is_none_or(|d| d.date != date || d.exhibitor_code != code)
            {
                out.push(DaySums {
                    date,
                    exhibitor_code: code,
                    ..Default::default()
                });
            }
            let d = out.last_mut().expect("pushed above");
            let (is_refund, count, net): (bool, i64, i64) = (r.get(2)?, r.get(3)?, r.get(4)?);
            let summed = if is_refund {
                d.refunds.checked_sub(net).map(|v| d.refunds = v)
            } else {
                d.tickets += count as u64;
                d.gross.checked_add(net).map(|v| d.gross = v)
            };
            let mut ok = summed.is_some() && d.gross.checked_sub(d.refunds).is_some();
            for m in crate::domain::PaymentMethod::ALL {
                match d.by_method[m].checked_add(r.get::<_, i64>(5 + m as usize)?) {
                    Some(v) => d.by_method[m] = v,
                    None => ok = false,
                }
            }
            if !ok {
                return Ok(None);
            }
        }
        Ok(Some(out))
    };
    match read() {
        Ok(Some(out)) => Ok(out),
        Ok(None) => Err(overflowed(conn)),
        Err(e) if is_overflow(&e) => Err(overflowed(conn)),
        Err(e) => Err(e.into()),
    }
}

/// A sum that 64 bits cannot hold names the tickets beyond the bounds (stored before the bounds existed) instead
/// of SQLite's bare "integer overflow"; other days, phases and tills are not concerned.
fn overflowed(conn: &Connection) -> anyhow::Error {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM tickets WHERE total > 100000000 OR total < -100000000 ORDER BY id LIMIT 6")
        .and_then(|mut st| {
            st.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        })
        .unwrap_or_default();
    let named = if ids.is_empty() {
        String::new()
    } else {
        format!(" : {}", ids.join(", "))
    };
    anyhow::anyhow!(
        "dépassement de capacité en additionnant les ventes de ce jour : des tickets au-delà des bornes \
         (1.000.000 DH), enregistrés avant qu'elles existent, ne s'additionnent pas{named}. Les autres jours, \
         phases et caisses ne sont pas concernés ; le règlement de la phase reste calculable"
    )
}

/// Daily breakdown of a phase, per exhibitor and day.
pub fn phase_days(conn: &Connection, phase: u32) -> Result<Vec<DaySums>> {
    scope_days(conn, phase, Scope::Phase)
}

pub fn scope_days(conn: &Connection, phase: u32, scope: Scope) -> Result<Vec<DaySums>> {
    day_rows(
        conn,
        &format!(
            "SELECT local_date, exhibitor_code, is_refund, COUNT(*), SUM(net), SUM(cash), SUM(card), SUM(mobile), SUM(other)
             FROM shares s WHERE phase = ?1 AND ?2 = ?2 AND {} GROUP BY local_date, exhibitor_code, is_refund
             ORDER BY local_date, exhibitor_code",
            scope.filter(conn, phase)?
        ),
        &[&phase, &scope.number()],
    )
}

/// One day's takings per exhibitor, all tills or one.
pub fn day(conn: &Connection, date: &str, till: Option<&str>) -> Result<Vec<DaySums>> {
    day_rows(
        conn,
        "SELECT local_date, exhibitor_code, is_refund, COUNT(*), SUM(net), SUM(cash), SUM(card), SUM(mobile), SUM(other)
         FROM shares WHERE local_date = ?1 AND (?2 IS NULL OR till = ?2)
         GROUP BY local_date, exhibitor_code, is_refund ORDER BY exhibitor_code",
        &[&date, &till],
    )
}

/// Sale tickets of one day (all tills or one), each counted once however many exhibitors it has.
pub fn day_tickets(conn: &Connection, date: &str, till: Option<&str>) -> Result<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(DISTINCT ticket_id) FROM shares
             WHERE local_date = ?1 AND (?2 IS NULL OR till = ?2) AND is_refund = 0",
        )?
        .query_row(rusqlite::params![date, till], |r| r.get::<_, i64>(0))? as u64)
}

/// Exhibitors listed in a phase's settlement: the phase's members, and anyone with a ticket in it
/// (e.g. a refund, in this phase, of a sale made in an earlier one).
pub fn phase_exhibitors(conn: &Connection, phase: u32) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT exhibitor_code FROM exhibitor_phases WHERE phase = ?1
         UNION SELECT DISTINCT exhibitor_code FROM shares WHERE phase = ?1 ORDER BY 1",
    )?;
    let rows = stmt.query_map([phase], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The exhibitors of a settlement, as `phase_exhibitors` lists them. When every share of the phase is in the
/// sums (a phase without late tickets), those who sold are the sums' keys: no second pass over the shares.
fn scope_exhibitors(
    conn: &Connection,
    phase: u32,
    scope: Scope,
    sums: &BTreeMap<String, ShareSums>,
) -> Result<Vec<String>> {
    let partial = match scope {
        Scope::Whole => false,
        Scope::Complement(_) => true,
        Scope::Phase => has_late(conn, phase)?,
    };
    if partial {
        return phase_exhibitors(conn, phase);
    }
    let mut stmt =
        conn.prepare_cached("SELECT exhibitor_code FROM exhibitor_phases WHERE phase = ?1")?;
    let mut codes: std::collections::BTreeSet<String> = stmt
        .query_map([phase], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    codes.extend(sums.keys().cloned());
    Ok(codes.into_iter().collect())
}

/// The settlement of a phase: one row per exhibitor of the phase (sales or not), ordered by code.
/// A closed phase answers from the settlement stored when it closed.
pub fn settle_phase(
    conn: &Connection,
    phase: u32,
) -> Result<Vec<crate::domain::settlement::SettlementFigures>> {
    if let Some(json) = closed_snapshot(conn, phase)? {
        return Ok(serde_json::from_str(&json)?);
    }
    compute_phase(conn, phase)
}

fn closed_snapshot(conn: &Connection, phase: u32) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT settlement_json FROM phases WHERE number = ?1 AND closed_at IS NOT NULL",
        )?
        .query_row([phase], |r| r.get(0))
        .optional()?
        .flatten())
}

/// The settlement computed from the stored shares.
pub fn compute_phase(
    conn: &Connection,
    phase: u32,
) -> Result<Vec<crate::domain::settlement::SettlementFigures>> {
    compute_scope(conn, phase, Scope::Phase)
}

/// The settlement of a scope: a complement has the same rows and formula, with no stall fee.
pub fn compute_scope(
    conn: &Connection,
    phase: u32,
    scope: Scope,
) -> Result<Vec<crate::domain::settlement::SettlementFigures>> {
    let sums = scope_sums(conn, phase, scope)?;
    let exhibitors: std::collections::HashMap<String, crate::domain::Exhibitor> =
        super::catalogue::exhibitors(conn)?
            .into_iter()
            .map(|e| (e.code.clone(), e))
            .collect();
    let rates = match scope {
        Scope::Complement(_) => closed_rates(conn, phase)?,
        Scope::Phase | Scope::Whole => Default::default(),
    };
    let mut out = Vec::new();
    for code in scope_exhibitors(conn, phase, scope, &sums)? {
        let ex = exhibitors
            .get(&code)
            .cloned()
            .unwrap_or_else(|| crate::domain::Exhibitor {
                code: code.clone(),
                name: code.clone(),
                kind: String::new(),
                ice: None,
                phone: None,
                commission_rate: rust_decimal::Decimal::ZERO,
                stall_fee: rust_decimal::Decimal::ZERO,
                phases: vec![],
                province: None,
                sector: None,
                women_led: None,
            });
        let mut ex = ex;
        if scope != Scope::Phase {
            ex.stall_fee = rust_decimal::Decimal::ZERO;
        }
        if let Some(rate) = rates.get(&code) {
            ex.commission_rate = *rate;
        }
        let s = sums.get(&code).cloned().unwrap_or_default();
        out.push(crate::domain::settlement::settle(&ex, &s));
    }
    Ok(out)
}

/// The commission rate each exhibitor's row of the phase's closed settlement used: a complement of the phase
/// charges the rates in force at its close, not rates imported since for later phases. An exhibitor absent
/// from that settlement (made a member of the phase after it closed) keeps its current rate.
fn closed_rates(
    conn: &Connection,
    phase: u32,
) -> Result<std::collections::HashMap<String, rust_decimal::Decimal>> {
    let Some(json) = closed_snapshot(conn, phase)? else {
        return Ok(Default::default());
    };
    let rows: Vec<crate::domain::settlement::SettlementFigures> = serde_json::from_str(&json)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.exhibitor_code, r.commission_rate))
        .collect())
}

/// One exhibitor's takings on one day (a cooperative checking its own figures at the stall).
pub fn exhibitor_day(conn: &Connection, date: &str, exhibitor: &str) -> Result<DaySums> {
    let rows = day_rows(
        conn,
        "SELECT local_date, exhibitor_code, is_refund, COUNT(*), SUM(net), SUM(cash), SUM(card), SUM(mobile), SUM(other)
         FROM shares WHERE local_date = ?1 AND exhibitor_code = ?2 GROUP BY local_date, exhibitor_code, is_refund",
        &[&date, &exhibitor],
    )?;
    Ok(rows.into_iter().next().unwrap_or(DaySums {
        date: date.into(),
        exhibitor_code: exhibitor.into(),
        ..Default::default()
    }))
}

#[cfg(test)]
mod tests {
    use crate::storage::Db;

    /// Sums beyond 64 bits (shares stored before the bounds existed): the phase is still settled, exactly, in 128
    /// bits; a day's takings (64-bit figures) name the tickets beyond the bounds.
    #[test]
    fn an_overflowing_sum_still_settles_and_a_day_names_what_overflowed() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::create(&dir.path().join("m.db")).unwrap();
        let m = i64::MAX / 2 + 1;
        db.conn()
            .execute_batch(&format!(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO tickets (id, chain, till, number, kind, at_utc, utc_offset, local_date, phase, cashier,
                   manual, total, journal_seq)
                   VALUES ('T01-000001', 'T01', 'T01', 1, 'sale', '2025-08-07T09:00:00Z', 3600, '2025-08-07', 1, 'A', 0, {m}, 1);
                 INSERT INTO shares VALUES ('T01-000001', 'E1', 1, '2025-08-07', 'T01', 'organiser', 0, {m}, {m}, 0, 0, 0);
                 INSERT INTO shares VALUES ('B', 'E1', 1, '2025-08-07', 'T02', 'organiser', 0, {m}, {m}, 0, 0, 0);
                 INSERT INTO shares VALUES ('C', 'E1', 2, '2025-08-12', 'T02', 'organiser', 0, 500, 500, 0, 0, 0);"
            ))
            .unwrap();
        let sums = super::phase_sums(db.conn(), 1).unwrap();
        assert_eq!(sums["E1"].gross, 2 * m as i128);
        assert_eq!(sums["E1"].tickets, 2);
        let e = super::day(db.conn(), "2025-08-07", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("dépassement de capacité") && e.contains("T01-000001"),
            "{e}"
        );
        // Another day, another phase: not concerned.
        assert_eq!(
            super::day(db.conn(), "2025-08-12", None).unwrap()[0].gross,
            500
        );
        assert_eq!(super::phase_sums(db.conn(), 2).unwrap()["E1"].gross, 500);
    }
}
