//! Property: for random markets (random baskets over several exhibitors and tills, split payments, ticket
//! discounts, refunds), the exhibitors' settlement figures add up exactly to the tills' takings, per method.
use crate::support::common;
use proptest::prelude::*;
use rust_decimal::Decimal;
use souk::domain::money::to_centimes;
use souk::domain::sale::build_sale;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Product};
use souk::storage::tickets::SaleContext;
use souk::storage::{Clock, Db, catalogue, settlement};

fn market() -> (tempfile::TempDir, Db, Vec<Product>) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::sample_market(dir.path(), false);
    let db = Db::open(&path).unwrap();
    let products = catalogue::products(db.conn()).unwrap();
    (dir, db, products)
}

#[derive(Debug, Clone)]
struct Basket {
    till: usize,
    day: u8,
    items: Vec<(usize, u16)>,
    discount_pct: u8,
    cuts: Vec<u8>,
    refund_first_line: bool,
}

fn arb_basket() -> impl Strategy<Value = Basket> {
    (
        0usize..3,
        0u8..15,
        prop::collection::vec((0usize..29, 1u16..3000), 1..5),
        0u8..20,
        prop::collection::vec(any::<u8>(), 1..4),
        any::<bool>(),
    )
        .prop_map(
            |(till, day, items, discount_pct, cuts, refund_first_line)| Basket {
                till,
                day,
                items,
                discount_pct,
                cuts,
                refund_first_line,
            },
        )
}

fn sell(db: &mut Db, products: &[Product], b: &Basket) {
    let date = jiff::civil::date(2025, 8, 6)
        .checked_add(jiff::Span::new().days(b.day as i64))
        .unwrap();
    let phase = 1 + (b.day / 5) as u32;
    let members: Vec<String> = catalogue::exhibitors(db.conn())
        .unwrap()
        .into_iter()
        .filter(|e| e.phases.contains(&phase))
        .map(|e| e.code)
        .collect();
    let lines: Vec<LineDraft> = b
        .items
        .iter()
        .map(|(i, _)| &products[*i % products.len()])
        .zip(&b.items)
        .filter(|(p, _)| members.contains(&p.exhibitor_code))
        .map(|(p, (_, q))| LineDraft {
            product_code: Some(p.code.clone()),
            exhibitor_code: p.exhibitor_code.clone(),
            name_fr: p.name_fr.clone(),
            name_ar: p.name_ar.clone(),
            unit: p.unit,
            quantity: if p.unit.allows_fraction() {
                Decimal::new(*q as i64, 3)
            } else {
                Decimal::from(1 + q % 4)
            },
            unit_price: p.price,
            discount: Decimal::ZERO,
            vat_rate: p.vat_rate,
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    let gross: Decimal = lines.iter().map(|l| l.total()).sum();
    let discount = souk::domain::money::round_money(gross * Decimal::new(b.discount_pct as i64, 2));
    let due = to_centimes(gross - discount).unwrap();
    let weights: Vec<i64> = b.cuts.iter().map(|c| *c as i64 + 1).collect();
    let pays: Vec<PaymentDraft> = souk::domain::allocation::largest_remainder(due, &weights)
        .into_iter()
        .zip(PaymentMethod::ALL.iter().cycle())
        .filter(|(c, _)| *c > 0)
        .map(|(c, m)| PaymentDraft::new(*m, Decimal::new(c, 2)))
        .collect();
    if pays.is_empty() {
        return;
    }
    let s = build_sale(&lines, discount, &pays, None).unwrap();
    let till = ["T01", "T02", "T03"][b.till];
    let ctx = SaleContext {
        till: till.into(),
        cashier: "p".into(),
        shift: None,
        at: Clock::market()
            .unwrap()
            .at_local(date.at(12, 0, 0, 0))
            .unwrap(),
        manual: false,
        ticket_ref: None,
        approver: None,
    };
    let t = db.commit_sale(&ctx, &s).unwrap();
    if b.refund_first_line && t.lines[0].total > Decimal::ZERO {
        let back = [PaymentDraft::new(PaymentMethod::Cash, t.lines[0].total)];
        db.refund(&ctx, &t.head.id, &[(1, t.lines[0].quantity)], &back)
            .unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn exhibitors_add_up_to_the_tills_takings(baskets in prop::collection::vec(arb_basket(), 1..25)) {
        let (_dir, mut db, products) = market();
        for b in &baskets {
            sell(&mut db, &products, b);
        }
        for phase in 1..=3u32 {
            let rows = settlement::settle_phase(db.conn(), phase).unwrap();
            let mut stmt = db.conn().prepare(
                "SELECT p.method, SUM(CASE WHEN t.kind = 'sale' THEN p.amount ELSE -p.amount END) FROM payments p
                 JOIN tickets t ON t.id = p.ticket_id WHERE t.phase = ?1 GROUP BY p.method").unwrap();
            let takings: Vec<(String, i64)> = stmt.query_map([phase], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
            let get = |m: &str| takings.iter().find(|(k, _)| k == m).map(|(_, v)| *v).unwrap_or(0);
            let c = |d: Decimal| to_centimes(d).unwrap();
            prop_assert_eq!(rows.iter().map(|r| c(r.cash)).sum::<i64>(), get("cash"));
            prop_assert_eq!(rows.iter().map(|r| c(r.card)).sum::<i64>(), get("card"));
            prop_assert_eq!(rows.iter().map(|r| c(r.mobile)).sum::<i64>(), get("mobile"));
            prop_assert_eq!(rows.iter().map(|r| c(r.other)).sum::<i64>(), get("other"));
            let all: i64 = takings.iter().map(|(_, v)| v).sum();
            prop_assert_eq!(rows.iter().map(|r| c(r.net)).sum::<i64>(), all);
            prop_assert_eq!(rows.iter().map(|r| c(r.collected_by_organiser) + c(r.collected_by_exhibitor)).sum::<i64>(), all);
        }
    }
}
