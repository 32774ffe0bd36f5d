//! What the till's slips show besides receipts and shift reports: a stall's takings of the day, the day over
//! all tills, a phase's settlement summary and totals, the tills' status. Plain data the `documents` module
//! fills in from what the till already holds; `receipts/*.j2` print it at the profile's width.
//!
//! Amounts are serialised as text for people (`1.234,50 DH`); everything a template decides on is a code or
//! a flag, never a printed word.

use rust_decimal::Decimal;
use serde::Serialize;

use super::context::{ExhibitorInfo, MarketInfo, MethodTotal, PhaseInfo, SettlementFigures};
use super::money::ser_dh;

/// One stall's takings of one day at one till (the slip handed to a cooperative).
#[derive(Debug, Clone, Serialize)]
pub struct StallSlip {
    pub market: MarketInfo,
    /// `YYYY-MM-DD`, names the job.
    #[serde(skip)]
    pub day: String,
    /// `14/05/2026`, as printed.
    pub date: String,
    pub till: String,
    pub exhibitor: ExhibitorInfo,
    pub tickets: u64,
    #[serde(serialize_with = "ser_dh")]
    pub gross: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub refunds: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
    /// Every method, zero ones included: the cooperative checks each against its own count.
    pub by_method: Vec<MethodTotal>,
    pub printed_at: String,
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DaySlipRow {
    pub code: String,
    pub name: String,
    pub tickets: u64,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
}

/// Daily takings per exhibitor (one till or all), with the day's totals.
#[derive(Debug, Clone, Serialize)]
pub struct DaySlip {
    pub market: MarketInfo,
    /// `YYYY-MM-DD`, names the job.
    #[serde(skip)]
    pub day: String,
    /// `14/05/2026`, as printed.
    pub date: String,
    /// `None`: every till recorded in this database.
    pub till: Option<String>,
    pub rows: Vec<DaySlipRow>,
    /// Tickets summed over exhibitors (a ticket of two stalls counts for each).
    pub tickets: u64,
    #[serde(serialize_with = "ser_dh")]
    pub gross: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub refunds: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
    pub by_method: Vec<MethodTotal>,
    /// Empty when not known (then not printed).
    pub chain_head: String,
    pub printed_at: String,
    pub duplicate: bool,
}

/// What is due between the organiser and one exhibitor, or all of them: the amount and which way it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The exhibitor owes the organiser (a negative balance).
    pub by_exhibitor: bool,
    #[serde(serialize_with = "ser_dh")]
    pub amount: Decimal,
}

impl Due {
    /// From the signed amount due to the exhibitor.
    pub fn of(due_to_exhibitor: Decimal) -> Due {
        Due {
            by_exhibitor: due_to_exhibitor < Decimal::ZERO,
            amount: due_to_exhibitor.abs(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseSummaryRow {
    pub exhibitor: ExhibitorInfo,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
    pub due: Due,
}

/// A phase's settlement on a roll: per exhibitor its net and what is due, then the totals.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseSummary {
    pub market: MarketInfo,
    pub phase: PhaseInfo,
    pub rows: Vec<PhaseSummaryRow>,
    pub totals: SettlementFigures,
    pub chain_head: String,
    pub printed_at: String,
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupLine {
    /// What people read (`Coopérative`, `Non renseigné`).
    pub label: String,
    pub exhibitors: u64,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
}

/// One breakdown of the phase's figures; `code` (`kind`, `province`, `sector`, `women_led`) picks its title.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub code: &'static str,
    pub rows: Vec<GroupLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductLine {
    pub code: String,
    pub name: String,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
}

/// The figures a region publishes after a fair, on a roll.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseTotalsSlip {
    pub market: MarketInfo,
    pub phase: PhaseInfo,
    pub exhibitors: u64,
    pub tickets: u64,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
    #[serde(serialize_with = "ser_dh")]
    pub average_basket: Decimal,
    /// Late tickets of the phase (settled in its compléments), counted in `tickets` and `net`; `None` if none.
    pub late: Option<LateLine>,
    pub by_method: Vec<MethodTotal>,
    pub groups: Vec<Breakdown>,
    /// Best sellers by net, best first.
    pub top_products: Vec<ProductLine>,
    pub chain_head: String,
    pub printed_at: String,
    pub duplicate: bool,
}

/// The part of a phase's figures that came late.
#[derive(Debug, Clone, Serialize)]
pub struct LateLine {
    pub tickets: u64,
    #[serde(serialize_with = "ser_dh")]
    pub net: Decimal,
}

/// One till as the organiser's database knows it.
#[derive(Debug, Clone, Serialize)]
pub struct TillLine {
    pub till: String,
    pub name: Option<String>,
    pub tickets: u64,
    pub last_ticket: Option<String>,
    /// Missing ticket numbers, `3–4, 9`; `None` when the numbering has no gap.
    pub gaps: Option<String>,
    /// Tickets merged after their phase closed (settled in a complement).
    pub late: u64,
    /// `14/05/2026 18:02`, local time.
    pub last_merge: Option<String>,
}

/// The market's tills: tickets recorded here for each, gaps in numbering, the last merge.
#[derive(Debug, Clone, Serialize)]
pub struct TillsStatus {
    pub market: MarketInfo,
    /// `YYYY-MM-DD`, names the job.
    #[serde(skip)]
    pub day: String,
    pub tills: Vec<TillLine>,
    pub printed_at: String,
    pub duplicate: bool,
}
