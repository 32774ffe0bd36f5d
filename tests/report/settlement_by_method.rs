//! A ticket paid by several cash payments is split once per method: its exhibitors' cash equals their net to
//! the centime (the 1-centime drift of splitting each payment apart is gone).
use rust_decimal::{Decimal, dec};
use souk::domain::settlement::exhibitor_shares;
use souk::domain::{Line, Payment, PaymentMethod, Unit};

fn line(no: u32, ex: &str, total: Decimal) -> Line {
    Line {
        line_no: no,
        product_code: None,
        exhibitor_code: ex.into(),
        name_fr: "Divers".into(),
        name_ar: None,
        unit: Unit::Piece,
        quantity: dec!(1),
        unit_price: total,
        discount: dec!(0),
        vat_rate: dec!(0),
        total,
        refund_of_line: None,
    }
}

fn cash(amount: Decimal) -> Payment {
    Payment {
        method: PaymentMethod::Cash,
        amount,
        tendered: Some(amount),
        change: dec!(0),
        reference: None,
    }
}

#[test]
fn three_cash_payments_are_one_cash_amount() {
    let lines = [line(1, "E001", dec!(94)), line(2, "E002", dec!(188))];
    let payments = [cash(dec!(100)), cash(dec!(100)), cash(dec!(82))];
    let shares = exhibitor_shares(&lines, &payments);
    let got: Vec<(&str, i64, i64)> = shares
        .iter()
        .map(|s| (s.exhibitor_code.as_str(), s.net, s.by_method.cash))
        .collect();
    assert_eq!(got, vec![("E001", 9400, 9400), ("E002", 18800, 18800)]);
}

#[test]
fn each_method_is_split_apart_and_adds_up() {
    let lines = [line(1, "E001", dec!(94)), line(2, "E002", dec!(188))];
    let card = Payment {
        method: PaymentMethod::Card,
        reference: Some("4242".into()),
        tendered: None,
        ..cash(dec!(100))
    };
    let payments = [cash(dec!(100)), card, cash(dec!(82))];
    let shares = exhibitor_shares(&lines, &payments);
    let sum = |m: PaymentMethod| shares.iter().map(|s| s.by_method[m]).sum::<i64>();
    assert_eq!(
        (sum(PaymentMethod::Cash), sum(PaymentMethod::Card)),
        (18200, 10000)
    );
    assert_eq!(shares[0].by_method.cash + shares[0].by_method.card, 9400);
}
