//! Number and date formatting: machine (`1234.50`) for files, CLDR fr_MA
//! (`1.234,50`) for people. Inputs are 2 dp already; we still round half
//! away from zero (the contract's rule) so a stray 3rd decimal cannot leak.

use rust_decimal::Decimal;

/// Machine format: dot decimal, no grouping, always 2 decimals: `-104.60`.
pub fn fmt_machine(d: Decimal) -> String {
    crate::domain::money::format_machine(d)
}

/// People format, fr_MA: `1.234,50`, `-104,60`, `0,00`.
pub fn fmt_fr(d: Decimal) -> String {
    crate::domain::money::format_fr(d)
}

/// People format with the currency: `1.234,50 DH`.
pub fn fmt_dh(d: Decimal) -> String {
    format!("{} DH", fmt_fr(d))
}

/// A rate as a French percentage: `0.05` → `5 %`, `0.025` → `2,5 %`.
pub fn fmt_rate(rate: Decimal) -> String {
    let pct = (rate * Decimal::ONE_HUNDRED).normalize();
    format!("{} %", pct.to_string().replace('.', ","))
}

/// A quantity without useless zeros: `2.500` → `2,5`, `1200` → `1.200`.
pub fn fmt_qty(q: Decimal) -> String {
    let s = q.normalize().to_string();
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    match digits.split_once('.') {
        Some((int, frac)) => format!("{sign}{},{frac}", group_thousands(int)),
        None => format!("{sign}{}", group_thousands(digits)),
    }
}

/// An integer count with French grouping: `12345` → `12.345`.
pub fn fmt_count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// Dots every three digits from the right.
fn group_thousands(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `2025-05-01` → `01/05/2025`; anything else is shown as given.
pub fn fmt_date_fr(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// `2025-05-10 19:02` → `10/05/2025 19:02`; anything else as given.
pub fn fmt_datetime_fr(local: &str) -> String {
    match local.split_once([' ', 'T']) {
        Some((date, time)) => format!("{} {time}", fmt_date_fr(date)),
        None => fmt_date_fr(local),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn machine_format() {
        assert_eq!(fmt_machine(dec!(1234.5)), "1234.50");
        assert_eq!(fmt_machine(dec!(5)), "5.00");
        assert_eq!(fmt_machine(dec!(0)), "0.00");
        assert_eq!(fmt_machine(dec!(-0.00)), "0.00");
        assert_eq!(fmt_machine(dec!(-104.6)), "-104.60");
        assert_eq!(fmt_machine(dec!(1234567.89)), "1234567.89");
        assert_eq!(fmt_machine(dec!(0.005)), "0.01");
    }

    #[test]
    fn french_format() {
        assert_eq!(fmt_fr(dec!(1234.5)), "1.234,50");
        assert_eq!(fmt_fr(dec!(5)), "5,00");
        assert_eq!(fmt_fr(dec!(0)), "0,00");
        assert_eq!(fmt_fr(dec!(-104.60)), "-104,60");
        assert_eq!(fmt_fr(dec!(-1234.56)), "-1.234,56");
        assert_eq!(fmt_fr(dec!(999.99)), "999,99");
        assert_eq!(fmt_fr(dec!(100000)), "100.000,00");
        assert_eq!(fmt_fr(dec!(1234567.89)), "1.234.567,89");
        assert_eq!(fmt_fr(dec!(-1000000)), "-1.000.000,00");
        assert_eq!(fmt_dh(dec!(12.3)), "12,30 DH");
    }

    #[test]
    fn rates_quantities_counts() {
        assert_eq!(fmt_rate(dec!(0.05)), "5 %");
        assert_eq!(fmt_rate(dec!(0.025)), "2,5 %");
        assert_eq!(fmt_rate(dec!(0)), "0 %");
        assert_eq!(fmt_qty(dec!(2.500)), "2,5");
        assert_eq!(fmt_qty(dec!(1200)), "1.200");
        assert_eq!(fmt_qty(dec!(3)), "3");
        assert_eq!(fmt_count(1234567), "1.234.567");
        assert_eq!(fmt_count(0), "0");
    }

    #[test]
    fn dates() {
        assert_eq!(fmt_date_fr("2025-05-01"), "01/05/2025");
        assert_eq!(fmt_date_fr("hier"), "hier");
        assert_eq!(fmt_datetime_fr("2025-05-10 19:02"), "10/05/2025 19:02");
    }

    proptest::proptest! {
        #[test]
        fn fr_and_machine_agree(cents in -1_000_000_000_i64..1_000_000_000) {
            let d = Decimal::new(cents, 2);
            let back = fmt_fr(d).replace('.', "").replace(',', ".");
            proptest::prop_assert_eq!(back, fmt_machine(d));
            proptest::prop_assert_eq!(fmt_machine(d).parse::<Decimal>().unwrap(), d);
        }
    }
}
