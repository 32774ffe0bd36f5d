//! The canonical ticket text read back gives the same text when encoded again (escapes, Arabic, options).
use rust_decimal::dec;
use souk::domain::canonical::{TicketHead, encode_ticket};
use souk::domain::{Line, Payment, PaymentMethod, Unit};
use souk::sync::decode_ticket;

#[test]
fn decode_then_encode_is_the_identity() {
    let head = TicketHead {
        id: "T01-000042".into(),
        chain: "T01".into(),
        till: "T01".into(),
        number: 42,
        kind: souk::domain::TicketKind::Refund,
        refund_of: Some("T01-000007".into()),
        at_utc: "2025-07-02T10:15:00Z".into(),
        utc_offset: 3600,
        phase: 1,
        cashier: "Fatima | caisse\\2".into(),
        shift: None,
        manual: true,
        ticket_ref: Some("papier\n12".into()),
        total: dec!(30.25),
        rounding: dec!(0),
    };
    let line = Line {
        line_no: 1,
        product_code: None,
        exhibitor_code: "E01".into(),
        name_fr: "Amlou | pot \\ 250 g".into(),
        name_ar: Some("أملو".into()),
        unit: Unit::Kg,
        quantity: dec!(1.250),
        unit_price: dec!(24.20),
        discount: dec!(0),
        vat_rate: dec!(0.2),
        total: dec!(30.25),
        refund_of_line: Some(3),
    };
    let pay = Payment {
        method: PaymentMethod::Cash,
        amount: dec!(30.25),
        tendered: None,
        change: dec!(0),
        reference: None,
    };
    let text = encode_ticket(&head, &[line], &[pay]);
    let (h, l, p) = decode_ticket(&text).unwrap();
    assert_eq!(h, head);
    assert_eq!(encode_ticket(&h, &l, &p), text);
    assert!(decode_ticket("souk-ticket/2\n").is_err());
}
