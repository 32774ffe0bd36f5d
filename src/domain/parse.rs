//! What organisers type in spreadsheets and on the command line: dates `JJ/MM/AAAA` or `AAAA-MM-JJ`, numbers with
//! a decimal dot or comma. Everything ends in the same exact values as the machine formats.
use super::money::{AmountError, parse_amount, parse_quantity};
use jiff::civil::{Date, DateTime, Time};
use rust_decimal::Decimal;

const DATE_HINT: &str = "date attendue JJ/MM/AAAA ou AAAA-MM-JJ";

/// `2026-11-25` or `25/11/2026` (day and month may have one digit).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let bad = || format!("« {t} » : {DATE_HINT}");
    let parts: Vec<&str>;
    let (y, m, d) = if t.contains('/') {
        parts = t.split('/').collect();
        match parts[..] {
            [d, m, y] if d.len() <= 2 && m.len() <= 2 && y.len() == 4 => (y, m, d),
            _ => return Err(bad()),
        }
    } else {
        parts = t.split('-').collect();
        match parts[..] {
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => (y, m, d),
            _ => return Err(bad()),
        }
    };
    let num = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i16>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(y), num(m), num(d)) else {
        return Err(bad());
    };
    Date::new(y, m as i8, d as i8).map_err(|_| format!("« {t} » : cette date n'existe pas"))
}

/// A date followed by `HH:MM` or `HH:MM:SS` (separated by a space or `T`).
pub fn parse_datetime(text: &str) -> Result<DateTime, String> {
    let t = text.trim();
    let bad = || format!("« {t} » : date et heure attendues JJ/MM/AAAA HH:MM ou AAAA-MM-JJ HH:MM");
    let (date, time) = t
        .split_once(' ')
        .or_else(|| t.split_once('T'))
        .ok_or_else(bad)?;
    let date = parse_date(date).map_err(|_| bad())?;
    let nums: Vec<Option<i8>> = time
        .trim()
        .split(':')
        .map(|p| {
            (matches!(p.len(), 1 | 2) && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let time = match nums[..] {
        [Some(h), Some(m)] => Time::new(h, m, 0, 0),
        [Some(h), Some(m), Some(s)] => Time::new(h, m, s, 0),
        _ => return Err(bad()),
    }
    .map_err(|_| bad())?;
    Ok(date.to_datetime(time))
}

/// Rewrites a number as typed by a person into the machine form (`1 500,50` → `1500.50`): a decimal comma or dot;
/// spaces, or the other mark in groups of three, as thousands separators; `DH`/`MAD` after an amount.
/// `None` when the text cannot be read one way only (`1,234,5`).
pub fn machine_number(text: &str) -> Option<String> {
    let t = text.trim();
    let t = ["DH", "dh", "MAD", "Dhs", "DHS"]
        .iter()
        .find_map(|u| t.strip_suffix(u))
        .unwrap_or(t);
    let s: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    match (dots, commas) {
        (_, 0) if dots <= 1 => Some(s),
        (0, 1) => Some(s.replace(',', ".")),
        (_, _) => {
            // Both marks, or several of one: the last mark is the decimal one only if every other one groups
            // thousands (`1.234,50`, `1,234.50`, `1.234.567`).
            let last = s.rfind(['.', ',']).filter(|_| dots > 0 && commas > 0);
            let (int, frac) = match last {
                Some(i) => (&s[..i], Some(&s[i + 1..])),
                None => (s.as_str(), None),
            };
            let sep = if dots > 0 && commas > 0 {
                if s.as_bytes()[last?] == b',' {
                    '.'
                } else {
                    ','
                }
            } else if dots > 0 {
                '.'
            } else {
                ','
            };
            let groups: Vec<&str> = int.split(sep).collect();
            let grouped = groups[0].len() <= 3
                && !groups[0].trim_start_matches('-').is_empty()
                && groups[1..].iter().all(|g| g.len() == 3)
                && !int.contains(if sep == '.' { ',' } else { '.' });
            grouped.then(|| match frac {
                Some(f) => format!("{}.{f}", groups.concat()),
                None => groups.concat(),
            })
        }
    }
}

/// An amount as typed: `12.50`, `12,50`, `1 500,00`, `1.500,00 DH`.
pub fn amount(text: &str) -> Result<Decimal, String> {
    let bad = || format!("« {} » : montant attendu (ex. 12.50 ou 12,50)", text.trim());
    let m = machine_number(text).ok_or_else(bad)?;
    parse_amount(&m).map_err(|e| match e {
        AmountError::NotAnAmount(_) => bad(),
        AmountError::TooManyDecimals(_) => format!("« {} » a plus de 2 décimales", text.trim()),
        AmountError::Negative(_) => format!("montant négatif interdit : {}", text.trim()),
        other => other.to_string(),
    })
}

/// A quantity as typed: `0.750`, `0,75`.
pub fn quantity(text: &str) -> Result<Decimal, String> {
    let bad = || {
        format!(
            "« {} » : quantité attendue, positive (ex. 2 ou 0,750)",
            text.trim()
        )
    };
    let m = machine_number(text).ok_or_else(bad)?;
    parse_quantity(&m).map_err(|e| match e {
        AmountError::NotAQuantity(_) => bad(),
        AmountError::QuantityTooPrecise(_) => format!("« {} » a plus de 3 décimales", text.trim()),
        other => other.to_string(),
    })
}

/// A rate between 0 and 1 with at most 4 decimals: `0.05`, `0,05`, or a percentage `5 %`. Empty is 0.
pub fn rate(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let bad = || format!("« {t} » : taux attendu entre 0 et 1 (0,05 ou 5 % pour 5 %)");
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n, true),
        None => (t, false),
    };
    let m = machine_number(number).ok_or_else(bad)?;
    let digits_only = !m.is_empty()
        && m.chars().all(|c| c.is_ascii_digit() || c == '.')
        && m.chars().any(|c| c.is_ascii_digit());
    let d: Decimal = digits_only
        .then(|| m.parse().ok())
        .flatten()
        .ok_or_else(bad)?;
    let d = if percent { d / Decimal::ONE_HUNDRED } else { d };
    if d > Decimal::ONE {
        return Err(format!(
            "« {t} » : taux supérieur à 1 (écrire 0,05 ou 5 % pour 5 %)"
        ));
    }
    if d.normalize().scale() > 4 {
        return Err(format!("« {t} » : au plus 4 décimales"));
    }
    Ok(d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal::dec;

    #[test]
    fn dates_french_and_iso() {
        assert_eq!(parse_date("25/11/2026").unwrap(), date(2026, 11, 25));
        assert_eq!(parse_date("5/1/2026").unwrap(), date(2026, 1, 5));
        assert_eq!(parse_date("2026-11-25").unwrap(), date(2026, 11, 25));
        assert!(
            parse_date("31/02/2026")
                .unwrap_err()
                .contains("n'existe pas")
        );
        for bad in [
            "11/25",
            "2026/11/25",
            "25-11-2026",
            "",
            "25/11/26",
            "2026-1-5",
            "+5/11/2026",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn datetimes() {
        let want = date(2026, 11, 25).at(9, 5, 0, 0);
        assert_eq!(parse_datetime("25/11/2026 09:05").unwrap(), want);
        assert_eq!(parse_datetime("2026-11-25 9:05").unwrap(), want);
        assert_eq!(parse_datetime("2026-11-25T09:05:00").unwrap(), want);
        assert!(parse_datetime("25/11/2026").is_err());
        assert!(parse_datetime("25/11/2026 25:00").is_err());
    }

    #[test]
    fn numbers_as_typed() {
        let m = |s| machine_number(s);
        assert_eq!(m("12,50").as_deref(), Some("12.50"));
        assert_eq!(m("1 500,00").as_deref(), Some("1500.00"));
        assert_eq!(m("1\u{202f}500,00 DH").as_deref(), Some("1500.00"));
        assert_eq!(m("1.234,50").as_deref(), Some("1234.50"));
        assert_eq!(m("1,234.50").as_deref(), Some("1234.50"));
        assert_eq!(m("1.234.567").as_deref(), Some("1234567"));
        assert_eq!(m("12.5").as_deref(), Some("12.5"));
        assert_eq!(m("1,2,3"), None);
        assert_eq!(m("1.23,4.5"), None);
        assert_eq!(m("12,50,3"), None);
    }

    #[test]
    fn amounts_quantities_rates() {
        assert_eq!(amount("12,50").unwrap(), dec!(12.50));
        assert_eq!(amount("1500,00").unwrap(), dec!(1500));
        assert!(amount("douze").unwrap_err().contains("12,50"));
        assert!(amount("1,234").unwrap_err().contains("2 décimales"));
        assert!(amount("-3").unwrap_err().contains("négatif"));
        assert_eq!(quantity("0,750").unwrap(), dec!(0.75));
        assert!(quantity("0,7505").unwrap_err().contains("3 décimales"));
        assert_eq!(rate("0,05").unwrap(), dec!(0.05));
        assert_eq!(rate("5 %").unwrap(), dec!(0.05));
        assert_eq!(rate("7,5%").unwrap(), dec!(0.075));
        assert_eq!(rate("").unwrap(), dec!(0));
        assert!(rate("5").unwrap_err().contains("supérieur"));
        assert!(rate("-0.1").is_err());
        assert!(rate("0.00001").unwrap_err().contains("4 décimales"));
    }
}
