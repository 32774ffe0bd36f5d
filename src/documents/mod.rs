//! Printable documents built from the ledger: the bridge between storage and the print module's contexts.
pub mod paper;
pub mod sink;
pub mod slips;
use crate::domain::money::round_money;
use crate::domain::{Collector, PaymentMethod, Unit};
use crate::print::{
    self, ExhibitorInfo, MarketInfo, PaymentLine, ReceiptLine, SaleReceipt, TicketInfo, VatLine,
};
use crate::storage::catalogue;
use crate::storage::tickets::{Ticket, load_ticket};
use anyhow::{Result, anyhow};
use rusqlite::Connection;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Printed under the thanks of every receipt.
pub const FOOTER: &str = "Économie sociale et solidaire";

pub fn market_info(conn: &Connection) -> Result<MarketInfo> {
    let m = catalogue::market(conn)?;
    Ok(MarketInfo {
        name: m.name,
        organiser: m.organiser,
        city: m.city,
    })
}

/// Local `dd/mm/yyyy HH:MM` of a stored instant (UTC text + offset in seconds).
pub fn local_display(at_utc: &str, offset: i32) -> String {
    let Ok(ts) = at_utc.parse::<jiff::Timestamp>() else {
        return at_utc.to_string();
    };
    let Ok(off) = jiff::tz::Offset::from_seconds(offset) else {
        return at_utc.to_string();
    };
    ts.to_zoned(jiff::tz::TimeZone::fixed(off))
        .strftime("%d/%m/%Y %H:%M")
        .to_string()
}

fn unit(u: Unit) -> print::Unit {
    match u {
        Unit::Piece => print::Unit::Piece,
        Unit::Kg => print::Unit::Kg,
        Unit::Litre => print::Unit::L,
    }
}

fn method(m: PaymentMethod) -> print::PaymentMethod {
    match m {
        PaymentMethod::Cash => print::PaymentMethod::Cash,
        PaymentMethod::Card => print::PaymentMethod::Card,
        PaymentMethod::Mobile => print::PaymentMethod::Mobile,
        PaymentMethod::Other => print::PaymentMethod::Other,
    }
}

/// VAT extracted per rate from VAT-inclusive line totals: vat = total × r / (1 + r), rounded to the centime.
pub fn vat_lines(t: &Ticket) -> Vec<VatLine> {
    let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for l in &t.lines {
        *by_rate.entry(l.vat_rate.normalize()).or_default() += l.total;
    }
    by_rate
        .into_iter()
        .map(|(rate, incl)| {
            let vat = round_money(incl * rate / (Decimal::ONE + rate));
            VatLine {
                rate,
                base: incl - vat,
                vat,
            }
        })
        .collect()
}

/// The receipt of a stored ticket; `duplicate` for a reprint.
pub fn sale_receipt(conn: &Connection, ticket_id: &str, duplicate: bool) -> Result<SaleReceipt> {
    let t =
        load_ticket(conn, ticket_id)?.ok_or_else(|| anyhow!("ticket {ticket_id} introuvable"))?;
    receipt_of(conn, &t, duplicate)
}

/// The receipt of a ticket in hand (the one a commit returns; `conn` may be its transaction), with the
/// market's and exhibitors' details.
pub fn receipt_of(conn: &Connection, t: &Ticket, duplicate: bool) -> Result<SaleReceipt> {
    let exhibitors = catalogue::exhibitors(conn)?;
    let mut codes: Vec<&str> = t.lines.iter().map(|l| l.exhibitor_code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let on_behalf = catalogue::tills(conn)?
        .iter()
        .any(|k| k.id == t.head.till && k.collector == Collector::Organiser);
    Ok(SaleReceipt {
        market: market_info(conn)?,
        ticket: TicketInfo {
            number: t.head.id.clone(),
            kind: t.kind(),
            refund_of: t.head.refund_of.clone(),
            datetime: local_display(&t.head.at_utc, t.head.utc_offset),
            cashier: t.head.cashier.clone(),
            till: t.head.till.clone(),
            on_behalf,
            duplicate,
            manual: t.head.manual,
            ticket_ref: t.head.ticket_ref.clone(),
            approver: crate::storage::journal::ticket_approver(conn, &t.head.id)?,
        },
        exhibitors: codes
            .iter()
            .map(|c| {
                let e = exhibitors.iter().find(|e| e.code == *c);
                ExhibitorInfo {
                    code: c.to_string(),
                    name: e.map(|e| e.name.clone()).unwrap_or_default(),
                    ice: e.and_then(|e| e.ice.clone()),
                }
            })
            .collect(),
        lines: t
            .lines
            .iter()
            .map(|l| ReceiptLine {
                name_fr: l.name_fr.clone(),
                name_ar: l.name_ar.clone(),
                exhibitor: l.exhibitor_code.clone(),
                qty: l.quantity,
                unit: unit(l.unit),
                unit_price: l.unit_price,
                discount: l.discount,
                total: l.total,
            })
            .collect(),
        total: t.head.total,
        vat: vat_lines(t),
        payments: t
            .payments
            .iter()
            .map(|p| PaymentLine {
                method: method(p.method),
                amount: p.amount,
                tendered: p.tendered,
                change: (p.method == PaymentMethod::Cash).then_some(p.change),
                card_ref: p.reference.clone(),
            })
            .collect(),
        rounding: t.head.rounding,
        hash8: t.short_hash().to_string(),
        footer: FOOTER.into(),
    })
}
