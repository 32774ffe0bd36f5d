//! Figures formatted for people (CLDR fr_MA): `1.234,50 DH`, `0,750 kg`.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// Unit a product is sold by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Piece,
    Kg,
    L,
}

/// `1234.5` → `1.234,50 DH`; `-3` → `-3,00 DH`. Rounds half away from zero.
pub fn format_dh(amount: Decimal) -> String {
    crate::domain::money::format_dh(amount)
}

/// A quantity as printed: pieces without unit (`3`, `2,5`), weights and volumes
/// with three decimals (`0,750 kg`, `1,500 l`).
pub fn format_qty(qty: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Piece => {
            let q = qty.normalize();
            format_fixed(q, q.scale())
        }
        Unit::Kg => format!("{} kg", format_fixed(qty, 3)),
        Unit::L => format!("{} l", format_fixed(qty, 3)),
    }
}

/// A rate as a percentage: `0.2` → `20 %`, `0.055` → `5,5 %`.
pub fn format_rate(rate: Decimal) -> String {
    let pct = (rate * Decimal::ONE_HUNDRED).normalize();
    format!("{} %", format_fixed(pct, pct.scale()))
}

/// French grouping: `.` between thousands, `,` before decimals.
fn format_fixed(value: Decimal, dp: u32) -> String {
    let v = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let s = format!("{:.*}", dp as usize, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

pub(crate) fn ser_dh<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_dh(*d))
}

pub(crate) fn ser_dh_opt<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format_dh(*d)),
        None => s.serialize_none(),
    }
}

/// Zero becomes `none`, so templates can write `{% if line.discount %}`.
pub(crate) fn ser_dh_nonzero<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if d.is_zero() {
        s.serialize_none()
    } else {
        s.serialize_str(&format_dh(*d))
    }
}

pub(crate) fn ser_rate<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_rate(*d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn dirhams() {
        assert_eq!(format_dh(dec!(1234.5)), "1.234,50 DH");
        assert_eq!(format_dh(dec!(0)), "0,00 DH");
        assert_eq!(format_dh(dec!(-0.001)), "0,00 DH");
        assert_eq!(format_dh(dec!(-50)), "-50,00 DH");
        assert_eq!(format_dh(dec!(1234567.125)), "1.234.567,13 DH");
        assert_eq!(format_dh(dec!(999.995)), "1.000,00 DH");
    }

    #[test]
    fn quantities_and_rates() {
        assert_eq!(format_qty(dec!(0.75), Unit::Kg), "0,750 kg");
        assert_eq!(format_qty(dec!(3.000), Unit::Piece), "3");
        assert_eq!(format_qty(dec!(2.5), Unit::Piece), "2,5");
        assert_eq!(format_qty(dec!(1.5), Unit::L), "1,500 l");
        assert_eq!(format_rate(dec!(0.20)), "20 %");
        assert_eq!(format_rate(dec!(0.055)), "5,5 %");
    }
}
