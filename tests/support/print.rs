//! Shared fixtures for the print tests: realistic documents and fake printers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rust_decimal::Decimal;
use rust_decimal::dec;
use souk::print::*;

pub fn market() -> MarketInfo {
    MarketInfo {
        name: "Salon régional de l'ESS".into(),
        organiser: "Conseil régional Fès-Meknès".into(),
        city: "Ifrane".into(),
    }
}

fn line(
    fr: &str,
    ar: Option<&str>,
    ex: &str,
    qty: Decimal,
    unit: Unit,
    price: Decimal,
    disc: Decimal,
) -> ReceiptLine {
    let total = (qty * price - disc).round_dp(2);
    ReceiptLine {
        name_fr: fr.into(),
        name_ar: ar.map(Into::into),
        exhibitor: ex.into(),
        qty,
        unit,
        unit_price: price,
        discount: disc,
        total,
    }
}

/// A typical 5-line French sale; `arabic` adds Arabic names to 3 lines.
pub fn sale(arabic: bool) -> SaleReceipt {
    let ar = |s: &'static str| if arabic { Some(s) } else { None };
    let lines = vec![
        line(
            "Huile d'argan alimentaire 250 ml",
            ar("زيت الأركان"),
            "E017",
            dec!(2),
            Unit::Piece,
            dec!(120),
            dec!(0),
        ),
        line(
            "Amlou aux amandes",
            ar("أملو باللوز"),
            "E023",
            dec!(1),
            Unit::Piece,
            dec!(85),
            dec!(0),
        ),
        line(
            "Miel de thym",
            ar("عسل الزعتر"),
            "E017",
            dec!(0.750),
            Unit::Kg,
            dec!(180),
            dec!(0),
        ),
        line(
            "Savon noir à l'eucalyptus",
            None,
            "E023",
            dec!(3),
            Unit::Piece,
            dec!(15),
            dec!(5),
        ),
        line(
            "Couscous d'orge « beldi »",
            None,
            "E017",
            dec!(1),
            Unit::Piece,
            dec!(30),
            dec!(0),
        ),
    ];
    let total: Decimal = lines.iter().map(|l| l.total).sum();
    SaleReceipt {
        market: market(),
        ticket: TicketInfo {
            number: "T01-000042".into(),
            kind: TicketKind::Sale,
            refund_of: None,
            datetime: "14/05/2025 10:32".into(),
            cashier: "Fatima Zahra".into(),
            till: "T01".into(),
            on_behalf: true,
            duplicate: false,
            manual: false,
            ticket_ref: None,
            approver: None,
        },
        exhibitors: vec![
            ExhibitorInfo {
                code: "E017".into(),
                name: "Coopérative Tighanimine".into(),
                ice: Some("001234567000089".into()),
            },
            ExhibitorInfo {
                code: "E023".into(),
                name: "Coopérative Amlou Souss".into(),
                ice: None,
            },
        ],
        lines,
        total,
        vat: vec![VatLine {
            rate: dec!(0.20),
            base: dec!(33.33),
            vat: dec!(6.67),
        }],
        payments: vec![PaymentLine {
            method: PaymentMethod::Cash,
            amount: total,
            tendered: Some(dec!(550)),
            change: Some(dec!(550) - total),
            card_ref: None,
        }],
        rounding: dec!(0),
        hash8: "3f9a0c1b".into(),
        footer: "Achetez solidaire — merci !".into(),
    }
}

pub fn refund() -> SaleReceipt {
    let mut r = sale(true);
    r.ticket.number = "T01-000043".into();
    r.ticket.kind = TicketKind::Refund;
    r.ticket.refund_of = Some("T01-000042".into());
    r.lines.truncate(1);
    r.lines[0].qty = dec!(-1);
    r.lines[0].total = dec!(-120);
    r.total = dec!(-120);
    r.vat.clear();
    r.payments = vec![PaymentLine {
        method: PaymentMethod::Cash,
        amount: dec!(-120),
        tendered: None,
        change: None,
        card_ref: None,
    }];
    r.hash8 = "a1b2c3d4".into();
    r.ticket.approver = Some("Karim Benali".into());
    r
}

/// A paper sale entered afterwards at a market with no organiser or city given, sold by an exhibitor whose
/// name is in Arabic.
pub fn paper_sale() -> SaleReceipt {
    let mut r = sale(false);
    r.market.organiser = String::new();
    r.market.city = String::new();
    r.ticket.manual = true;
    r.ticket.ticket_ref = Some("Carnet 3 p. 12".into());
    r.ticket.on_behalf = false;
    r.exhibitors.truncate(1);
    r.exhibitors[0].name = "تعاونية الأمل".into();
    r.exhibitors[0].ice = None;
    for l in &mut r.lines {
        l.exhibitor = r.exhibitors[0].code.clone();
    }
    r
}

pub fn z_report() -> ShiftReport {
    ShiftReport {
        kind: ReportKind::Z,
        market: market(),
        till: "T01".into(),
        shift: "T01-S0003".into(),
        cashier: "Fatima Zahra".into(),
        approver: Some("Karim Benali".into()),
        opened: "14/05/2025 09:00".into(),
        closed: Some("14/05/2025 19:05".into()),
        opening_float: dec!(500),
        by_method: vec![
            MethodTotal {
                method: PaymentMethod::Cash,
                count: 38,
                amount: dec!(6420.50),
            },
            MethodTotal {
                method: PaymentMethod::Card,
                count: 7,
                amount: dec!(2310),
            },
            MethodTotal {
                method: PaymentMethod::Mobile,
                count: 3,
                amount: dec!(415),
            },
        ],
        takings: dec!(9145.50),
        tickets: 48,
        sales_total: dec!(9265.50),
        refunds: 1,
        refunds_total: dec!(-120),
        abandoned: 2,
        rounding_total: dec!(-1.30),
        expected_cash: dec!(6920.50),
        counted: vec![
            DenominationCount {
                denomination: dec!(200),
                count: 25,
                amount: dec!(5000),
                typed: false,
            },
            DenominationCount {
                denomination: dec!(100),
                count: 15,
                amount: dec!(1500),
                typed: false,
            },
            DenominationCount {
                denomination: dec!(20),
                count: 20,
                amount: dec!(400),
                typed: false,
            },
            DenominationCount {
                denomination: dec!(0.5),
                count: 40,
                amount: dec!(20),
                typed: false,
            },
        ],
        counted_total: Some(dec!(6920)),
        difference: Some(dec!(-0.50)),
        chain_head: "9c1e4b7a0d3f2e6b8a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a".into(),
        printed_at: "14/05/2025 19:06".into(),
        duplicate: false,
    }
}

pub fn settlement() -> SettlementStatement {
    SettlementStatement {
        market: market(),
        phase: PhaseInfo {
            number: 2,
            name: None,
            starts: "12/05/2025".into(),
            ends: "18/05/2025".into(),
            closed_at: Some("18/05/2025 20:02".into()),
            closed_by: Some("Karim Alaoui".into()),
        },
        exhibitor: ExhibitorInfo {
            code: "E017".into(),
            name: "Coopérative Tighanimine".into(),
            ice: Some("001234567000089".into()),
        },
        figures: SettlementFigures {
            tickets: 214,
            gross: dec!(38450),
            refunds: dec!(240),
            net: dec!(38210),
            cash: dec!(25110.40),
            card: dec!(9870.60),
            mobile: dec!(3229),
            other: dec!(0),
            commission_rate: dec!(0.05),
            commission: dec!(1910.50),
            stall_fee: dec!(500),
            collected_by_organiser: dec!(38210),
            collected_by_exhibitor: dec!(0),
            due: Due::of(dec!(35799.50)),
        },
        chain_head: "9c1e4b7a0d3f2e6b8a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a".into(),
        printed_at: "18/05/2025 20:10".into(),
        duplicate: false,
    }
}

pub fn test_page() -> TestPage {
    TestPage {
        market: Some(market()),
        printed_at: "14/05/2025 08:45".into(),
        duplicate: false,
    }
}

pub fn profile(name: &str) -> Profile {
    Profile::embedded(name).unwrap()
}

/// An embedded profile switched to Arabic through CP864 (`ESC t 37`, Epson).
pub fn arabic_codepage_profile(name: &str) -> Profile {
    let mut p = profile(name);
    p.arabic = souk::print::profile::ArabicMode::Codepage;
    p.arabic_codepage_number = Some(37);
    p
}

/// The job bytes a fake printer received, real-time status queries removed.
pub fn strip_status_queries(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(&[0x10, 0x04]) && i + 2 < bytes.len() {
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// How the fake network printer behaves on one connection.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    /// Answers every status query "ready" and keeps everything.
    Good,
    /// Answers status, then closes after this many job bytes.
    CloseAfter(usize),
}

/// A fake TCP printer on 127.0.0.1; each finished connection's job bytes are
/// pushed to the returned list. Connections follow `plan` then stay `Good`.
pub fn fake_network_printer(plan: Vec<Behaviour>) -> (u16, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let rec = received.clone();
    std::thread::spawn(move || {
        for (n, conn) in listener.incoming().enumerate() {
            let Ok(conn) = conn else { return };
            let b = plan.get(n).copied().unwrap_or(Behaviour::Good);
            let data = serve(conn, b);
            rec.lock().unwrap().push(data);
        }
    });
    (port, received)
}

fn serve(mut conn: TcpStream, b: Behaviour) -> Vec<u8> {
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        all.extend_from_slice(&buf[..n]);
        if let Behaviour::CloseAfter(limit) = b {
            let job = strip_status_queries(&all);
            if job.len() >= limit {
                // Only the first `limit` bytes made it to paper.
                return job[..limit].to_vec();
            }
        }
        if all.len() >= 3 && all[all.len() - 3..all.len() - 1] == [0x10, 0x04] {
            let _ = conn.write_all(&[0x12]);
        }
    }
    strip_status_queries(&all)
}
