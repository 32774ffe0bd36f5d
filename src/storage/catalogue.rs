//! Reference data in SQLite: market, phases, tills, exhibitors, products.
use crate::domain::labels::{kind_code, sector_code};
use crate::domain::money::{from_centimes, to_centimes};
use crate::domain::{Collector, Exhibitor, Market, Phase, Product, Till};
use anyhow::{Context, Result, anyhow, bail};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;

pub fn insert_market(conn: &Connection, m: &Market, created_at: &str) -> Result<()> {
    let rounding = m.cash_rounding.map(to_centimes).transpose()?;
    conn.execute(
        "INSERT INTO market (id, uuid, name, organiser, city, currency, timezone, cash_rounding, created_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![m.uuid, m.name, m.organiser, m.city, m.currency, m.timezone, rounding, created_at],
    )?;
    Ok(())
}

pub fn market(conn: &Connection) -> Result<Market> {
    conn.query_row(
        "SELECT uuid, name, organiser, city, currency, timezone, cash_rounding FROM market WHERE id = 1",
        [],
        |r| {
            Ok(Market {
                uuid: r.get(0)?,
                name: r.get(1)?,
                organiser: r.get(2)?,
                city: r.get(3)?,
                currency: r.get(4)?,
                timezone: r.get(5)?,
                cash_rounding: r.get::<_, Option<i64>>(6)?.map(from_centimes),
            })
        },
    )
    .optional()?
    .ok_or_else(|| anyhow!("aucun marché dans cette base : lancez « souk init --market NOM »"))
}

pub fn upsert_phase(conn: &Connection, p: &Phase) -> Result<()> {
    if phase(conn, p.number)?.is_some_and(|old| old.closed) {
        bail!(
            "la phase {} est clôturée : elle ne peut plus être modifiée",
            p.number
        );
    }
    conn.prepare_cached(
        "INSERT INTO phases (number, name, starts, ends) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(number) DO UPDATE SET name = excluded.name, starts = excluded.starts, ends = excluded.ends",
    )?
    .execute(params![p.number, p.name, p.starts.to_string(), p.ends.to_string()])?;
    Ok(())
}

fn phase_from_row(r: &rusqlite::Row) -> rusqlite::Result<Phase> {
    let date = |i: usize| -> rusqlite::Result<jiff::civil::Date> {
        let s: String = r.get(i)?;
        s.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    Ok(Phase {
        number: r.get(0)?,
        name: r.get(1)?,
        starts: date(2)?,
        ends: date(3)?,
        closed: r.get::<_, Option<String>>(4)?.is_some(),
    })
}

pub fn phase(conn: &Connection, number: u32) -> Result<Option<Phase>> {
    Ok(conn
        .prepare_cached(
            "SELECT number, name, starts, ends, closed_at FROM phases WHERE number = ?1",
        )?
        .query_row([number], phase_from_row)
        .optional()?)
}

pub fn phases(conn: &Connection) -> Result<Vec<Phase>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, name, starts, ends, closed_at FROM phases ORDER BY number",
    )?;
    let rows = stmt.query_map([], phase_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The open phase containing a local date; a sale dated elsewhere or in a closed phase is refused.
pub fn phase_for_sale(conn: &Connection, local_date: &str) -> Result<u32> {
    let found: Option<(u32, Option<String>)> = conn
        .prepare_cached("SELECT number, closed_at FROM phases WHERE starts <= ?1 AND ends >= ?1 ORDER BY number LIMIT 1")?
        .query_row([local_date], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        None => Err(super::Error::NoPhase {
            date: local_date.into(),
        }
        .into()),
        Some((n, Some(_))) => Err(super::Error::PhaseClosed {
            phase: n,
            date: local_date.into(),
        }
        .into()),
        Some((n, None)) => Ok(n),
    }
}

pub fn exhibitor_in_phase(conn: &Connection, code: &str, phase: u32) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM exhibitor_phases WHERE exhibitor_code = ?1 AND phase = ?2")?
        .query_row(params![code, phase], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn upsert_till(conn: &Connection, t: &Till) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO tills (id, name, collector) VALUES (?1, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, collector = excluded.collector",
    )?
    .execute(params![t.id, t.name, t.collector.as_str()])?;
    Ok(())
}

pub fn tills(conn: &Connection) -> Result<Vec<Till>> {
    let mut stmt = conn.prepare_cached("SELECT id, name, collector FROM tills ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    rows.map(|r| {
        let (id, name, c) = r?;
        let collector: Collector = c.parse().map_err(|e: String| anyhow!(e))?;
        Ok(Till {
            id,
            name,
            collector,
        })
    })
    .collect()
}

pub fn upsert_exhibitor(conn: &Connection, e: &Exhibitor) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO exhibitors (code, name, kind, ice, phone, commission_rate, stall_fee, province, sector, women_led)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind, ice = excluded.ice,
         phone = excluded.phone, commission_rate = excluded.commission_rate, stall_fee = excluded.stall_fee,
         province = excluded.province, sector = excluded.sector, women_led = excluded.women_led",
    )?
    .execute(params![
        e.code, e.name, e.kind, e.ice, e.phone, e.commission_rate.normalize().to_string(),
        to_centimes(e.stall_fee)?, e.province, e.sector, e.women_led
    ])
    .with_context(|| format!("exposant {}", e.code))?;
    conn.prepare_cached("DELETE FROM exhibitor_phases WHERE exhibitor_code = ?1")?
        .execute([&e.code])?;
    let mut add = conn
        .prepare_cached("INSERT INTO exhibitor_phases (exhibitor_code, phase) VALUES (?1, ?2)")?;
    for p in &e.phases {
        add.execute(params![e.code, p])?;
    }
    Ok(())
}

pub fn exhibitors(conn: &Connection) -> Result<Vec<Exhibitor>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, name, kind, ice, phone, commission_rate, stall_fee, province, sector, women_led,
         (SELECT group_concat(phase, ';') FROM (SELECT phase FROM exhibitor_phases p WHERE p.exhibitor_code = e.code ORDER BY phase))
         FROM exhibitors e ORDER BY code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Exhibitor {
            code: r.get(0)?,
            name: r.get(1)?,
            // Databases written before kinds had codes may hold `coopérative`: read as the code.
            kind: kind_code(&r.get::<_, String>(2)?),
            ice: r.get(3)?,
            phone: r.get(4)?,
            commission_rate: r.get::<_, String>(5)?.parse().unwrap_or(Decimal::ZERO),
            stall_fee: from_centimes(r.get(6)?),
            province: r.get(7)?,
            sector: r
                .get::<_, Option<String>>(8)?
                .map(|s| sector_code(&s))
                .filter(|s| !s.is_empty()),
            women_led: r.get(9)?,
            phases: r
                .get::<_, Option<String>>(10)?
                .unwrap_or_default()
                .split(';')
                .filter_map(|p| p.parse().ok())
                .collect(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn upsert_product(conn: &Connection, p: &Product) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO products (code, exhibitor_code, barcode, name_fr, name_ar, unit, price, vat_rate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(code) DO UPDATE SET exhibitor_code = excluded.exhibitor_code, barcode = excluded.barcode,
         name_fr = excluded.name_fr, name_ar = excluded.name_ar, unit = excluded.unit, price = excluded.price,
         vat_rate = excluded.vat_rate",
    )?
    .execute(params![
        p.code, p.exhibitor_code, p.barcode, p.name_fr, p.name_ar, p.unit.as_str(), to_centimes(p.price)?,
        p.vat_rate.normalize().to_string()
    ])
    .with_context(|| format!("produit {}", p.code))?;
    Ok(())
}

/// A product whose code is not in the catalogue yet (an import checked it): a plain insert, which SQLite does
/// with less work than an upsert.
pub fn insert_product(conn: &Connection, p: &Product) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO products (code, exhibitor_code, barcode, name_fr, name_ar, unit, price, vat_rate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.code, p.exhibitor_code, p.barcode, p.name_fr, p.name_ar, p.unit.as_str(), to_centimes(p.price)?,
        p.vat_rate.normalize().to_string()
    ])
    .with_context(|| format!("produit {}", p.code))?;
    Ok(())
}

const SELECT_PRODUCT: &str =
    "SELECT code, exhibitor_code, barcode, name_fr, name_ar, unit, price, vat_rate FROM products";

fn product_from_row(r: &rusqlite::Row) -> rusqlite::Result<Product> {
    Ok(Product {
        code: r.get(0)?,
        exhibitor_code: r.get(1)?,
        barcode: r.get(2)?,
        name_fr: r.get(3)?,
        name_ar: r.get(4)?,
        unit: r
            .get::<_, String>(5)?
            .parse()
            .unwrap_or(crate::domain::Unit::Piece),
        price: from_centimes(r.get(6)?),
        vat_rate: r.get::<_, String>(7)?.parse().unwrap_or(Decimal::ZERO),
    })
}

pub fn products(conn: &Connection) -> Result<Vec<Product>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_PRODUCT} ORDER BY code"))?;
    let rows = stmt.query_map([], product_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn product(conn: &Connection, code: &str) -> Result<Option<Product>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_PRODUCT} WHERE code = ?1"))?
        .query_row([code], product_from_row)
        .optional()?)
}
