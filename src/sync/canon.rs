//! Reading back the `souk-ticket/1` encoding of `domain::canonical`, which bundles carry as is: the text whose
//! hash the journal holds is the text the rows are rebuilt from. The caller re-encodes and compares.
use crate::domain::canonical::{TICKET_V1, TICKET_V2, TicketHead};
use crate::domain::money::{from_centimes, from_milli};
use crate::domain::{Line, Payment};
use rust_decimal::Decimal;

pub type Decoded = (TicketHead, Vec<Line>, Vec<Payment>);

/// Splits one encoded line on unescaped `|`, undoing the escapes of `canonical::text`.
pub fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let cur = fields.last_mut().expect("never empty");
        match c {
            '|' => fields.push(String::new()),
            '\\' => match chars.next() {
                Some('n') => cur.push('\n'),
                Some('r') => cur.push('\r'),
                Some(o) => cur.push(o),
                None => cur.push('\\'),
            },
            c => cur.push(c),
        }
    }
    fields
}

struct Fields {
    f: Vec<String>,
    what: &'static str,
}

impl Fields {
    fn new(line: &str, n: usize, what: &'static str) -> Result<Fields, String> {
        let f = split_fields(line);
        if f.len() != n {
            return Err(format!("{what} : {} champs au lieu de {n}", f.len()));
        }
        Ok(Fields { f, what })
    }
    fn s(&self, i: usize) -> String {
        self.f[i].clone()
    }
    fn opt(&self, i: usize) -> Option<String> {
        Some(self.s(i)).filter(|s| !s.is_empty())
    }
    fn int<T: std::str::FromStr>(&self, i: usize) -> Result<T, String> {
        self.f[i]
            .parse()
            .map_err(|_| format!("{} : champ {} « {} » invalide", self.what, i + 1, self.f[i]))
    }
    fn opt_int<T: std::str::FromStr>(&self, i: usize) -> Result<Option<T>, String> {
        if self.f[i].is_empty() {
            Ok(None)
        } else {
            self.int(i).map(Some)
        }
    }
    fn cents(&self, i: usize) -> Result<Decimal, String> {
        self.int(i).map(from_centimes)
    }
}

pub fn decode_ticket(text: &str) -> Result<Decoded, String> {
    let mut lines = text.strip_suffix('\n').unwrap_or(text).split('\n');
    let v2 = match lines.next() {
        Some(TICKET_V1) => false,
        Some(TICKET_V2) => true,
        _ => {
            return Err(format!(
                "encodage de ticket inconnu (attendu {TICKET_V1} ou {TICKET_V2})"
            ));
        }
    };
    let head = decode_head(lines.next().ok_or("en-tête du ticket absent")?, v2)?;
    let (mut out_lines, mut payments) = (Vec::new(), Vec::new());
    for l in lines {
        match l.split('|').next() {
            Some("L") => out_lines.push(decode_line(l)?),
            Some("P") => payments.push(decode_payment(l)?),
            _ => return Err(format!("ligne de ticket inattendue : {l}")),
        }
    }
    Ok((head, out_lines, payments))
}

fn decode_head(line: &str, v2: bool) -> Result<TicketHead, String> {
    let f = Fields::new(line, if v2 { 15 } else { 14 }, "en-tête du ticket")?;
    Ok(TicketHead {
        id: f.s(0),
        chain: if v2 { f.s(14) } else { f.s(1) },
        till: f.s(1),
        number: f.int(2)?,
        kind: f.s(3).parse()?,
        refund_of: f.opt(4),
        at_utc: f.s(5),
        utc_offset: f.int(6)?,
        phase: f.int(7)?,
        cashier: f.s(8),
        shift: f.opt(9),
        manual: f.int::<u8>(10)? == 1,
        ticket_ref: f.opt(11),
        total: f.cents(12)?,
        rounding: f.cents(13)?,
    })
}

fn decode_line(line: &str) -> Result<Line, String> {
    let f = Fields::new(line, 13, "ligne du ticket")?;
    Ok(Line {
        line_no: f.int(1)?,
        product_code: f.opt(2),
        exhibitor_code: f.s(3),
        name_fr: f.s(4),
        name_ar: f.opt(5),
        unit: f.s(6).parse()?,
        quantity: from_milli(f.int(7)?),
        unit_price: f.cents(8)?,
        discount: f.cents(9)?,
        vat_rate: f.int(10)?,
        total: f.cents(11)?,
        refund_of_line: f.opt_int(12)?,
    })
}

fn decode_payment(line: &str) -> Result<Payment, String> {
    let f = Fields::new(line, 6, "paiement du ticket")?;
    Ok(Payment {
        method: f.s(1).parse()?,
        amount: f.cents(2)?,
        tendered: f.opt_int::<i64>(3)?.map(from_centimes),
        change: f.cents(4)?,
        reference: f.opt(5),
    })
}
