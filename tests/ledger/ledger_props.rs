//! Property tests of the ledger's invariants on random baskets.
use proptest::prelude::*;
use rust_decimal::Decimal;
use souk::domain::allocation::largest_remainder;
use souk::domain::money::to_centimes;
use souk::domain::sale::{AlreadyRefunded, build_refund_lines, build_sale};
use souk::domain::settlement::exhibitor_shares;
use souk::domain::{LineDraft, PaymentDraft, PaymentMethod, Unit, lines_total};

fn arb_line() -> impl Strategy<Value = LineDraft> {
    (0u8..5, 1i64..5000, 1i64..100_000, any::<bool>(), 0i64..100).prop_map(
        |(ex, qty_milli, price, kg, disc_pct)| {
            let unit = if kg { Unit::Kg } else { Unit::Piece };
            let quantity = if kg {
                Decimal::new(qty_milli, 3)
            } else {
                Decimal::from(1 + qty_milli % 9)
            };
            let unit_price = Decimal::new(price, 2);
            let gross = souk::domain::money::round_money(quantity * unit_price);
            LineDraft {
                product_code: Some(format!("P{ex}")),
                exhibitor_code: format!("E00{ex}"),
                name_fr: "Produit".into(),
                name_ar: None,
                unit,
                quantity,
                unit_price,
                discount: souk::domain::money::round_money(
                    gross * Decimal::new(disc_pct, 2) / Decimal::from(4),
                ),
                vat_rate: Decimal::ZERO,
            }
        },
    )
}

fn split(total: Decimal, cuts: &[u8]) -> Vec<PaymentDraft> {
    let cents = to_centimes(total).unwrap();
    let weights: Vec<i64> = cuts.iter().map(|c| *c as i64 + 1).collect();
    largest_remainder(cents, &weights)
        .into_iter()
        .zip(PaymentMethod::ALL.iter().cycle())
        .filter(|(c, _)| *c > 0)
        .map(|(c, m)| PaymentDraft::new(*m, Decimal::new(c, 2)))
        .collect()
}

proptest! {
    #[test]
    fn ticket_total_is_the_sum_of_its_lines(lines in prop::collection::vec(arb_line(), 1..8), disc in 0i64..1000, cuts in prop::collection::vec(any::<u8>(), 1..4)) {
        let before: Decimal = lines.iter().map(|l| l.total()).sum();
        let discount = Decimal::new(disc, 2).min(before);
        let payments = split(before - discount, &cuts);
        prop_assume!(!payments.is_empty());
        let s = build_sale(&lines, discount, &payments, None).unwrap();
        prop_assert_eq!(s.total, lines_total(&s.lines));
        prop_assert_eq!(s.total, before - discount);
        for l in &s.lines {
            prop_assert!(l.total >= Decimal::ZERO);
        }
    }

    #[test]
    fn shares_add_up_to_each_payment(lines in prop::collection::vec(arb_line(), 1..8), cuts in prop::collection::vec(any::<u8>(), 1..5)) {
        let total: Decimal = lines.iter().map(|l| l.total()).sum();
        let payments = split(total, &cuts);
        prop_assume!(!payments.is_empty());
        let s = build_sale(&lines, Decimal::ZERO, &payments, None).unwrap();
        let shares = exhibitor_shares(&s.lines, &s.payments);
        for m in PaymentMethod::ALL {
            let paid: i64 = s.payments.iter().filter(|p| p.method == m).map(|p| to_centimes(p.amount).unwrap()).sum();
            prop_assert_eq!(shares.iter().map(|sh| sh.by_method[m]).sum::<i64>(), paid);
        }
        prop_assert_eq!(shares.iter().map(|sh| sh.net).sum::<i64>(), to_centimes(total).unwrap());
    }

    #[test]
    fn refunds_never_exceed_sales(lines in prop::collection::vec(arb_line(), 1..5), asks in prop::collection::vec((0u32..6, 1i64..6000), 1..12)) {
        let total: Decimal = lines.iter().map(|l| l.total()).sum();
        prop_assume!(total > Decimal::ZERO);
        let s = build_sale(&lines, Decimal::ZERO, &[PaymentDraft::new(PaymentMethod::Cash, total)], None).unwrap();
        let mut already = AlreadyRefunded::new();
        for (line_no, milli) in asks {
            let Some(orig) = s.lines.iter().find(|l| l.line_no == line_no) else { continue };
            let qty = if orig.unit == Unit::Piece { Decimal::from(1 + milli % 3) } else { Decimal::new(milli, 3) };
            if let Ok(refund) = build_refund_lines(&s.lines, &already, &[(line_no, qty)]) {
                let e = already.entry(line_no).or_default();
                e.0 += refund[0].quantity;
                e.1 += refund[0].total;
            }
        }
        for l in &s.lines {
            let (q, a) = already.get(&l.line_no).copied().unwrap_or_default();
            prop_assert!(q <= l.quantity, "refunded {} of {}", q, l.quantity);
            prop_assert!(a <= l.total, "refunded {} of {}", a, l.total);
            if q == l.quantity {
                prop_assert_eq!(a, l.total);
            }
        }
    }
}
