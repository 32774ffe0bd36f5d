//! Turning a basket and its payments into a checked sale, and chosen lines into a refund.
use super::allocation::largest_remainder;
use super::money::{from_centimes, round_money, to_centimes};
use super::ticket::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Checks a basket and its payments; spreads a ticket discount over the lines (so that line totals always add
/// up to the ticket total and every dirham stays attributed to an exhibitor); applies cash rounding.
pub fn build_sale(
    drafts: &[LineDraft],
    ticket_discount: Decimal,
    payments: &[PaymentDraft],
    cash_step: Option<Decimal>,
) -> Result<Settled, TicketError> {
    if drafts.is_empty() {
        return Err(TicketError::Empty);
    }
    for (i, d) in drafts.iter().enumerate() {
        d.check(i + 1)?;
    }
    let mut lines: Vec<Line> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| line_from(i, d))
        .collect();
    spread_discount(&mut lines, ticket_discount)?;
    let total = lines_total(&lines);
    super::bounds::check_amount("ticket", total).map_err(TicketError::OutOfBounds)?;
    let (payments, rounding) = settle_payments(total, payments, cash_step)?;
    Ok(Settled {
        lines,
        payments,
        total,
        rounding,
    })
}

fn line_from(i: usize, d: &LineDraft) -> Line {
    Line {
        line_no: i as u32 + 1,
        product_code: d.product_code.clone(),
        exhibitor_code: d.exhibitor_code.clone(),
        name_fr: d.name_fr.clone(),
        name_ar: d.name_ar.clone(),
        unit: d.unit,
        quantity: d.quantity,
        unit_price: d.unit_price,
        discount: d.discount,
        vat_rate: d.vat_rate,
        total: d.total(),
        refund_of_line: None,
    }
}

fn spread_discount(lines: &mut [Line], discount: Decimal) -> Result<(), TicketError> {
    if discount.is_zero() {
        return Ok(());
    }
    let total = lines_total(lines);
    if discount < Decimal::ZERO || discount > total || round_money(discount) != discount {
        return Err(TicketError::BadTicketDiscount);
    }
    let cents = |d: Decimal| to_centimes(d).map_err(|_| TicketError::BadTicketDiscount);
    let weights: Vec<i64> = lines
        .iter()
        .map(|l| cents(l.total))
        .collect::<Result<_, _>>()?;
    let parts = largest_remainder(cents(discount)?, &weights);
    for (line, part) in lines.iter_mut().zip(parts) {
        let share = from_centimes(part);
        line.discount += share;
        line.total -= share;
    }
    Ok(())
}

/// Payments must cover the total exactly; cash may be rounded to the market's step and may carry change.
fn settle_payments(
    total: Decimal,
    drafts: &[PaymentDraft],
    cash_step: Option<Decimal>,
) -> Result<(Vec<Payment>, Decimal), TicketError> {
    let mut payments = Vec::new();
    let mut rounding = Decimal::ZERO;
    for (i, d) in drafts.iter().enumerate() {
        if d.amount <= Decimal::ZERO || round_money(d.amount) != d.amount {
            return Err(TicketError::BadPayment(i + 1));
        }
        let (mut change, mut tendered) = (Decimal::ZERO, None);
        if d.method == PaymentMethod::Cash {
            let due = round_cash(d.amount, cash_step);
            rounding += due - d.amount;
            let given = d.tendered.unwrap_or(due);
            if given < due {
                return Err(TicketError::NotEnoughTendered {
                    tendered: given,
                    due,
                });
            }
            change = given - due;
            tendered = Some(given);
        }
        payments.push(Payment {
            method: d.method,
            amount: d.amount,
            tendered,
            change,
            reference: d.reference.clone().filter(|r| !r.trim().is_empty()),
        });
    }
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    if paid != total {
        return Err(TicketError::PaymentMismatch { paid, due: total });
    }
    Ok((payments, rounding))
}

/// What has already been refunded of each original line: (quantity, amount).
pub type AlreadyRefunded = BTreeMap<u32, (Decimal, Decimal)>;

/// Builds refund lines reversing `(line_no, quantity)` of an original sale; never more than what is left.
/// A partial quantity refunds its share of the line total; the last unit refunds exactly what is left,
/// so a line fully refunded in several steps gives back its total to the centime.
pub fn build_refund_lines(
    original: &[Line],
    already: &AlreadyRefunded,
    request: &[(u32, Decimal)],
) -> Result<Vec<Line>, TicketError> {
    if request.is_empty() {
        return Err(TicketError::Empty);
    }
    let mut out = Vec::new();
    let mut asked: BTreeMap<u32, Decimal> = BTreeMap::new();
    for (i, (line_no, qty)) in request.iter().enumerate() {
        let orig = original
            .iter()
            .find(|l| l.line_no == *line_no)
            .ok_or(TicketError::UnknownLine(*line_no))?;
        if *qty <= Decimal::ZERO {
            return Err(TicketError::BadQuantity(i + 1));
        }
        let (done_qty, done_amount) = already.get(line_no).copied().unwrap_or_default();
        let before = asked.get(line_no).copied().unwrap_or_default();
        let left = orig.quantity - done_qty - before;
        if *qty > left {
            return Err(TicketError::RefundTooLarge {
                line: *line_no,
                left: left.max(Decimal::ZERO),
            });
        }
        asked.insert(*line_no, before + qty);
        // Amount already handed back on this line, including earlier lines of this same request.
        let given = done_amount
            + out
                .iter()
                .filter(|l: &&Line| l.refund_of_line == Some(*line_no))
                .map(|l| l.total)
                .sum::<Decimal>();
        let total = if *qty == left {
            orig.total - given
        } else {
            // Rounded shares of tiny amounts could add up past the line total: never hand back more than is left.
            round_money(orig.total * qty / orig.quantity).min(orig.total - given)
        };
        out.push(Line {
            line_no: i as u32 + 1,
            quantity: *qty,
            discount: Decimal::ZERO,
            total,
            refund_of_line: Some(*line_no),
            ..orig.clone()
        });
    }
    Ok(out)
}

/// A refund's payouts must equal the refunded total; there is no change on a payout.
pub fn build_refund(lines: Vec<Line>, payouts: &[PaymentDraft]) -> Result<Settled, TicketError> {
    let total = lines_total(&lines);
    let mut payments = Vec::new();
    for (i, d) in payouts.iter().enumerate() {
        if d.amount <= Decimal::ZERO || round_money(d.amount) != d.amount {
            return Err(TicketError::BadPayment(i + 1));
        }
        payments.push(Payment {
            method: d.method,
            amount: d.amount,
            tendered: None,
            change: Decimal::ZERO,
            reference: d.reference.clone(),
        });
    }
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    if paid != total {
        return Err(TicketError::PaymentMismatch { paid, due: total });
    }
    Ok(Settled {
        lines,
        payments,
        total,
        rounding: Decimal::ZERO,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Unit;
    use rust_decimal::dec;

    fn sold(qty: Decimal, total: Decimal) -> Vec<Line> {
        vec![Line {
            line_no: 1,
            product_code: None,
            exhibitor_code: "E001".into(),
            name_fr: "Divers".into(),
            name_ar: None,
            unit: Unit::Piece,
            quantity: qty,
            unit_price: total / qty,
            discount: Decimal::ZERO,
            vat_rate: Decimal::ZERO,
            total,
            refund_of_line: None,
        }]
    }

    #[test]
    fn unit_by_unit_refunds_never_exceed_the_line() {
        let orig = sold(dec!(10), dec!(0.15));
        let mut already = AlreadyRefunded::new();
        for _ in 0..10 {
            let r = build_refund_lines(&orig, &already, &[(1, dec!(1))]).unwrap();
            let e = already.entry(1).or_default();
            e.0 += r[0].quantity;
            e.1 += r[0].total;
            assert!(r[0].total >= Decimal::ZERO);
        }
        assert_eq!(already[&1], (dec!(10), dec!(0.15)));
        assert!(matches!(
            build_refund_lines(&orig, &already, &[(1, dec!(1))]),
            Err(TicketError::RefundTooLarge { .. })
        ));
    }

    #[test]
    fn one_request_cannot_refund_a_line_twice_over() {
        let orig = sold(dec!(2), dec!(40));
        let err = build_refund_lines(
            &orig,
            &AlreadyRefunded::new(),
            &[(1, dec!(2)), (1, dec!(1))],
        )
        .unwrap_err();
        assert_eq!(
            err,
            TicketError::RefundTooLarge {
                line: 1,
                left: dec!(0)
            }
        );
    }

    #[test]
    fn ticket_discount_is_spread_over_lines_and_cash_is_rounded() {
        let draft = |ex: &str, price: Decimal| LineDraft {
            product_code: None,
            exhibitor_code: ex.into(),
            name_fr: "x".into(),
            name_ar: None,
            unit: Unit::Piece,
            quantity: dec!(1),
            unit_price: price,
            discount: Decimal::ZERO,
            vat_rate: Decimal::ZERO,
        };
        let lines = [draft("E001", dec!(10.01)), draft("E002", dec!(20.02))];
        let pay = PaymentDraft {
            method: PaymentMethod::Cash,
            amount: dec!(29.03),
            tendered: Some(dec!(50)),
            reference: None,
        };
        let s = build_sale(&lines, dec!(1), &[pay], Some(dec!(0.50))).unwrap();
        assert_eq!(s.total, dec!(29.03));
        assert_eq!(s.lines[0].total + s.lines[1].total, dec!(29.03));
        assert_eq!(s.rounding, dec!(-0.03));
        assert_eq!(s.payments[0].change, dec!(21.00));
        let short = PaymentDraft {
            method: PaymentMethod::Cash,
            amount: dec!(29.03),
            tendered: Some(dec!(20)),
            reference: None,
        };
        assert!(matches!(
            build_sale(&lines, dec!(1), &[short], None),
            Err(TicketError::NotEnoughTendered { .. })
        ));
    }
}
