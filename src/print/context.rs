//! What each printed document shows: plain data the ledger fills in.
//!
//! Money stays `Decimal` here and is serialised for the templates as text for
//! people (`1.234,50 DH`); amounts that are zero and optional are serialised as
//! `none` so templates can test them.

use rust_decimal::Decimal;
use serde::Serialize;

use super::money::{Unit, format_qty, ser_dh, ser_dh_nonzero, ser_dh_opt, ser_rate};

#[derive(Debug, Clone, Serialize)]
pub struct MarketInfo {
    pub name: String,
    pub organiser: String,
    pub city: String,
}

/// Templates see the ticket kind as its code (`sale`, `refund`).
pub use crate::domain::TicketKind;

#[derive(Debug, Clone, Serialize)]
pub struct TicketInfo {
    /// `T01-000042`
    pub number: String,
    pub kind: TicketKind,
    /// For a refund: the ticket it reverses.
    pub refund_of: Option<String>,
    /// Local date and time as printed, e.g. `14/05/2025 10:32`.
    pub datetime: String,
    pub cashier: String,
    pub till: String,
    /// The central desk sells on behalf of the exhibitors.
    pub on_behalf: bool,
    /// A reprint, or a retry after a partial print: shows "DUPLICATA".
    pub duplicate: bool,
    /// A paper sale entered by hand afterwards, with the paper's reference.
    pub manual: bool,
    pub ticket_ref: Option<String>,
    /// The supervisor who approved something on this ticket (a refund, a discount, a price).
    pub approver: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExhibitorInfo {
    pub code: String,
    pub name: String,
    pub ice: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReceiptLine {
    pub name_fr: String,
    pub name_ar: Option<String>,
    pub exhibitor: String,
    pub qty: Decimal,
    pub unit: Unit,
    pub unit_price: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
}

/// What templates see of a line: `qty` is text with its unit (`0,750 kg`, `3`).
#[derive(Serialize)]
struct LineView<'a> {
    name_fr: &'a str,
    name_ar: Option<&'a str>,
    exhibitor: &'a str,
    qty: String,
    unit: Unit,
    #[serde(serialize_with = "ser_dh")]
    unit_price: Decimal,
    #[serde(serialize_with = "ser_dh_nonzero")]
    discount: Decimal,
    /// Quantity × unit price, before the line's discount.
    #[serde(serialize_with = "ser_dh")]
    gross: Decimal,
    #[serde(serialize_with = "ser_dh")]
    total: Decimal,
}

impl Serialize for ReceiptLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        LineView {
            name_fr: &self.name_fr,
            name_ar: self.name_ar.as_deref().filter(|a| !a.trim().is_empty()),
            exhibitor: &self.exhibitor,
            qty: format_qty(self.qty, self.unit),
            unit: self.unit,
            unit_price: self.unit_price,
            discount: self.discount,
            gross: self.total + self.discount,
            total: self.total,
        }
        .serialize(s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VatLine {
    #[serde(serialize_with = "ser_rate")]
    pub rate: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub base: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub vat: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PaymentMethod {
    #[serde(rename = "Espèces")]
    Cash,
    #[serde(rename = "Carte")]
    Card,
    #[serde(rename = "Mobile")]
    Mobile,
    #[serde(rename = "Autre")]
    Other,
}

impl PaymentMethod {
    /// The code templates decide on (`p.code == "cash"`); `method` is the label they print.
    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Mobile => "mobile",
            PaymentMethod::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PaymentLine {
    pub method: PaymentMethod,
    pub amount: Decimal,
    pub tendered: Option<Decimal>,
    pub change: Option<Decimal>,
    pub card_ref: Option<String>,
}

/// What templates see of a payment: its code, its label (`method`), amounts as text.
#[derive(Serialize)]
struct PaymentView<'a> {
    code: &'static str,
    method: PaymentMethod,
    #[serde(serialize_with = "ser_dh")]
    amount: Decimal,
    #[serde(serialize_with = "ser_dh_opt")]
    tendered: Option<Decimal>,
    #[serde(serialize_with = "ser_dh_opt")]
    change: Option<Decimal>,
    card_ref: Option<&'a str>,
}

impl Serialize for PaymentLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PaymentView {
            code: self.method.code(),
            method: self.method,
            amount: self.amount,
            tendered: self.tendered,
            change: self.change,
            card_ref: self.card_ref.as_deref(),
        }
        .serialize(s)
    }
}

/// A sale or refund receipt (`ticket.kind` tells which template prints it).
#[derive(Debug, Clone, Serialize)]
pub struct SaleReceipt {
    pub market: MarketInfo,
    pub ticket: TicketInfo,
    pub exhibitors: Vec<ExhibitorInfo>,
    pub lines: Vec<ReceiptLine>,
    #[serde(serialize_with = "ser_dh")]
    pub total: Decimal,
    pub vat: Vec<VatLine>,
    pub payments: Vec<PaymentLine>,
    /// Cash rounding ("Arrondi"); zero when none.
    #[serde(serialize_with = "ser_dh_nonzero")]
    pub rounding: Decimal,
    /// First 8 hex digits of the journal entry hash.
    pub hash8: String,
    pub footer: String,
}

impl SaleReceipt {
    /// QR payload: `SOUK1|<ticket>|<hash8>|<total>`, total in machine form
    /// (`1234.50`, `-50.00`). Anyone can check it against the journal
    /// (`souk verify`, or the ticket's journal entry): the hash ties the paper
    /// to the entry, the total to the amount.
    pub fn qr_payload(&self) -> String {
        let total = self
            .total
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        format!(
            "SOUK1|{}|{}|{:.2}",
            self.ticket.number,
            self.hash8.to_ascii_lowercase(),
            total
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReportKind {
    X,
    Z,
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub count: u32,
    #[serde(serialize_with = "ser_dh")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct DenominationCount {
    #[serde(serialize_with = "ser_dh")]
    pub denomination: Decimal,
    pub count: u32,
    #[serde(serialize_with = "ser_dh")]
    pub amount: Decimal,
    /// A total typed instead of counted note by note (no denomination to print).
    pub typed: bool,
}

/// X (mid-shift) or Z (closing) report of one shift.
#[derive(Debug, Clone, Serialize)]
pub struct ShiftReport {
    pub kind: ReportKind,
    pub market: MarketInfo,
    pub till: String,
    /// The shift's id (`T01-S0003`).
    pub shift: String,
    pub cashier: String,
    /// The supervisor who approved the close.
    pub approver: Option<String>,
    pub opened: String,
    pub closed: Option<String>,
    #[serde(serialize_with = "ser_dh")]
    pub opening_float: Decimal,
    pub by_method: Vec<MethodTotal>,
    /// Net of sales and refunds.
    #[serde(serialize_with = "ser_dh")]
    pub takings: Decimal,
    pub tickets: u32,
    /// The sale tickets' total, before refunds.
    #[serde(serialize_with = "ser_dh")]
    pub sales_total: Decimal,
    pub refunds: u32,
    #[serde(serialize_with = "ser_dh")]
    pub refunds_total: Decimal,
    pub abandoned: u32,
    #[serde(serialize_with = "ser_dh")]
    pub rounding_total: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub expected_cash: Decimal,
    /// Empty for an X report taken without counting.
    pub counted: Vec<DenominationCount>,
    #[serde(serialize_with = "ser_dh_opt")]
    pub counted_total: Option<Decimal>,
    #[serde(serialize_with = "ser_dh_opt")]
    pub difference: Option<Decimal>,
    /// Full SHA-256 hex of the newest journal entry.
    pub chain_head: String,
    pub printed_at: String,
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseInfo {
    pub number: u32,
    /// Its name when it says more than its number (`Printemps`, not `Phase 1`).
    pub name: Option<String>,
    pub starts: String,
    pub ends: String,
    /// `18/05/2025 20:10` once closed; `None` while its figures are provisional.
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SettlementFigures {
    pub tickets: u32,
    #[serde(serialize_with = "ser_dh")]
    pub gross: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub refunds: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub cash: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub card: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub mobile: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub other: Decimal,
    #[serde(serialize_with = "ser_rate")]
    pub commission_rate: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub commission: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub stall_fee: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub collected_by_organiser: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub collected_by_exhibitor: Decimal,
    pub due: super::slips::Due,
}

/// Settlement statement of one exhibitor for one phase.
#[derive(Debug, Clone, Serialize)]
pub struct SettlementStatement {
    pub market: MarketInfo,
    pub phase: PhaseInfo,
    pub exhibitor: ExhibitorInfo,
    pub figures: SettlementFigures,
    pub chain_head: String,
    pub printed_at: String,
    pub duplicate: bool,
}

/// Test page; the profile's own figures are added when rendering.
#[derive(Debug, Clone, Serialize)]
pub struct TestPage {
    pub market: Option<MarketInfo>,
    pub printed_at: String,
    pub duplicate: bool,
}
