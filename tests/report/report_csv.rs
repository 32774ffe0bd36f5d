//! CSV outputs parse back to the input, with the contract's header.

use rust_decimal::Decimal;
use souk::report::{Format, render_day, render_phase_totals, render_settlement, sample};

fn parse(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn settlement_csv_round_trips() {
    let report = sample::settlement();
    let bytes = render_settlement(&report, Format::Csv).unwrap();
    let (header, rows) = parse(&bytes);
    assert_eq!(
        header.join(","),
        "phase,exhibitor_code,exhibitor_name,tickets,gross,refunds,net,cash,card,mobile,other,\
         commission,stall_fee,collected_by_organiser,collected_by_exhibitor,due_to_exhibitor"
    );
    assert_eq!(
        rows.len(),
        report.rows.len(),
        "one row per exhibitor, no totals row"
    );
    for (got, want) in rows.iter().zip(&report.rows) {
        assert_eq!(got[0], want.phase.to_string());
        assert_eq!(got[1], want.exhibitor_code);
        assert_eq!(got[2], want.exhibitor_name);
        assert_eq!(got[3].parse::<u64>().unwrap(), want.tickets);
        let money = [
            want.gross,
            want.refunds,
            want.net,
            want.cash,
            want.card,
            want.mobile,
            want.other,
            want.commission,
            want.stall_fee,
            want.collected_by_organiser,
            want.collected_by_exhibitor,
            want.due_to_exhibitor,
        ];
        for (cell, value) in got[4..].iter().zip(money) {
            assert_eq!(dec(cell), value);
            let (_, frac) = cell.split_once('.').expect("always a dot and 2 decimals");
            assert_eq!(frac.len(), 2, "{cell}");
        }
    }
}

#[test]
fn settlement_csv_machine_format_details() {
    let text =
        String::from_utf8(render_settlement(&sample::settlement(), Format::Csv).unwrap()).unwrap();
    assert!(
        text.contains("\"Coopérative Al Baraka, miel & amlou d'Imouzzer\""),
        "{text}"
    );
    assert!(text.contains(",-104.60\n"), "{text}");
    assert!(
        text.contains("E015,Association Tifawin,0,0.00,0.00,"),
        "{text}"
    );
    assert!(text.contains("12250.00"), "no thousands separator: {text}");
}

#[test]
fn day_csv_round_trips() {
    let report = sample::day();
    let (header, rows) = parse(&render_day(&report, Format::Csv).unwrap());
    assert_eq!(
        header.join(","),
        "date,till,exhibitor_code,exhibitor_name,tickets,gross,refunds,net,cash,card,mobile,other"
    );
    assert_eq!(rows.len(), report.rows.len());
    for (got, want) in rows.iter().zip(&report.rows) {
        assert_eq!((got[0].as_str(), got[1].as_str()), ("2025-05-02", "T01"));
        assert_eq!(got[2], want.exhibitor_code);
        assert_eq!(got[3], want.exhibitor_name);
        assert_eq!(dec(&got[7]), want.net);
        assert_eq!(
            dec(&got[8]) + dec(&got[9]) + dec(&got[10]) + dec(&got[11]),
            want.net
        );
    }
}

#[test]
fn phase_totals_csv_round_trips() {
    let p = sample::phase_totals();
    let (header, rows) = parse(&render_phase_totals(&p, Format::Csv).unwrap());
    assert_eq!(
        header.join(","),
        "phase,section,key,label,label_ar,exhibitor_code,exhibitors,tickets,quantity,unit,net"
    );
    let find = |section: &str, key: &str| {
        rows.iter()
            .find(|r| r[1] == section && (r[2] == key || r[3] == key))
            .unwrap()
    };
    assert_eq!(dec(&find("total", "net")[10]), p.net);
    assert_eq!(find("total", "net")[7], "67");
    assert_eq!(dec(&find("total", "average_basket")[10]), p.average_basket);
    assert_eq!(dec(&find("method", "cash")[10]), p.by_method.cash);
    assert_eq!(dec(&find("women_led", "oui")[10]), p.women_led[0].net);
    let argan = find("product", "ARG-250");
    assert_eq!(argan[4], "زيت أركان");
    assert_eq!((argan[8].as_str(), argan[9].as_str()), ("61", "piece"));
    let groups: usize = p.groups().iter().map(|g| g.2.len()).sum();
    assert_eq!(rows.len(), 2 + 4 + groups + p.top_products.len());
}
