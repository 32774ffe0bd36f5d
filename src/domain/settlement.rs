//! The settlement of DESIGN.md: per exhibitor and phase, from the per-ticket shares stored with each ticket.
use super::allocation::largest_remainder;
use super::by_method::ByMethod;
use super::catalogue::{Collector, Exhibitor};
use super::money::{round_money, to_centimes};
use super::ticket::{Line, Payment};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One exhibitor's part of one ticket, in centimes (magnitudes; the ticket kind gives the sign).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExhibitorShare {
    pub exhibitor_code: String,
    pub net: i64,
    pub by_method: ByMethod<i64>,
}

impl ExhibitorShare {
    /// The share as stored: signed by its ticket's kind.
    pub fn signed(self, sign: i64) -> Self {
        ExhibitorShare {
            exhibitor_code: self.exhibitor_code,
            net: self.net * sign,
            by_method: self.by_method.map(|v| v * sign),
        }
    }
}

/// Sums the ticket's payments by method (three cash payments are one cash amount), then splits each method's
/// amount across the exhibitors pro rata of their line totals, by largest remainder, so that Σ over exhibitors
/// equals each method's amount to the centime and a ticket paid one way gives each exhibitor exactly its net.
/// Exhibitors come out ordered by code.
pub fn exhibitor_shares(lines: &[Line], payments: &[Payment]) -> Vec<ExhibitorShare> {
    let mut nets: BTreeMap<&str, i64> = BTreeMap::new();
    for l in lines {
        *nets.entry(l.exhibitor_code.as_str()).or_default() += to_centimes(l.total).unwrap_or(0);
    }
    let weights: Vec<i64> = nets.values().map(|v| (*v).max(0)).collect();
    let mut shares: Vec<ExhibitorShare> = nets
        .iter()
        .map(|(code, net)| ExhibitorShare {
            exhibitor_code: code.to_string(),
            net: *net,
            by_method: ByMethod::default(),
        })
        .collect();
    let mut by_method = ByMethod::<i64>::default();
    for p in payments {
        by_method[p.method] += to_centimes(p.amount).unwrap_or(0);
    }
    for (m, amount) in by_method.iter() {
        if amount == 0 {
            continue;
        }
        for (share, part) in shares.iter_mut().zip(largest_remainder(amount, &weights)) {
            share.by_method[m] += part;
        }
    }
    shares
}

/// The split as souk stored it before a ticket's payments were summed by method: each payment split on its own.
fn exhibitor_shares_per_payment(lines: &[Line], payments: &[Payment]) -> Vec<ExhibitorShare> {
    let mut shares = exhibitor_shares(lines, &[]);
    let weights: Vec<i64> = shares.iter().map(|s| s.net.max(0)).collect();
    for p in payments {
        let amount = to_centimes(p.amount).unwrap_or(0);
        if amount == 0 {
            continue;
        }
        for (share, part) in shares.iter_mut().zip(largest_remainder(amount, &weights)) {
            share.by_method[p.method] += part;
        }
    }
    shares
}

/// Every split a stored ticket may carry: today's, and the per-payment one of tickets committed by earlier
/// versions (the two differ by a centime at most, on tickets paid several times in one method). Databases of a
/// market in progress keep verifying and merging.
pub fn accepted_shares(lines: &[Line], payments: &[Payment]) -> Vec<Vec<ExhibitorShare>> {
    let now = exhibitor_shares(lines, payments);
    let before = exhibitor_shares_per_payment(lines, payments);
    if before == now {
        vec![now]
    } else {
        vec![now, before]
    }
}

/// Whether `stored` (signed by `sign`, the ticket kind's) is one of the `accepted_shares`; the earlier split is
/// computed only when today's does not match, which is the rare case.
pub fn shares_accepted(
    lines: &[Line],
    payments: &[Payment],
    sign: i64,
    stored: &[ExhibitorShare],
) -> bool {
    accepted_split(lines, payments, sign, stored).is_some()
}

/// Today's split (unsigned, as `exhibitor_shares` gives it) when `stored` is one of the `accepted_shares`.
pub fn accepted_split(
    lines: &[Line],
    payments: &[Payment],
    sign: i64,
    stored: &[ExhibitorShare],
) -> Option<Vec<ExhibitorShare>> {
    let fits = |split: &[ExhibitorShare]| {
        split.len() == stored.len()
            && split.iter().zip(stored).all(|(s, t)| {
                s.exhibitor_code == t.exhibitor_code
                    && s.net * sign == t.net
                    && s.by_method.map(|v| v * sign) == t.by_method
            })
    };
    let now = exhibitor_shares(lines, payments);
    (fits(&now) || fits(&exhibitor_shares_per_payment(lines, payments))).then_some(now)
}

/// Sums over a phase for one exhibitor, as read from storage (signed: refunds negative). Centimes summed in 128
/// bits: rows stored before the bounds existed may add up beyond 64 bits, and the phase is still settled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareSums {
    pub tickets: u64,
    pub gross: i128,
    /// Positive magnitude of refunded line totals.
    pub refunds: i128,
    pub by_method: ByMethod<i128>,
    pub collected_by_organiser: i128,
    pub collected_by_exhibitor: i128,
}

impl ShareSums {
    /// Adds one stored share row (`net` signed by ticket kind).
    pub fn add(
        &mut self,
        is_refund: bool,
        collector: Collector,
        net: i64,
        by_method: ByMethod<i64>,
    ) {
        let (net, by_method) = (net as i128, by_method.map(i128::from));
        if is_refund {
            self.refunds -= net;
        } else {
            self.tickets += 1;
            self.gross += net;
        }
        self.by_method += by_method;
        match collector {
            Collector::Organiser => self.collected_by_organiser += net,
            Collector::Exhibitor => self.collected_by_exhibitor += net,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SettlementFigures {
    pub exhibitor_code: String,
    pub exhibitor_name: String,
    pub ice: Option<String>,
    pub kind: String,
    pub tickets: u64,
    pub gross: Decimal,
    pub refunds: Decimal,
    pub net: Decimal,
    pub cash: Decimal,
    pub card: Decimal,
    pub mobile: Decimal,
    pub other: Decimal,
    pub commission_rate: Decimal,
    pub commission: Decimal,
    pub stall_fee: Decimal,
    pub collected_by_organiser: Decimal,
    pub collected_by_exhibitor: Decimal,
    pub due_to_exhibitor: Decimal,
}

/// Centimes summed in 128 bits as an amount (a decimal holds 28 digits: far beyond any sum of 64-bit rows
/// that a file could hold).
fn wide_centimes(c: i128) -> Decimal {
    Decimal::try_from_i128_with_scale(c, 2).unwrap_or(if c < 0 {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// commission = round(net × rate, 2); due = collected_by_organiser − commission − stall_fee.
pub fn settle(ex: &Exhibitor, s: &ShareSums) -> SettlementFigures {
    let from_centimes = wide_centimes;
    let net = from_centimes(s.gross - s.refunds);
    let commission = round_money(net * ex.commission_rate);
    let collected_by_organiser = from_centimes(s.collected_by_organiser);
    SettlementFigures {
        exhibitor_code: ex.code.clone(),
        exhibitor_name: ex.name.clone(),
        ice: ex.ice.clone(),
        kind: ex.kind.clone(),
        tickets: s.tickets,
        gross: from_centimes(s.gross),
        refunds: from_centimes(s.refunds),
        net,
        cash: from_centimes(s.by_method.cash),
        card: from_centimes(s.by_method.card),
        mobile: from_centimes(s.by_method.mobile),
        other: from_centimes(s.by_method.other),
        commission_rate: ex.commission_rate,
        commission,
        stall_fee: ex.stall_fee,
        collected_by_organiser,
        collected_by_exhibitor: from_centimes(s.collected_by_exhibitor),
        due_to_exhibitor: collected_by_organiser - commission - ex.stall_fee,
    }
}

#[cfg(test)]
mod accepted_tests {
    use super::*;
    use crate::domain::catalogue::Unit;
    use crate::domain::ticket::PaymentMethod;
    use rust_decimal::Decimal;

    fn line(no: u32, ex: &str, total: i64) -> Line {
        Line {
            line_no: no,
            product_code: None,
            exhibitor_code: ex.into(),
            name_fr: "divers".into(),
            name_ar: None,
            unit: Unit::Piece,
            quantity: Decimal::ONE,
            unit_price: Decimal::new(total, 2),
            discount: Decimal::ZERO,
            vat_rate: Decimal::ZERO,
            total: Decimal::new(total, 2),
            refund_of_line: None,
        }
    }

    fn cash(amount: i64) -> Payment {
        Payment {
            method: PaymentMethod::Cash,
            amount: Decimal::new(amount, 2),
            tendered: None,
            change: Decimal::ZERO,
            reference: None,
        }
    }

    #[test]
    fn three_cash_payments_split_once_and_older_tickets_keep_their_split() {
        let lines = [line(1, "E001", 9400), line(2, "E002", 18800)];
        let payments = [cash(10000), cash(10000), cash(8200)];
        let splits = accepted_shares(&lines, &payments);
        assert_eq!(splits.len(), 2);
        assert_eq!(
            splits[0][0].by_method.cash, 9400,
            "summed by method first: no drift"
        );
        assert_eq!(
            splits[1][0].by_method.cash, 9399,
            "split payment by payment, as stored before"
        );
        let one = accepted_shares(&lines, &[cash(28200)]);
        assert_eq!(one.len(), 1);
        // The lazy check accepts exactly those, signed, and gives today's split back.
        for split in &splits {
            let refund: Vec<_> = split.iter().cloned().map(|s| s.signed(-1)).collect();
            assert_eq!(
                accepted_split(&lines, &payments, -1, &refund).as_ref(),
                Some(&splits[0])
            );
            assert!(!shares_accepted(&lines, &payments, 1, &refund));
        }
        let mut wrong = splits[0].clone();
        wrong[1].by_method.cash += 1;
        assert!(!shares_accepted(&lines, &payments, 1, &wrong));
    }
}
