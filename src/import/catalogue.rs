//! Imports of phases, tills, exhibitors and products (add or update by code).
use super::ImportSummary;
use super::reader::{Cursor, Table, finish, single};
use crate::domain::money::{parse_amount, to_centimes};
use crate::domain::{Collector, Exhibitor, Phase, Product, Unit};
use crate::storage::catalogue as store;
use anyhow::Result;
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

fn date(s: &str) -> Result<jiff::civil::Date, String> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| format!("« {s} » : date attendue AAAA-MM-JJ"))
}

fn rate(s: &str) -> Result<Decimal, String> {
    if s.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let d: Decimal = s
        .parse()
        .ok()
        .filter(|_| s.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("« {s} » : taux attendu entre 0 et 1 (0.05 = 5 %)"))?;
    if d > Decimal::ONE {
        return Err(format!(
            "« {s} » : taux supérieur à 1 (écrire 0.05 pour 5 %)"
        ));
    }
    if d.normalize().scale() > 4 {
        return Err(format!("« {s} » : au plus 4 décimales"));
    }
    Ok(d.normalize())
}

fn amount(s: &str) -> Result<Decimal, String> {
    parse_amount(s).map_err(|e| e.to_string())
}

fn code(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then(|| s.to_string())
        .ok_or_else(|| format!("« {s} » : code attendu (lettres, chiffres, - _ .)"))
}

/// Records a duplicate key inside the file; the first occurrence is named.
fn unique(seen: &mut HashMap<String, u64>, c: &mut Cursor, field: &str, key: &str) {
    if let Some(first) = seen.insert(key.to_string(), c.row.line) {
        c.issue(field, format!("« {key} » en double (déjà ligne {first})"));
    }
}

pub fn phases(conn: &Connection, t: &Table) -> Result<ImportSummary> {
    t.require(&["number", "name", "starts", "ends"])?;
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
        let starts = c.parse("starts", date);
        let ends = c.parse("ends", date);
        if let Some(n) = number {
            unique(&mut seen, &mut c, "number", &n.to_string());
        }
        if let (Some(number), Some(name), Some(starts), Some(ends)) = (number, name, starts, ends) {
            if ends < starts {
                c.issue(
                    "ends",
                    format!("la phase finit ({ends}) avant de commencer ({starts})"),
                );
            }
            out.push((
                row.line,
                Phase {
                    number,
                    name,
                    starts,
                    ends,
                    closed: false,
                },
            ));
        }
    }
    finish(t, issues)?;
    check_overlaps(conn, t, &out)?;
    for (line, p) in &out {
        store::upsert_phase(conn, p).map_err(|e| single(t, *line, 1, "number", e.to_string()))?;
    }
    Ok(ImportSummary {
        rows: out.len(),
        tickets: 0,
    })
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

pub fn tills(conn: &Connection, t: &Table) -> Result<ImportSummary> {
    t.require(&["id", "name", "collector"])?;
    let (mut issues, mut seen, mut out) = (Vec::new(), HashMap::new(), Vec::new());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        let id = c.parse("id", |s| {
            code(s)
                .and_then(|id| crate::storage::identity::till_id_problem(&id).map_or(Ok(id), Err))
        });
        let name = c.required("name");
        let collector = c.parse("collector", |s| s.parse::<Collector>());
        if let Some(id) = &id {
            unique(&mut seen, &mut c, "id", id);
        }
        if let (Some(id), Some(name), Some(collector)) = (id, name, collector) {
            out.push(crate::domain::Till {
                id,
                name,
                collector,
            });
        }
    }
    finish(t, issues)?;
    for till in &out {
        store::upsert_till(conn, till)?;
    }
    Ok(ImportSummary {
        rows: out.len(),
        tickets: 0,
    })
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

pub fn exhibitors(conn: &Connection, t: &Table) -> Result<ImportSummary> {
    t.require(EXHIBITOR_COLUMNS)?;
    let known: BTreeSet<u32> = store::phases(conn)?.iter().map(|p| p.number).collect();
    let (mut issues, mut seen, mut out) = (Vec::new(), HashMap::new(), Vec::new());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        if let Some(e) = exhibitor(&mut c, &known) {
            unique(&mut seen, &mut c, "code", &e.code);
            out.push(e);
        }
    }
    finish(t, issues)?;
    for e in &out {
        store::upsert_exhibitor(conn, e)?;
    }
    Ok(ImportSummary {
        rows: out.len(),
        tickets: 0,
    })
}

fn exhibitor(c: &mut Cursor, known: &BTreeSet<u32>) -> Option<Exhibitor> {
    let code = c.parse("code", code);
    let name = c.required("name");
    let ice = c.parse("ice", |s| {
        (s.is_empty() || (s.len() == 15 && s.chars().all(|ch| ch.is_ascii_digit())))
            .then(|| Some(s.to_string()).filter(|s| !s.is_empty()))
            .ok_or(format!("« {s} » : l'ICE a 15 chiffres"))
    });
    let commission_rate = c.parse("commission_rate", rate);
    let stall_fee = c.parse("stall_fee", |s| {
        if s.is_empty() {
            Ok(Decimal::ZERO)
        } else {
            amount(s)
        }
    });
    let phases = c.parse("phases", |s| parse_phases(s, known));
    let women_led = c.parse("women_led", |s| match s.to_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "oui" => Ok(Some(true)),
        "no" | "non" => Ok(Some(false)),
        _ => Err(format!("« {s} » : attendu yes ou no")),
    });
    Some(Exhibitor {
        code: code?,
        name: name?,
        kind: c.get("kind").to_string(),
        ice: ice?,
        phone: c.opt("phone"),
        commission_rate: commission_rate?,
        stall_fee: stall_fee?,
        phases: phases?,
        province: c.opt("province"),
        sector: c.opt("sector"),
        women_led: women_led?,
    })
}

fn parse_phases(s: &str, known: &BTreeSet<u32>) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
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

const PRODUCT_COLUMNS: &[&str] = &[
    "exhibitor_code",
    "code",
    "barcode",
    "name_fr",
    "name_ar",
    "unit",
    "price",
    "vat_rate",
];

pub fn products(conn: &Connection, t: &Table) -> Result<ImportSummary> {
    t.require(PRODUCT_COLUMNS)?;
    let exhibitors: BTreeSet<String> = store::exhibitors(conn)?
        .into_iter()
        .map(|e| e.code)
        .collect();
    let existing: HashMap<String, String> = store::products(conn)?
        .into_iter()
        .filter_map(|p| p.barcode.map(|b| (b, p.code)))
        .collect();
    let (mut issues, mut seen, mut barcodes, mut out) =
        (Vec::new(), HashMap::new(), HashMap::new(), Vec::new());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        let Some(p) = product(&mut c, &exhibitors) else {
            continue;
        };
        unique(&mut seen, &mut c, "code", &p.code);
        if let Some(b) = &p.barcode {
            unique(&mut barcodes, &mut c, "barcode", b);
            if existing
                .get(b)
                .is_some_and(|owner| *owner != p.code && !seen.contains_key(owner))
            {
                c.issue(
                    "barcode",
                    format!("code-barres {b} déjà porté par le produit {}", existing[b]),
                );
            }
        }
        out.push(p);
    }
    finish(t, issues)?;
    let old_prices: HashMap<String, Decimal> = store::products(conn)?
        .into_iter()
        .map(|p| (p.code, p.price))
        .collect();
    let mut changes = Vec::new();
    for p in &out {
        if let Some(old) = old_prices.get(&p.code).filter(|old| **old != p.price) {
            changes.push(format!("{} {} → {}", p.code, old, p.price));
        }
        store::upsert_product(conn, p)?;
    }
    journal_price_changes(conn, &t.file, &changes)?;
    Ok(ImportSummary {
        rows: out.len(),
        tickets: 0,
    })
}

fn product(c: &mut Cursor, exhibitors: &BTreeSet<String>) -> Option<Product> {
    let exhibitor_code = c.parse("exhibitor_code", |s| {
        exhibitors.contains(s).then(|| s.to_string()).ok_or(format!(
            "exposant « {s} » inconnu (importez les exposants d'abord)"
        ))
    });
    let code = c.parse("code", code);
    let barcode = c.parse("barcode", |s| {
        (s.is_empty() || (s.len() <= 32 && s.chars().all(|ch| ch.is_ascii_digit())))
            .then(|| Some(s.to_string()).filter(|s| !s.is_empty()))
            .ok_or(format!("« {s} » : code-barres attendu en chiffres"))
    });
    let name_fr = c.required("name_fr");
    let unit = c.parse("unit", |s| s.parse::<Unit>());
    let price = c.parse("price", |s| {
        amount(s)
            .and_then(|d| crate::domain::bounds::check_amount("prix", d).map(|_| d))
            .and_then(|d| to_centimes(d).map(|_| d).map_err(|e| e.to_string()))
    });
    let vat_rate = c.parse("vat_rate", rate);
    Some(Product {
        code: code?,
        exhibitor_code: exhibitor_code?,
        barcode: barcode?,
        name_fr: name_fr?,
        name_ar: c.opt("name_ar"),
        unit: unit?,
        price: price?,
        vat_rate: vat_rate?,
    })
}

/// A price change is journalled, so that a receipt's price can always be traced to the catalogue of its day.
fn journal_price_changes(conn: &Connection, file: &str, changes: &[String]) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let at = crate::storage::Clock::market()?.now()?;
    let detail = changes.join(" ; ");
    let entry = crate::storage::journal::NewEntry {
        chain: crate::storage::ORG_CHAIN,
        kind: "price_change",
        actor: "import",
        subject: file,
        detail: &detail,
        ..Default::default()
    };
    crate::storage::journal::append(conn, &at, &entry)?;
    Ok(())
}
