//! The basket in progress at a till, kept so that a crash or a power cut does not lose it. It is not a sale: no
//! journal entry, and its writes skip the fsync (`synchronous = NORMAL` for that one transaction). It survives
//! the till process being killed; the next committed sale (written with FULL) syncs it along.
use super::Db;
use crate::domain::money::{from_centimes, from_milli, to_centimes, to_milli};
use crate::domain::{LineDraft, PaymentDraft};
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A basket found at login: who was filling it, its lines and the payments already typed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub cashier: String,
    pub approver: Option<String>,
    pub lines: Vec<LineDraft>,
    pub payments: Vec<PaymentDraft>,
}

impl Db {
    /// Replaces the till's draft by `lines` (none: removes it), without an fsync of its own.
    pub fn save_draft(
        &mut self,
        till: &str,
        cashier: &str,
        approver: Option<&str>,
        lines: &[LineDraft],
        at_utc: &str,
    ) -> Result<()> {
        let basket = Basket {
            lines,
            payments: &[],
        };
        self.save_draft_paid(till, cashier, approver, &basket, at_utc)
    }

    /// [`Db::save_draft`] with the payments already typed for the basket.
    pub fn save_draft_paid(
        &mut self,
        till: &str,
        cashier: &str,
        approver: Option<&str>,
        basket: &Basket,
        at_utc: &str,
    ) -> Result<()> {
        let before: String = self
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))
            .map(|v| v.to_string())?;
        self.conn().pragma_update(None, "synchronous", "NORMAL")?;
        let written = self.write_draft(till, cashier, approver, basket, at_utc);
        self.conn().pragma_update(None, "synchronous", &before)?;
        written
    }

    fn write_draft(
        &mut self,
        till: &str,
        cashier: &str,
        approver: Option<&str>,
        basket: &Basket,
        at_utc: &str,
    ) -> Result<()> {
        let lines = basket.lines;
        let tx = self.write_tx()?;
        clear(&tx, till)?;
        if !lines.is_empty() {
            tx.prepare_cached(
                "INSERT INTO draft_baskets (till, cashier, approver, updated_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![till, cashier, approver, at_utc])?;
            let mut ins = tx.prepare_cached(
                "INSERT INTO draft_lines (till, line_no, product_code, exhibitor_code, name_fr, name_ar, unit,
                 quantity, unit_price, discount, vat_rate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for (i, l) in lines.iter().enumerate() {
                ins.execute(params![
                    till,
                    i as i64 + 1,
                    l.product_code,
                    l.exhibitor_code,
                    l.name_fr,
                    l.name_ar,
                    l.unit.as_str(),
                    to_milli(l.quantity)?,
                    to_centimes(l.unit_price)?,
                    to_centimes(l.discount)?,
                    l.vat_rate.normalize().to_string(),
                ])?;
            }
            write_payments(&tx, till, basket.payments)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// What a draft holds: the basket's lines and the payments typed for it.
pub struct Basket<'a> {
    pub lines: &'a [LineDraft],
    pub payments: &'a [PaymentDraft],
}

fn write_payments(conn: &Connection, till: &str, payments: &[PaymentDraft]) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO draft_payments (till, pos, method, amount, tendered, reference)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, p) in payments.iter().enumerate() {
        let tendered = p.tendered.map(to_centimes).transpose()?;
        ins.execute(params![
            till,
            i as i64 + 1,
            p.method,
            to_centimes(p.amount)?,
            tendered,
            p.reference
        ])?;
    }
    Ok(())
}

fn load_payments(conn: &Connection, till: &str) -> Result<Vec<PaymentDraft>> {
    let mut stmt = conn.prepare_cached(
        "SELECT method, amount, tendered, reference FROM draft_payments WHERE till = ?1 ORDER BY pos",
    )?;
    let rows = stmt.query_map([till], |r| {
        Ok(PaymentDraft {
            method: r.get(0)?,
            amount: from_centimes(r.get(1)?),
            tendered: r.get::<_, Option<i64>>(2)?.map(from_centimes),
            reference: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Removes the till's draft (inside the caller's transaction: a committed sale takes its draft with it).
pub fn clear(conn: &Connection, till: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM draft_payments WHERE till = ?1")?
        .execute([till])?;
    conn.prepare_cached("DELETE FROM draft_lines WHERE till = ?1")?
        .execute([till])?;
    conn.prepare_cached("DELETE FROM draft_baskets WHERE till = ?1")?
        .execute([till])?;
    Ok(())
}

/// The basket left in progress at this till, if any.
pub fn load(conn: &Connection, till: &str) -> Result<Option<Draft>> {
    let head: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT cashier, approver FROM draft_baskets WHERE till = ?1")?
        .query_row([till], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((cashier, approver)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT product_code, exhibitor_code, name_fr, name_ar, unit, quantity, unit_price, discount, vat_rate
         FROM draft_lines WHERE till = ?1 ORDER BY line_no",
    )?;
    let lines = stmt
        .query_map([till], |r| {
            Ok(LineDraft {
                product_code: r.get(0)?,
                exhibitor_code: r.get(1)?,
                name_fr: r.get(2)?,
                name_ar: r.get(3)?,
                unit: r
                    .get::<_, String>(4)?
                    .parse()
                    .unwrap_or(crate::domain::Unit::Piece),
                quantity: from_milli(r.get(5)?),
                unit_price: from_centimes(r.get(6)?),
                discount: from_centimes(r.get(7)?),
                vat_rate: r.get::<_, String>(8)?.parse().unwrap_or_default(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let payments = load_payments(conn, till)?;
    Ok((!lines.is_empty()).then_some(Draft {
        cashier,
        approver,
        lines,
        payments,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Unit;
    use rust_decimal::dec;

    fn line(code: &str, qty: rust_decimal::Decimal) -> LineDraft {
        LineDraft {
            product_code: Some(code.into()),
            exhibitor_code: "E017".into(),
            name_fr: "Miel de thym".into(),
            name_ar: Some("عسل".into()),
            unit: Unit::Kg,
            quantity: qty,
            unit_price: dec!(250),
            discount: dec!(2.5),
            vat_rate: dec!(0.2),
        }
    }

    #[test]
    fn saves_replaces_loads_and_clears() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut db = Db::create(&dir.path().join("d.db")).unwrap();
        let at = "2026-05-14T10:00:00Z";
        assert_eq!(load(db.conn(), "T01").unwrap(), None);
        db.save_draft("T01", "Amina", None, &[line("A", dec!(1))], at)
            .unwrap();
        let two = [line("A", dec!(0.75)), line("B", dec!(2))];
        db.save_draft("T01", "Amina", Some("Youssef"), &two, at)
            .unwrap();
        let d = load(db.conn(), "T01").unwrap().unwrap();
        assert_eq!(d.lines, two.to_vec());
        assert_eq!(d.approver.as_deref(), Some("Youssef"));
        assert_eq!(load(db.conn(), "T02").unwrap(), None);
        let sync: i64 = db
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL is back for sales");
        db.save_draft("T01", "Amina", None, &[], at).unwrap();
        assert_eq!(load(db.conn(), "T01").unwrap(), None);
    }
}
