//! The basket in progress and what the search field's text means on Enter.
use crate::domain::money::{parse_human_amount, parse_human_quantity};
use crate::domain::{LineDraft, PaymentDraft, Product, Unit};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Default)]
pub struct Basket {
    pub lines: Vec<LineDraft>,
    /// The supervisor who approved a price override on this basket (named on the ticket's journal entry).
    pub approver: Option<String>,
    /// The payments typed on the payment screen (a card charged stays known until the sale commits).
    pub payments: Vec<PaymentDraft>,
    /// The lines and payments as last written to the till's draft in the database.
    saved: Vec<LineDraft>,
    saved_payments: Vec<PaymentDraft>,
    /// Keep the basket in memory only, no draft written (the benchmark's comparison).
    pub no_draft: bool,
}

impl Basket {
    pub fn total(&self) -> Decimal {
        self.lines.iter().map(|l| l.total()).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
    /// Empties the basket; the draft in the database is removed at the next [`Basket::unsaved`] check.
    pub fn clear(&mut self) {
        let saved = std::mem::take(&mut self.saved);
        let saved_payments = std::mem::take(&mut self.saved_payments);
        let no_draft = self.no_draft;
        *self = Basket::default();
        self.saved = saved;
        self.saved_payments = saved_payments;
        self.no_draft = no_draft;
    }
    pub fn add(&mut self, p: &Product, qty: Decimal) {
        self.lines.push(line_for(p, qty));
    }
    /// The lines or payments changed since the draft was last written.
    pub fn unsaved(&self) -> bool {
        self.lines != self.saved || self.payments != self.saved_payments
    }
    pub fn mark_saved(&mut self) {
        self.saved.clone_from(&self.lines);
        self.saved_payments.clone_from(&self.payments);
    }
}

pub fn line_for(p: &Product, qty: Decimal) -> LineDraft {
    LineDraft {
        product_code: Some(p.code.clone()),
        exhibitor_code: p.exhibitor_code.clone(),
        name_fr: p.name_fr.clone(),
        name_ar: p.name_ar.clone(),
        unit: p.unit,
        quantity: qty,
        unit_price: p.price,
        discount: Decimal::ZERO,
        vat_rate: p.vat_rate,
    }
}

/// A "divers" line: an unlabelled item of an exhibitor at a typed price.
pub fn divers_line(exhibitor: &str, label: &str, qty: Decimal, price: Decimal) -> LineDraft {
    LineDraft {
        product_code: None,
        exhibitor_code: exhibitor.into(),
        name_fr: label.into(),
        name_ar: None,
        unit: Unit::Piece,
        quantity: qty,
        unit_price: price,
        discount: Decimal::ZERO,
        vat_rate: Decimal::ZERO,
    }
}

/// What the cashier typed, once split into an optional quantity prefix and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `E017 45`: a divers line for exhibitor E017 at 45 DH.
    Quick { exhibitor: String, price: Decimal },
    /// Only digits: a barcode (or a numeric product code).
    Digits(String),
    /// Anything else: a product code or the selected search result.
    Text(String),
}

/// `3*miel` → (Some(3), "miel"); `0,750*` → (Some(0.75), ""). A malformed prefix is an error.
pub fn split_quantity(text: &str) -> Result<(Option<Decimal>, &str), String> {
    match text.split_once('*') {
        Some((q, rest)) if !q.trim().is_empty() => parse_human_quantity(q)
            .map(|q| (Some(q), rest.trim()))
            .map_err(|_| q.trim().to_string()),
        _ => Ok((None, text.trim())),
    }
}

/// Classifies the rest of the field. `CODE AMOUNT` is a divers entry when CODE is an exhibitor of the market
/// (`is_exhibitor`, any case) or is shaped like one (`E999`: a letter, then digits) without being a product
/// code: such an entry is a divers line or a refusal, never a product found by the fuzzy search.
pub fn classify(
    rest: &str,
    is_exhibitor: impl Fn(&str) -> bool,
    is_product: impl Fn(&str) -> bool,
) -> Entry {
    if let Some((code, price)) = rest.split_once(' ')
        && let Ok(price) = parse_human_amount(price.trim())
        && (is_exhibitor(code) || (looks_like_exhibitor(code) && !is_product(code)))
    {
        return Entry::Quick {
            exhibitor: code.to_uppercase(),
            price,
        };
    }
    if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
        return Entry::Digits(rest.into());
    }
    Entry::Text(rest.into())
}

/// `E017`, `e999`: one letter and at least two digits, the way stalls are numbered.
fn looks_like_exhibitor(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.as_str().len() >= 2
        && chars.all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn quantity_prefix() {
        assert_eq!(split_quantity("3*miel").unwrap(), (Some(dec!(3)), "miel"));
        assert_eq!(split_quantity("0,750*").unwrap(), (Some(dec!(0.75)), ""));
        assert_eq!(split_quantity("miel").unwrap(), (None, "miel"));
        assert!(split_quantity("x*miel").is_err());
    }

    #[test]
    fn classifies_entries() {
        let ex = |c: &str| c.eq_ignore_ascii_case("E017");
        let prod = |c: &str| c.eq_ignore_ascii_case("P00012");
        let quick = |code: &str, price| Entry::Quick {
            exhibitor: code.into(),
            price,
        };
        assert_eq!(classify("E017 45", ex, prod), quick("E017", dec!(45)));
        assert_eq!(classify("e017 45", ex, prod), quick("E017", dec!(45)));
        assert_eq!(classify("E999 45", ex, prod), quick("E999", dec!(45)));
        assert_eq!(classify("e017 12,50", ex, prod), quick("E017", dec!(12.5)));
        assert_eq!(
            classify("6111234", ex, prod),
            Entry::Digits("6111234".into())
        );
        assert_eq!(
            classify("miel thym", ex, prod),
            Entry::Text("miel thym".into())
        );
        assert_eq!(
            classify("miel 250", ex, prod),
            Entry::Text("miel 250".into())
        );
        assert_eq!(
            classify("P00012 3", ex, prod),
            Entry::Text("P00012 3".into())
        );
        assert_eq!(
            classify("E017 abc", ex, prod),
            Entry::Text("E017 abc".into())
        );
    }
}
