//! Imports of phases, tills and exhibitors (add or update by code; unchanged rows are not written).
use super::codes::{Known, Seen};
use super::reader::{Cursor, Table, finish, refused_lines, single};
use super::summary::Counts;
use crate::domain::labels;
use crate::domain::parse::{amount, parse_date, rate};
use crate::domain::{Exhibitor, Phase, Till};
use crate::storage::catalogue as store;
use anyhow::Result;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

pub(super) fn code(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then(|| s.to_string())
        .ok_or_else(|| format!("« {s} » : code attendu (lettres, chiffres, - _ .)"))
}

/// Records a duplicate key inside the file; the first occurrence is named.
pub(super) fn unique(seen: &mut HashMap<String, u64>, c: &mut Cursor, field: &str, key: &str) {
    if let Some(first) = seen.insert(key.to_string(), c.row.line) {
        c.issue(field, format!("« {key} » en double (déjà ligne {first})"));
    }
}

pub fn phases(conn: &Connection, t: &Table, counts: &mut Counts) -> Result<()> {
    t.require(&["number", "name", "starts", "ends"])?;
    let old: HashMap<u32, Phase> = store::phases(conn)?
        .into_iter()
        .map(|p| (p.number, p))
        .collect();
    let (mut issues, mut seen, mut out) = (Vec::new(), HashMap::new(), Vec::new());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        let number = c.parse("number", |s| {
            s.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("« {s} » : numéro de phase attendu (1, 2…)"))
        });
        let name = c.required("name");
        let starts = c.parse("starts", parse_date);
        let ends = c.parse("ends", parse_date);
        if let Some(n) = number {
            unique(&mut seen, &mut c, "number", &n.to_string());
        }
        if let (Some(number), Some(name), Some(starts), Some(ends)) = (number, name, starts, ends) {
            if ends < starts {
                c.issue(
                    "ends",
                    format!(
                        "la phase finit ({}) avant de commencer ({})",
                        ends.strftime("%d/%m/%Y"),
                        starts.strftime("%d/%m/%Y")
                    ),
                );
            }
            let closed = old.get(&number).is_some_and(|p| p.closed);
            let p = Phase {
                number,
                name,
                starts,
                ends,
                closed,
            };
            let change = counts.count(old.get(&number), &p);
            out.push((row.line, p, change));
        }
    }
    counts.refused = refused_lines(&issues);
    finish(t, issues)?;
    let lines: Vec<(u64, Phase)> = out.iter().map(|(l, p, _)| (*l, p.clone())).collect();
    check_overlaps(conn, t, &lines)?;
    for (line, p, change) in &out {
        if change.writes() {
            store::upsert_phase(conn, p)
                .map_err(|e| single(t, *line, 1, "number", e.to_string()))?;
        }
    }
    Ok(())
}

fn check_overlaps(conn: &Connection, t: &Table, new: &[(u64, Phase)]) -> Result<()> {
    let mut all: Vec<(Option<u64>, Phase)> = store::phases(conn)?
        .into_iter()
        .filter(|p| !new.iter().any(|(_, n)| n.number == p.number))
        .map(|p| (None, p))
        .collect();
    all.extend(new.iter().map(|(l, p)| (Some(*l), p.clone())));
    for (i, (la, a)) in all.iter().enumerate() {
        for (lb, b) in &all[i + 1..] {
            if a.starts <= b.ends && b.starts <= a.ends {
                let line = lb.or(*la).unwrap_or(0);
                let msg = format!("les phases {} et {} se chevauchent", a.number, b.number);
                return Err(single(t, line, 3, "starts", msg).into());
            }
        }
    }
    Ok(())
}

pub fn tills(conn: &Connection, t: &Table, counts: &mut Counts) -> Result<()> {
    t.require(&["id", "name", "collector"])?;
    let old: HashMap<String, Till> = store::tills(conn)?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    let (mut issues, mut seen, mut out) = (Vec::new(), HashMap::new(), Vec::new());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        let id = c.parse("id", |s| {
            code(s)
                .and_then(|id| crate::storage::identity::till_id_problem(&id).map_or(Ok(id), Err))
        });
        let name = c.required("name");
        let collector = c.parse("collector", labels::collector);
        if let Some(id) = &id {
            unique(&mut seen, &mut c, "id", id);
        }
        if let (Some(id), Some(name), Some(collector)) = (id, name, collector) {
            let till = Till {
                id,
                name,
                collector,
            };
            let change = counts.count(old.get(&till.id), &till);
            out.push((till, change));
        }
    }
    counts.refused = refused_lines(&issues);
    finish(t, issues)?;
    for (till, change) in &out {
        if change.writes() {
            store::upsert_till(conn, till)?;
        }
    }
    Ok(())
}

const EXHIBITOR_COLUMNS: &[&str] = &[
    "code",
    "name",
    "kind",
    "ice",
    "phone",
    "commission_rate",
    "stall_fee",
    "phases",
];

pub fn exhibitors(conn: &Connection, t: &Table, counts: &mut Counts) -> Result<()> {
    t.require(EXHIBITOR_COLUMNS)?;
    let known: BTreeSet<u32> = store::phases(conn)?.iter().map(|p| p.number).collect();
    let old: Known<Exhibitor> = Known::new(
        store::exhibitors(conn)?
            .into_iter()
            .map(|e| (e.code.clone(), e))
            .collect(),
    );
    let (mut issues, mut seen, mut out) = (Vec::new(), Seen::default(), Vec::new());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        if let Some(mut e) = exhibitor(&mut c, &known) {
            match old.resolve(&e.code) {
                Ok(Some((code, _))) => e.code = code.to_string(),
                Ok(None) => {}
                Err(m) => c.issue("code", m),
            }
            if let Err(m) = seen.insert(&e.code, row.line) {
                c.issue("code", m);
            }
            let change = counts.count(old.exact.get(&e.code), &e);
            out.push((e, change));
        }
    }
    counts.refused = refused_lines(&issues);
    finish(t, issues)?;
    for (e, change) in &out {
        if change.writes() {
            store::upsert_exhibitor(conn, e)?;
        }
    }
    Ok(())
}

/// Digits that a number cell stored without their leading zeros get them back (`7313275406246` → 15 digits).
fn zero_padded(c: &Cursor, field: &str, s: &str, width: usize) -> String {
    if c.is_number(field) && s.len() < width && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("{s:0>width$}")
    } else {
        s.to_string()
    }
}

fn exhibitor(c: &mut Cursor, known: &BTreeSet<u32>) -> Option<Exhibitor> {
    let code = c.parse("code", code);
    let name = c.required("name");
    let ice_text = zero_padded(c, "ice", c.get("ice"), 15);
    let ice = c.parse("ice", |_| {
        let s = ice_text.as_str();
        (s.is_empty() || (s.len() == 15 && s.chars().all(|ch| ch.is_ascii_digit())))
            .then(|| Some(s.to_string()).filter(|s| !s.is_empty()))
            .ok_or(format!("« {s} » : l'ICE a 15 chiffres"))
    });
    let phone = Some(zero_padded(c, "phone", c.get("phone"), 10)).filter(|s| !s.is_empty());
    let commission_rate = c.parse("commission_rate", rate);
    let stall_fee = c.parse("stall_fee", |s| {
        if s.is_empty() {
            Ok(Decimal::ZERO)
        } else {
            amount(s)
        }
    });
    let phases = c.parse("phases", |s| parse_phases(s, known));
    let women_led = c.parse("women_led", labels::yes_no);
    Some(Exhibitor {
        code: code?,
        name: name?,
        kind: labels::kind_code(c.get("kind")),
        ice: ice?,
        phone,
        commission_rate: commission_rate?,
        stall_fee: stall_fee?,
        phases: phases?,
        province: c.opt("province"),
        sector: Some(labels::sector_code(c.get("sector"))).filter(|s| !s.is_empty()),
        women_led: women_led?,
    })
}

/// `1;2`, also `1,2` or `1 2` as spreadsheets and people write lists.
fn parse_phases(s: &str, known: &BTreeSet<u32>) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in s
        .split([';', ',', ' ', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let n: u32 = part
            .parse()
            .map_err(|_| format!("« {part} » : numéro de phase attendu (ex. 1;2)"))?;
        if !known.contains(&n) {
            return Err(format!("phase {n} inconnue (importez les phases d'abord)"));
        }
        out.push(n);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
