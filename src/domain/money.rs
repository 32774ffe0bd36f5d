//! Money and quantities: exact decimals in the domain, integers at the storage boundary.
use rust_decimal::{Decimal, RoundingStrategy};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum AmountError {
    #[error("« {0} » n'est pas un montant valide (ex. 12.50)")]
    NotAnAmount(String),
    #[error("« {0} » a plus de 2 décimales")]
    TooManyDecimals(String),
    #[error("« {0} » n'est pas une quantité valide (ex. 0.750)")]
    NotAQuantity(String),
    #[error("« {0} » a plus de 3 décimales")]
    QuantityTooPrecise(String),
    #[error("montant négatif interdit : {0}")]
    Negative(String),
    #[error("dépassement de capacité sur {0}")]
    Overflow(String),
}

/// Rounds to the centime, half away from zero (3.025 → 3.03), as the contract requires.
/// `round_dp` alone is banker's rounding and would give 3.02.
pub fn round_money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Exact conversion to integer centimes; refuses sub-centime values and overflow.
pub fn to_centimes(value: Decimal) -> Result<i64, AmountError> {
    if let Some(c) = exact_scaled(value, 2) {
        return Ok(c);
    }
    let scaled = value
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or_else(|| AmountError::Overflow(value.to_string()))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(AmountError::TooManyDecimals(value.to_string()));
    }
    i64::try_from(scaled).map_err(|_| AmountError::Overflow(value.to_string()))
}

/// `value × 10^digits` straight from the mantissa when the scale allows it (every stored amount): the
/// general path's multiplication and fraction test cost more than hashing the ticket.
fn exact_scaled(value: Decimal, digits: u32) -> Option<i64> {
    let scale = value.scale();
    if scale > digits {
        return None;
    }
    let m = value.mantissa().checked_mul(10i128.pow(digits - scale))?;
    i64::try_from(m).ok()
}

pub fn from_centimes(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

/// Exact conversion of a quantity to thousandths (0.750 kg → 750).
pub fn to_milli(qty: Decimal) -> Result<i64, AmountError> {
    if let Some(m) = exact_scaled(qty, 3) {
        return Ok(m);
    }
    let scaled = qty
        .checked_mul(Decimal::ONE_THOUSAND)
        .ok_or_else(|| AmountError::Overflow(qty.to_string()))?;
    if scaled.fract() != Decimal::ZERO {
        return Err(AmountError::QuantityTooPrecise(qty.to_string()));
    }
    i64::try_from(scaled).map_err(|_| AmountError::Overflow(qty.to_string()))
}

pub fn from_milli(m: i64) -> Decimal {
    Decimal::new(m, 3).normalize()
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let valid = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && t.chars().filter(|c| *c == '.').count() <= 1
        && t.rfind('-').is_none_or(|i| i == 0)
        && t.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    t.parse::<Decimal>().ok()
}

/// Machine format (CSV): `1234.50`, dot, at most 2 decimals, never negative.
pub fn parse_amount(text: &str) -> Result<Decimal, AmountError> {
    let d = parse_decimal(text).ok_or_else(|| AmountError::NotAnAmount(text.trim().into()))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(AmountError::Negative(text.trim().into()));
    }
    if d.scale() > 2 && d.normalize().scale() > 2 {
        return Err(AmountError::TooManyDecimals(text.trim().into()));
    }
    to_centimes(d)?;
    Ok(round_money(d))
}

/// Machine format quantity: at most 3 decimals, strictly positive.
pub fn parse_quantity(text: &str) -> Result<Decimal, AmountError> {
    let d = parse_decimal(text).ok_or_else(|| AmountError::NotAQuantity(text.trim().into()))?;
    if d <= Decimal::ZERO {
        return Err(AmountError::NotAQuantity(text.trim().into()));
    }
    if d.normalize().scale() > 3 {
        return Err(AmountError::QuantityTooPrecise(text.trim().into()));
    }
    to_milli(d)?;
    Ok(d.normalize())
}

/// What a person types: `12,50` as well as `12.50`, and the amount as the screen shows it (`1.500,00`, `1.500`:
/// a dot before three digits separates thousands, since an amount has at most two decimals), spaces as thousands
/// separators too.
pub fn parse_human_amount(text: &str) -> Result<Decimal, AmountError> {
    let spaced: String = text
        .trim()
        .trim_end_matches("DH")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let cleaned = if spaced.contains(',') || thousands_only(&spaced) {
        spaced.replace('.', "").replace(',', ".")
    } else {
        spaced
    };
    parse_amount(&cleaned).map_err(|e| match e {
        AmountError::NotAnAmount(_) => AmountError::NotAnAmount(text.trim().into()),
        other => other,
    })
}

/// `1.500` or `12.345.678`: digits grouped by three after dots, as the screen shows thousands.
fn thousands_only(t: &str) -> bool {
    let mut groups = t.split('.');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
}

pub fn parse_human_quantity(text: &str) -> Result<Decimal, AmountError> {
    parse_quantity(&text.trim().replace(',', "."))
}

/// The Moroccan notes and coins a drawer is counted in, largest first.
pub const DENOMINATIONS: [Decimal; 11] = [
    Decimal::from_parts(200, 0, 0, false, 0),
    Decimal::from_parts(100, 0, 0, false, 0),
    Decimal::from_parts(50, 0, 0, false, 0),
    Decimal::from_parts(20, 0, 0, false, 0),
    Decimal::from_parts(10, 0, 0, false, 0),
    Decimal::from_parts(5, 0, 0, false, 0),
    Decimal::from_parts(2, 0, 0, false, 0),
    Decimal::from_parts(1, 0, 0, false, 0),
    Decimal::from_parts(50, 0, 0, false, 2),
    Decimal::from_parts(20, 0, 0, false, 2),
    Decimal::from_parts(10, 0, 0, false, 2),
];

/// Display for people (CLDR fr_MA as the contract fixes it): `1.234,50 DH`.
pub fn format_dh(value: Decimal) -> String {
    format!("{} DH", format_fr(value))
}

/// `1.234,50` (no currency).
pub fn format_fr(value: Decimal) -> String {
    let v = round_money(value);
    let neg = v.is_sign_negative() && !v.is_zero();
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{}{},{}", if neg { "-" } else { "" }, grouped, frac)
}

/// Machine format: `1234.50`.
pub fn format_machine(value: Decimal) -> String {
    let v = round_money(value);
    // -0.00 is still zero: never print a minus sign on it.
    let v = if v.is_zero() { Decimal::ZERO } else { v };
    format!("{v:.2}")
}

/// Quantity for people: `3`, `0,75`.
pub fn format_qty(qty: Decimal) -> String {
    qty.normalize().to_string().replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_money(dec!(3.025)), dec!(3.03));
        assert_eq!(round_money(dec!(-3.025)), dec!(-3.03));
        assert_eq!(round_money(dec!(3.0249)), dec!(3.02));
        assert_eq!(round_money(dec!(0.005)), dec!(0.01));
    }

    proptest::proptest! {
        /// The mantissa shortcut gives what multiplying and testing the fraction gives, for every scale.
        #[test]
        fn the_shortcut_is_the_general_conversion(m in proptest::num::i64::ANY, scale in 0u32..6) {
            let d = Decimal::new(m, scale);
            let general = |d: Decimal, k: Decimal| {
                let s = d.checked_mul(k)?;
                if s.fract() != Decimal::ZERO { return None; }
                i64::try_from(s).ok()
            };
            proptest::prop_assert_eq!(to_centimes(d).ok(), general(d, Decimal::ONE_HUNDRED));
            proptest::prop_assert_eq!(to_milli(d).ok(), general(d, Decimal::ONE_THOUSAND));
        }
    }

    #[test]
    fn centimes_are_exact() {
        assert_eq!(to_centimes(dec!(1234.50)).unwrap(), 123450);
        assert_eq!(from_centimes(123450), dec!(1234.50));
        assert!(to_centimes(dec!(0.001)).is_err());
        assert!(to_centimes(Decimal::MAX).is_err());
        assert_eq!(to_milli(dec!(0.750)).unwrap(), 750);
        assert!(to_milli(dec!(0.7505)).is_err());
    }

    #[test]
    fn parses_machine_amounts() {
        assert_eq!(parse_amount("12.50").unwrap(), dec!(12.50));
        assert_eq!(parse_amount("12").unwrap(), dec!(12));
        assert!(matches!(
            parse_amount("douze"),
            Err(AmountError::NotAnAmount(_))
        ));
        assert!(matches!(parse_amount("-3"), Err(AmountError::Negative(_))));
        assert!(matches!(
            parse_amount("1.234"),
            Err(AmountError::TooManyDecimals(_))
        ));
        assert!(parse_amount("1e3").is_err());
        assert!(parse_amount("12,50").is_err());
        assert!(parse_amount("").is_err());
    }

    #[test]
    fn parses_quantities() {
        assert_eq!(parse_quantity("0.750").unwrap(), dec!(0.75));
        assert!(matches!(
            parse_quantity("0.7505"),
            Err(AmountError::QuantityTooPrecise(_))
        ));
        assert!(parse_quantity("0").is_err());
        assert!(parse_quantity("-1").is_err());
        assert_eq!(parse_human_quantity("0,5").unwrap(), dec!(0.5));
    }

    #[test]
    fn human_amounts() {
        assert_eq!(parse_human_amount("12,50").unwrap(), dec!(12.50));
        assert_eq!(parse_human_amount("1 200").unwrap(), dec!(1200));
        assert_eq!(parse_human_amount("200 DH").unwrap(), dec!(200));
        // As the screen shows amounts: the dot groups thousands.
        assert_eq!(parse_human_amount("1.500").unwrap(), dec!(1500));
        assert_eq!(parse_human_amount("1.500,00").unwrap(), dec!(1500));
        assert_eq!(parse_human_amount("2.436,25 DH").unwrap(), dec!(2436.25));
        assert_eq!(parse_human_amount("1.234.567").unwrap(), dec!(1234567));
        assert_eq!(parse_human_amount("12.50").unwrap(), dec!(12.50));
        assert_eq!(parse_human_amount("1.5").unwrap(), dec!(1.5));
        assert!(parse_human_amount("1.50.0").is_err());
        assert!(parse_human_amount("1,500,00").is_err());
    }

    #[test]
    fn formats_for_people_and_machines() {
        assert_eq!(format_dh(dec!(1234.5)), "1.234,50 DH");
        assert_eq!(format_fr(dec!(-104.6)), "-104,60");
        assert_eq!(format_fr(dec!(1234567.891)), "1.234.567,89");
        assert_eq!(format_fr(dec!(0)), "0,00");
        assert_eq!(format_machine(dec!(5)), "5.00");
        assert_eq!(format_qty(dec!(0.750)), "0,75");
    }
}
