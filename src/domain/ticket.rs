//! Tickets: what a basket becomes once paid. Lines and payments are validated here, before any storage.
use super::catalogue::Unit;
use super::money::round_money;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentMethod {
    Cash,
    Card,
    Mobile,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [Self::Cash, Self::Card, Self::Mobile, Self::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "cash",
            Self::Card => "card",
            Self::Mobile => "mobile",
            Self::Other => "other",
        }
    }
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::Cash => "Espèces",
            Self::Card => "Carte",
            Self::Mobile => "Mobile",
            Self::Other => "Autre",
        }
    }
}

impl FromStr for PaymentMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "« {} » : moyen de paiement attendu cash, card, mobile ou other",
                    s.trim()
                )
            })
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketKind {
    Sale,
    Refund,
}

impl TicketKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sale => "sale",
            Self::Refund => "refund",
        }
    }
    /// Refund amounts are stored as magnitudes; this gives their sign in sums.
    pub fn sign(self) -> i64 {
        match self {
            Self::Sale => 1,
            Self::Refund => -1,
        }
    }
    pub fn is_refund(self) -> bool {
        self == Self::Refund
    }
}

impl FromStr for TicketKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sale" => Ok(Self::Sale),
            "refund" => Ok(Self::Refund),
            other => Err(format!(
                "« {other} » : type de ticket attendu sale ou refund"
            )),
        }
    }
}

impl serde::Serialize for TicketKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for TicketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum TicketError {
    #[error("le panier est vide")]
    Empty,
    #[error("ligne {0} : quantité nulle ou négative")]
    BadQuantity(usize),
    #[error("ligne {0} : « {1} » se vend à la pièce, pas en quantité décimale")]
    FractionalPiece(usize, String),
    #[error("ligne {0} : prix négatif")]
    NegativePrice(usize),
    #[error("ligne {0} : remise invalide (négative ou supérieure au montant)")]
    BadDiscount(usize),
    #[error("remise sur le ticket invalide (négative ou supérieure au total)")]
    BadTicketDiscount,
    #[error("montant payé {paid} différent du total {due}")]
    PaymentMismatch { paid: Decimal, due: Decimal },
    #[error("paiement {0} : montant nul ou négatif")]
    BadPayment(usize),
    #[error("espèces : {tendered} remis pour {due} à payer")]
    NotEnoughTendered { tendered: Decimal, due: Decimal },
    #[error("ligne {line} : on ne peut rembourser que {left} (déjà remboursé ou non vendu)")]
    RefundTooLarge { line: u32, left: Decimal },
    #[error("ligne {0} inconnue sur le ticket d'origine")]
    UnknownLine(u32),
    #[error("on ne rembourse pas un remboursement")]
    RefundOfRefund,
    /// A bound of DESIGN.md exceeded (price, quantity, line or ticket): the message names which.
    #[error("{0}")]
    OutOfBounds(String),
}

/// A line as the cashier builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDraft {
    /// `None` for a "divers" line (quick entry of an unlabelled item).
    pub product_code: Option<String>,
    pub exhibitor_code: String,
    pub name_fr: String,
    pub name_ar: Option<String>,
    pub unit: Unit,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount: Decimal,
    pub vat_rate: Decimal,
}

impl LineDraft {
    pub fn gross(&self) -> Decimal {
        self.quantity * self.unit_price
    }
    /// qty × unit price − line discount, rounded to the centime half away from zero.
    pub fn total(&self) -> Decimal {
        round_money(self.gross() - self.discount)
    }
    pub(crate) fn check(&self, n: usize) -> Result<(), TicketError> {
        if self.quantity <= Decimal::ZERO {
            return Err(TicketError::BadQuantity(n));
        }
        if !self.unit.allows_fraction() && self.quantity.fract() != Decimal::ZERO {
            return Err(TicketError::FractionalPiece(n, self.name_fr.clone()));
        }
        if self.unit_price < Decimal::ZERO {
            return Err(TicketError::NegativePrice(n));
        }
        let bound = |r: Result<(), String>| {
            r.map_err(|e| TicketError::OutOfBounds(format!("ligne {n} : {e}")))
        };
        bound(super::bounds::check_quantity(self.quantity))?;
        bound(super::bounds::check_amount(
            "prix unitaire",
            self.unit_price,
        ))?;
        bound(super::bounds::check_amount(
            "montant",
            self.gross() - self.discount,
        ))?;
        if self.discount < Decimal::ZERO || self.discount > round_money(self.gross()) {
            return Err(TicketError::BadDiscount(n));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line_no: u32,
    pub product_code: Option<String>,
    pub exhibitor_code: String,
    pub name_fr: String,
    pub name_ar: Option<String>,
    pub unit: Unit,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount: Decimal,
    pub vat_rate: Decimal,
    pub total: Decimal,
    /// On a refund ticket: the line of the original ticket it reverses.
    pub refund_of_line: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    pub method: PaymentMethod,
    pub amount: Decimal,
    /// Cash only: what the customer handed over.
    pub tendered: Option<Decimal>,
    pub reference: Option<String>,
}

impl PaymentDraft {
    pub fn new(method: PaymentMethod, amount: Decimal) -> Self {
        Self {
            method,
            amount,
            tendered: None,
            reference: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub method: PaymentMethod,
    /// The amount applied to the ticket.
    pub amount: Decimal,
    pub tendered: Option<Decimal>,
    pub change: Decimal,
    pub reference: Option<String>,
}

/// Lines and payments of a ticket, checked against each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub lines: Vec<Line>,
    pub payments: Vec<Payment>,
    pub total: Decimal,
    /// Cash rounding ("Arrondi"): what the customer paid in cash above (or below) the exact amount.
    pub rounding: Decimal,
}

pub fn lines_total(lines: &[Line]) -> Decimal {
    lines.iter().map(|l| l.total).sum()
}

/// Rounds a cash amount to the market's step, half away from zero (0.10, 0.50, 1 DH).
pub fn round_cash(amount: Decimal, step: Option<Decimal>) -> Decimal {
    match step {
        Some(s) if s > Decimal::ZERO => round_money(
            (amount / s)
                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                * s,
        ),
        _ => amount,
    }
}
