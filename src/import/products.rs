//! Import of products (add or update by code); a price change is journalled.
use super::catalogue::{code, unique};
use super::reader::{Cursor, Table, finish, refused_lines};
use super::summary::{Change, Counts};
use crate::domain::JournalKind;
use crate::domain::Product;
use crate::domain::labels;
use crate::domain::parse::{amount, rate};
use crate::storage::catalogue as store;
use anyhow::Result;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};

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

pub fn products(conn: &Connection, t: &Table, counts: &mut Counts) -> Result<()> {
    t.require(PRODUCT_COLUMNS)?;
    let exhibitors: BTreeSet<String> = store::exhibitors(conn)?
        .into_iter()
        .map(|e| e.code)
        .collect();
    let old: HashMap<String, Product> = store::products(conn)?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let barcode_owner: HashMap<&str, &str> = old
        .values()
        .filter_map(|p| p.barcode.as_deref().map(|b| (b, p.code.as_str())))
        .collect();
    let n = t.rows.len();
    let (mut issues, mut seen, mut barcodes, mut out) = (
        Vec::new(),
        HashMap::with_capacity(n),
        HashMap::with_capacity(n),
        Vec::with_capacity(n),
    );
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        let Some(p) = product(&mut c, &exhibitors) else {
            continue;
        };
        unique(&mut seen, &mut c, "code", &p.code);
        if let Some(b) = &p.barcode {
            unique(&mut barcodes, &mut c, "barcode", b);
            if let Some(owner) = barcode_owner
                .get(b.as_str())
                .filter(|owner| **owner != p.code && !seen.contains_key(**owner))
            {
                c.issue(
                    "barcode",
                    format!("code-barres {b} déjà porté par le produit {owner}"),
                );
            }
        }
        let change = counts.count(old.get(&p.code), &p);
        out.push((p, change));
    }
    counts.refused = refused_lines(&issues);
    finish(t, issues)?;
    let mut changes = Vec::new();
    for (p, change) in &out {
        if !change.writes() {
            continue;
        }
        if let Some(o) = old.get(&p.code).filter(|o| o.price != p.price) {
            changes.push(format!("{} {} → {}", p.code, o.price, p.price));
        }
        if *change == Change::Added {
            store::insert_product(conn, p)?;
        } else {
            store::upsert_product(conn, p)?;
        }
    }
    journal_price_changes(conn, &t.file, &changes)
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
    let unit = c.parse("unit", labels::unit);
    let price = c.parse("price", |s| {
        amount(s).and_then(|d| crate::domain::bounds::check_amount("prix", d).map(|_| d))
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
    let chain = crate::storage::identity::own_chain(conn)?;
    let entry = crate::storage::journal::NewEntry {
        chain: &chain,
        kind: JournalKind::PriceChange,
        actor: "import",
        subject: file,
        detail: &detail,
        approver: "",
        amount: 0,
    };
    crate::storage::journal::append(conn, &at, &entry)?;
    Ok(())
}
