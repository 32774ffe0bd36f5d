//! The bounds of DESIGN.md: a unit price, a line and a ticket at most 1,000,000 DH, a quantity at most 10,000.
//! With them no sum the program keeps (a chain's perpetual total, a phase's settlement) can overflow 64-bit
//! centimes in practice: 9.2 × 10¹⁰ tickets at the maximum would be needed.
use super::money::format_fr;
use super::ticket::Settled;
use rust_decimal::Decimal;

/// 1,000,000 DH.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// `what` is at most 1,000,000 DH.
pub fn check_amount(what: &str, value: Decimal) -> Result<(), String> {
    if value > MAX_AMOUNT {
        return Err(format!(
            "{what} de {} DH dépasse le maximum de {} DH",
            format_fr(value),
            format_fr(MAX_AMOUNT)
        ));
    }
    Ok(())
}

pub fn check_quantity(value: Decimal) -> Result<(), String> {
    if value > MAX_QUANTITY {
        return Err(format!(
            "quantité {} au-delà du maximum de {}",
            value.normalize(),
            MAX_QUANTITY
        ));
    }
    Ok(())
}

/// Every line and the ticket within bounds (also checked where tickets are stored, whoever built them).
pub fn check_settled(s: &Settled) -> Result<(), String> {
    for l in &s.lines {
        let at = format!("ligne {}", l.line_no);
        check_quantity(l.quantity).map_err(|e| format!("{at} : {e}"))?;
        check_amount("prix unitaire", l.unit_price).map_err(|e| format!("{at} : {e}"))?;
        check_amount("montant", l.total).map_err(|e| format!("{at} : {e}"))?;
    }
    check_amount("ticket", s.total.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn bounds_are_inclusive() {
        assert!(check_amount("prix", dec!(1000000.00)).is_ok());
        assert!(check_amount("prix", dec!(1000000.01)).is_err());
        assert!(check_quantity(dec!(10000)).is_ok());
        assert!(check_quantity(dec!(10000.001)).is_err());
    }

    #[test]
    fn the_message_names_the_amount_and_the_maximum() {
        let e = check_amount("prix unitaire", dec!(92233720368547758.07)).unwrap_err();
        assert!(e.contains("prix unitaire"), "{e}");
        assert!(e.contains("1.000.000,00"), "{e}");
    }
}
