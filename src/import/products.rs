//! Import of products (add or update by code); a price change is journalled.
use super::catalogue::{code, unique};
use super::codes::{Known, Seen};
use super::reader::{Cursor, Row, Table, finish, refused_lines};
use super::summary::{Change, Counts};
use crate::domain::JournalKind;
use crate::domain::Product;
use crate::domain::labels;
use crate::domain::parse::{amount, rate};
use crate::storage::catalogue as store;
use anyhow::Result;
use rusqlite::Connection;
use std::collections::HashMap;

pub(super) const PRODUCT_COLUMNS: &[&str] = &[
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
    let mut check = Checker::new(conn, t.rows.len())?;
    let mut issues = Vec::new();
    let mut out = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let mut c = Cursor::new(t, row, &mut issues);
        out.extend(check.row(&mut c, counts));
    }
    counts.refused = refused_lines(&issues);
    finish(t, issues)?;
    let mut changes = Vec::new();
    for (p, change) in &out {
        write(conn, &check.old.exact, p, *change, &mut changes)?;
    }
    journal_price_changes(conn, &t.file, &changes)
}

/// As [`products`], the rows arriving in batches while a reader thread reads the rest: each row is checked and
/// written as it comes. `Ok(None)` at the first row refused: the caller rolls back and runs [`products`], which
/// names every refusal of the file. Rows read go to `spent`, for the caller to free.
pub fn products_streamed(
    conn: &Connection,
    t: &Table,
    batches: impl Iterator<Item = Vec<Row>>,
    spent: &mut Vec<Vec<Row>>,
    counts: &mut Counts,
) -> Result<Option<usize>> {
    if t.require(PRODUCT_COLUMNS).is_err() {
        return Ok(None);
    }
    let mut check = Checker::new(conn, 0)?;
    let (mut issues, mut changes, mut rows) = (Vec::new(), Vec::new(), 0);
    for batch in batches {
        for row in &batch {
            let mut c = Cursor::new(t, row, &mut issues);
            let checked = check.row(&mut c, counts);
            if !issues.is_empty() {
                return Ok(None);
            }
            if let Some((p, change)) = checked {
                write(conn, &check.old.exact, &p, change, &mut changes)?;
            }
        }
        rows += batch.len();
        spent.push(batch);
    }
    journal_price_changes(conn, &t.file, &changes)?;
    Ok(Some(rows))
}

/// What checking a row needs from the catalogue and from the rows before it.
struct Checker {
    exhibitors: Known<()>,
    old: Known<Product>,
    barcode_owner: HashMap<String, String>,
    seen: Seen,
    barcodes: HashMap<String, u64>,
}

impl Checker {
    fn new(conn: &Connection, rows: usize) -> Result<Checker> {
        let exhibitors = Known::new(
            store::exhibitors(conn)?
                .into_iter()
                .map(|e| (e.code, ()))
                .collect(),
        );
        let old: Known<Product> = Known::new(
            store::products(conn)?
                .into_iter()
                .map(|p| (p.code.clone(), p))
                .collect(),
        );
        let barcode_owner = old
            .exact
            .values()
            .filter_map(|p| p.barcode.clone().map(|b| (b, p.code.clone())))
            .collect();
        Ok(Checker {
            exhibitors,
            old,
            barcode_owner,
            seen: Seen::with_capacity(rows),
            barcodes: HashMap::with_capacity(rows),
        })
    }

    /// The row's product and what importing it changes; issues go to the cursor.
    fn row(&mut self, c: &mut Cursor, counts: &mut Counts) -> Option<(Product, Change)> {
        let mut p = product(c, &self.exhibitors)?;
        match self.old.resolve(&p.code) {
            Ok(Some((code, _))) => p.code = code.to_string(),
            Ok(None) => {}
            Err(m) => c.issue("code", m),
        }
        if let Err(m) = self.seen.insert(&p.code, c.row.line) {
            c.issue("code", m);
        }
        if let Some(b) = &p.barcode {
            unique(&mut self.barcodes, c, "barcode", b);
            if let Some(owner) = self
                .barcode_owner
                .get(b.as_str())
                .filter(|owner| **owner != p.code && !self.seen.contains(owner))
            {
                c.issue(
                    "barcode",
                    format!("code-barres {b} déjà porté par le produit {owner}"),
                );
            }
        }
        let change = counts.count(self.old.exact.get(&p.code), &p);
        Some((p, change))
    }
}

/// Writes a checked product when it changes anything; a price change is noted for the journal.
fn write(
    conn: &Connection,
    old: &HashMap<String, Product>,
    p: &Product,
    change: Change,
    changes: &mut Vec<String>,
) -> Result<()> {
    if !change.writes() {
        return Ok(());
    }
    if let Some(o) = old.get(&p.code).filter(|o| o.price != p.price) {
        changes.push(format!("{} {} → {}", p.code, o.price, p.price));
    }
    if change == Change::Added {
        store::insert_product(conn, p)
    } else {
        store::upsert_product(conn, p)
    }
}

fn product(c: &mut Cursor, exhibitors: &Known<()>) -> Option<Product> {
    let exhibitor_code = c.parse("exhibitor_code", |s| {
        exhibitors
            .resolve(s)?
            .map(|(e, _)| e.to_string())
            .ok_or(format!(
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
