//! Plain data the report renderers consume (`report`, re-exported there as `report::model`). The storage layer
//! fills these (it never imports `report`); renderers never query anything, so every output is a pure function of
//! its input (that is what makes closed-phase outputs byte-reproducible).
//!
//! Money is `Decimal` with 2 decimal places; quantities are `Decimal` too.
//! Dates are local `YYYY-MM-DD`, date-times local `YYYY-MM-DD HH:MM`.
//!
//! Differences from the first sketch of this model, and why:
//! - `PhaseTotals::by_method` is a [`MethodTotals`] struct, not a list of
//!   pairs: the four methods are fixed by the contract.
//! - `PhaseTotals` also carries `exhibitors`, `chain_head` and `generated_at`:
//!   the region's total is a witness of the journal like the settlement, and
//!   its date must come from the input for reproducible output.
//! - `DayReport` carries an optional `chain_head` for the same reason
//!   (empty string = not printed).

pub use crate::domain::settlement::SettlementFigures;
use rust_decimal::Decimal;

/// The market the report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketHeader {
    pub name: String,
    pub organiser: String,
    pub city: String,
}

/// One phase of the market; `closed_at` is `None` while provisional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseHeader {
    pub number: u32,
    pub name: String,
    /// First day, `YYYY-MM-DD`, inclusive.
    pub starts: String,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub ends: String,
    /// Local `YYYY-MM-DD HH:MM` of the close.
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    /// A complément of the (closed) phase: its late sales, closed on its own.
    pub complement: Option<u32>,
}

impl PhaseHeader {
    /// The phase's name, or for a complément `NAME — complément N` (`Complément N` under a bare « Phase N »).
    pub fn with_complement(mut self, number: u32) -> PhaseHeader {
        let name = self.name.trim();
        self.name =
            if name.is_empty() || name.eq_ignore_ascii_case(&format!("Phase {}", self.number)) {
                format!("Complément {number}")
            } else {
                format!("{name} — complément {number}")
            };
        self.complement = Some(number);
        self
    }

    /// The warning over figures that may still change.
    pub fn provisional(&self) -> String {
        match self.complement {
            Some(c) => format!(
                "PROVISOIRE : complément {c} non clôturé (la phase {} l'est), chiffres susceptibles de changer",
                self.number
            ),
            None => "PROVISOIRE : phase non clôturée, chiffres susceptibles de changer".into(),
        }
    }

    /// A phase is final once closed; before that every figure is provisional.
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }
}

/// Settlement of one exhibitor for one phase (see DESIGN.md, "Settlement"): the domain's figures, which the
/// renderers read through `Deref` (`row.net`), and the phase they belong to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SettlementRow {
    pub phase: u32,
    pub figures: SettlementFigures,
}

impl std::ops::Deref for SettlementRow {
    type Target = SettlementFigures;
    fn deref(&self) -> &SettlementFigures {
        &self.figures
    }
}

impl SettlementRow {
    /// Sums of every money column (and of the rows' ticket counts, which counts a ticket of several exhibitors
    /// once per exhibitor: a report's TOTAL row is [`SettlementReport::totals`], with distinct tickets).
    /// Identity fields are empty, `commission_rate` is zero (a sum of rates
    /// means nothing), `phase` is taken from the first row.
    pub fn totals(rows: &[SettlementRow]) -> SettlementRow {
        let mut t = SettlementFigures::default();
        for r in rows {
            t.tickets += r.tickets;
            t.gross += r.gross;
            t.refunds += r.refunds;
            t.net += r.net;
            t.cash += r.cash;
            t.card += r.card;
            t.mobile += r.mobile;
            t.other += r.other;
            t.commission += r.commission;
            t.stall_fee += r.stall_fee;
            t.collected_by_organiser += r.collected_by_organiser;
            t.collected_by_exhibitor += r.collected_by_exhibitor;
            t.due_to_exhibitor += r.due_to_exhibitor;
        }
        SettlementRow {
            phase: rows.first().map_or(0, |r| r.phase),
            figures: t,
        }
    }
}

/// Takings of one exhibitor on one day of the phase.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DailyRow {
    pub date: String,
    pub exhibitor_code: String,
    pub tickets: u64,
    pub net: Decimal,
    pub cash: Decimal,
    pub card: Decimal,
    pub mobile: Decimal,
    pub other: Decimal,
}

impl DailyRow {
    /// Sums of tickets and money columns; `date`/`exhibitor_code` empty.
    pub fn totals<'a>(rows: impl IntoIterator<Item = &'a DailyRow>) -> DailyRow {
        rows.into_iter().fold(DailyRow::default(), |mut t, r| {
            t.tickets += r.tickets;
            t.net += r.net;
            t.cash += r.cash;
            t.card += r.card;
            t.mobile += r.mobile;
            t.other += r.other;
            t
        })
    }
}

/// What a settlement output prints besides the per-exhibitor figures. The storage layer computes only the
/// parts asked for and leaves the others empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementParts {
    /// The per-day breakdown of each exhibitor (`SettlementReport::daily`).
    pub daily: bool,
    /// The journal witness and edition time (`chain_head`, `generated_at`).
    pub stamp: bool,
    /// The distinct tickets of the TOTAL row (`tickets`).
    pub totals: bool,
}

impl SettlementParts {
    pub const ALL: SettlementParts = SettlementParts {
        daily: true,
        stamp: true,
        totals: true,
    };
}

/// Everything a settlement output shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementReport {
    pub market: MarketHeader,
    pub phase: PhaseHeader,
    /// One per exhibitor of the phase, ordered by code.
    pub rows: Vec<SettlementRow>,
    /// Ordered by date then exhibitor code.
    pub daily: Vec<DailyRow>,
    /// Distinct sale tickets of the settlement (a ticket of three exhibitors is one ticket).
    pub tickets: u64,
    /// Hex SHA-256 of the journal head(s), printed as a witness.
    pub chain_head: String,
    /// Local `YYYY-MM-DD HH:MM` of the printing (a closed phase's close is `phase.closed_at`).
    pub generated_at: String,
}

impl SettlementReport {
    /// The TOTAL row: every money column summed over the exhibitors, tickets counted once each.
    pub fn totals(&self) -> SettlementRow {
        let mut t = SettlementRow::totals(&self.rows);
        t.figures.tickets = self.tickets;
        t
    }

    /// Daily rows of one exhibitor, in input order.
    pub fn daily_of<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a DailyRow> + 'a {
        self.daily.iter().filter(move |d| d.exhibitor_code == code)
    }
}

/// Takings per exhibitor for one day, for all tills or one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayReport {
    pub market: MarketHeader,
    pub date: String,
    pub till: Option<String>,
    pub rows: Vec<DayReportRow>,
    /// Distinct sale tickets of the day (a ticket of three exhibitors is one ticket).
    pub tickets: u64,
    /// Empty when not known (then not printed).
    pub chain_head: String,
    pub generated_at: String,
}

impl DayReport {
    /// Every money column summed over the exhibitors; tickets counted once each.
    pub fn totals(&self) -> DayReportRow {
        DayReportRow {
            tickets: self.tickets,
            ..DayReportRow::totals(&self.rows)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayReportRow {
    pub exhibitor_code: String,
    pub exhibitor_name: String,
    pub tickets: u64,
    pub gross: Decimal,
    pub refunds: Decimal,
    pub net: Decimal,
    pub cash: Decimal,
    pub card: Decimal,
    pub mobile: Decimal,
    pub other: Decimal,
}

impl DayReportRow {
    /// Sums of tickets and every money column; names empty.
    pub fn totals(rows: &[DayReportRow]) -> DayReportRow {
        rows.iter().fold(DayReportRow::default(), |mut t, r| {
            t.tickets += r.tickets;
            t.gross += r.gross;
            t.refunds += r.refunds;
            t.net += r.net;
            t.cash += r.cash;
            t.card += r.card;
            t.mobile += r.mobile;
            t.other += r.other;
            t
        })
    }
}

/// Net takings by payment method.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MethodTotals {
    pub cash: Decimal,
    pub card: Decimal,
    pub mobile: Decimal,
    pub other: Decimal,
}

impl MethodTotals {
    /// `(French label, amount)` in display order.
    pub fn labelled(&self) -> [(&'static str, Decimal); 4] {
        [
            ("Espèces", self.cash),
            ("Carte", self.card),
            ("Mobile", self.mobile),
            ("Autre", self.other),
        ]
    }
}

/// Phase figures the region publishes after a fair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseTotals {
    pub market: MarketHeader,
    pub phase: PhaseHeader,
    pub exhibitors: u64,
    /// Every sale ticket of the phase, late ones (settled in its compléments) included.
    pub tickets: u64,
    /// Net of every ticket of the phase, late ones included.
    pub net: Decimal,
    /// The part of `tickets` and `net` that came late (merged after the close, settled in compléments).
    pub late: LateShare,
    pub average_basket: Decimal,
    pub by_method: MethodTotals,
    pub by_kind: Vec<GroupRow>,
    pub by_province: Vec<GroupRow>,
    pub by_sector: Vec<GroupRow>,
    /// Labels "oui" / "non".
    pub women_led: Vec<GroupRow>,
    /// Best sellers by net, best first.
    pub top_products: Vec<ProductRow>,
    pub chain_head: String,
    pub generated_at: String,
}

impl PhaseTotals {
    /// `(French title, machine name, rows)` of each breakdown, in order.
    pub fn groups(&self) -> [(&'static str, &'static str, &[GroupRow]); 4] {
        [
            ("Par forme juridique", "kind", &self.by_kind),
            ("Par province", "province", &self.by_province),
            ("Par secteur", "sector", &self.by_sector),
            ("Coopératives de femmes", "women_led", &self.women_led),
        ]
    }
}

/// Late tickets of a phase: how many sale tickets, and their net (late refunds included).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LateShare {
    pub tickets: u64,
    pub net: Decimal,
}

impl LateShare {
    pub fn is_empty(&self) -> bool {
        self.tickets == 0 && self.net.is_zero()
    }
}

/// One line of a breakdown (by kind, province, sector, women-led): `tickets` counts each ticket of the group
/// once, however many of the group's exhibitors it has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupRow {
    pub label: String,
    pub exhibitors: u64,
    pub tickets: u64,
    pub net: Decimal,
}

/// One best-selling product.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductRow {
    pub code: String,
    pub name_fr: String,
    pub name_ar: Option<String>,
    pub exhibitor_code: String,
    pub quantity: Decimal,
    /// `piece`, `kg`, `l`.
    pub unit: String,
    pub net: Decimal,
}

#[cfg(test)]
mod tests {
    use super::PhaseHeader;

    fn phase(name: &str) -> PhaseHeader {
        PhaseHeader {
            number: 1,
            name: name.into(),
            starts: "2026-11-20".into(),
            ends: "2026-11-29".into(),
            closed_at: None,
            closed_by: None,
            complement: None,
        }
    }

    #[test]
    fn a_complement_is_named_once_and_called_provisional_as_a_complement() {
        let bare = phase("Phase 1").with_complement(2);
        assert_eq!(bare.name, "Complément 2");
        assert!(
            bare.provisional().contains("complément 2 non clôturé"),
            "{}",
            bare.provisional()
        );
        assert_eq!(
            phase("Printemps").with_complement(1).name,
            "Printemps — complément 1"
        );
        assert!(
            phase("Printemps")
                .provisional()
                .contains("phase non clôturée")
        );
    }
}
