//! Past sales of the demo's first phase, generated from a fixed seed so every demo looks the same.
use crate::domain::sale::build_sale;
use crate::domain::{LineDraft, PaymentDraft, PaymentMethod, Product, TicketKind};
use crate::storage::tickets::{SaleContext, insert_ticket};
use crate::storage::{Clock, Db, catalogue};
use anyhow::Result;
use rust_decimal::Decimal;

/// A small deterministic generator (xorshift): the demo needs variety, not statistics.
struct Seq(u64);

impl Seq {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

pub fn record_past_sales(
    db: &mut Db,
    clock: &Clock,
    today: jiff::civil::Date,
    count: usize,
) -> Result<()> {
    let phase1: Vec<String> = db
        .conn()
        .prepare("SELECT exhibitor_code FROM exhibitor_phases WHERE phase = 1")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let products: Vec<Product> = catalogue::products(db.conn())?
        .into_iter()
        .filter(|p| phase1.contains(&p.exhibitor_code))
        .collect();
    let cashiers = ["Fatima Zahra Alaoui", "Youssef Benali"];
    let mut rng = Seq(0x5eed_1f2a_2025);
    let tx = db.write_tx()?;
    for i in 0..count {
        let day = today.checked_sub(jiff::Span::new().days(5 - (i * 5 / count) as i64))?;
        let local = day.at(9 + rng.next(11) as i8, rng.next(60) as i8, 0, 0);
        let lines: Vec<LineDraft> = (0..1 + rng.next(3))
            .map(|_| {
                line(
                    &products[rng.next(products.len() as u64) as usize],
                    &mut rng,
                )
            })
            .collect();
        let total: Decimal = lines.iter().map(|l| l.total()).sum();
        let method = [
            PaymentMethod::Cash,
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Mobile,
        ][rng.next(4) as usize];
        let settled = build_sale(
            &lines,
            Decimal::ZERO,
            &[PaymentDraft::new(method, total)],
            None,
        )?;
        let till = ["T01", "T01", "T02"][rng.next(3) as usize];
        let ctx = SaleContext {
            till: till.into(),
            cashier: cashiers[rng.next(2) as usize].into(),
            shift: None,
            at: clock.at_local(local)?,
            manual: false,
            ticket_ref: None,
            approver: None,
        };
        insert_ticket(&tx, &ctx, &settled, TicketKind::Sale, None)?;
    }
    tx.commit()?;
    Ok(())
}

fn line(p: &Product, rng: &mut Seq) -> LineDraft {
    let quantity = if p.unit.allows_fraction() {
        Decimal::new(250 * (1 + rng.next(6)) as i64, 3)
    } else {
        Decimal::from(1 + rng.next(3))
    };
    LineDraft {
        product_code: Some(p.code.clone()),
        exhibitor_code: p.exhibitor_code.clone(),
        name_fr: p.name_fr.clone(),
        name_ar: p.name_ar.clone(),
        unit: p.unit,
        quantity,
        unit_price: p.price,
        discount: Decimal::ZERO,
        vat_rate: p.vat_rate,
    }
}
