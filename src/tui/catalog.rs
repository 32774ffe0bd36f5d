//! The product search of the sale screen: fuzzy matching as you type over code, barcode, French and Arabic
//! names (nucleo-matcher), plus exact look-ups by barcode and code.
use crate::domain::Product;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use std::collections::{HashMap, HashSet};

/// How many ranked results are kept; nobody scrolls further on a till.
const MAX_RESULTS: usize = 100;

pub struct Catalog {
    pub products: Vec<Product>,
    hay: Vec<Utf32String>,
    by_barcode: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
    exhibitors: HashSet<String>,
    matcher: Matcher,
    query: String,
    /// Every product matching `query` (narrowed as the query grows), and the ranked top of them.
    matching: Vec<usize>,
    pub results: Vec<usize>,
}

/// nucleo folds Latin accents only: Arabic hamza forms of alef, alef maqsura, taa marbuta, tatweel and
/// harakat are folded here, on both the names and the query.
pub fn fold_arabic(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ى' => Some('ي'),
            'ة' => Some('ه'),
            'ؤ' => Some('و'),
            'ئ' => Some('ي'),
            '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' => None,
            c => Some(c),
        })
        .collect()
}

impl Catalog {
    pub fn new(products: Vec<Product>, exhibitors: impl IntoIterator<Item = String>) -> Catalog {
        let hay = products
            .iter()
            .map(|p| {
                let text = format!(
                    "{} {} {} {}",
                    p.code,
                    p.barcode.as_deref().unwrap_or(""),
                    p.name_fr,
                    fold_arabic(p.name_ar.as_deref().unwrap_or(""))
                );
                Utf32String::from(text.as_str())
            })
            .collect();
        let by_barcode = products
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.barcode.clone().map(|b| (b, i)))
            .collect();
        let by_code = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.to_lowercase(), i))
            .collect();
        Catalog {
            products,
            hay,
            by_barcode,
            by_code,
            exhibitors: exhibitors.into_iter().collect(),
            matcher: Matcher::new(Config::DEFAULT),
            query: String::new(),
            matching: Vec::new(),
            results: Vec::new(),
        }
    }

    pub fn by_barcode(&self, code: &str) -> Option<&Product> {
        self.by_barcode.get(code).map(|i| &self.products[*i])
    }

    pub fn by_code(&self, code: &str) -> Option<&Product> {
        self.by_code
            .get(&code.to_lowercase())
            .map(|i| &self.products[*i])
    }

    pub fn has_exhibitor(&self, code: &str) -> bool {
        self.exhibitors.contains(code)
    }

    pub fn result(&self, i: usize) -> Option<&Product> {
        self.results.get(i).map(|p| &self.products[*p])
    }

    /// Re-ranks for a new query. A query that extends the previous one only rescans what matched before:
    /// every keystroke after the first scans a shrinking set.
    pub fn search(&mut self, query: &str) {
        let q = fold_arabic(query.trim());
        if q.is_empty() {
            self.query.clear();
            self.matching.clear();
            self.results.clear();
            return;
        }
        let narrowing = !self.query.is_empty() && q.starts_with(&self.query);
        let pattern = Pattern::parse(&q, CaseMatching::Ignore, Normalization::Smart);
        let pool: Vec<usize> = if narrowing {
            std::mem::take(&mut self.matching)
        } else {
            (0..self.products.len()).collect()
        };
        let mut scored: Vec<(u32, usize)> = Vec::with_capacity(pool.len().min(4096));
        for i in pool {
            if let Some(score) = pattern.score(self.hay[i].slice(..), &mut self.matcher) {
                scored.push((score, i));
            }
        }
        self.matching = scored.iter().map(|(_, i)| *i).collect();
        let keep = scored.len().min(MAX_RESULTS);
        if scored.len() > keep {
            scored.select_nth_unstable_by(keep - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(keep);
        }
        scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.results = scored.into_iter().map(|(_, i)| i).collect();
        self.query = q;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Unit;
    use rust_decimal::dec;

    fn p(code: &str, fr: &str, ar: &str) -> Product {
        Product {
            code: code.into(),
            exhibitor_code: "E001".into(),
            barcode: Some(format!("611{code}")),
            name_fr: fr.into(),
            name_ar: Some(ar.into()),
            unit: Unit::Piece,
            price: dec!(10),
            vat_rate: dec!(0),
        }
    }

    #[test]
    fn finds_by_french_arabic_and_code() {
        let mut c = Catalog::new(
            vec![
                p("MIEL1", "Miel de thym", "عسل الزعتر"),
                p("ARG1", "Huile d'argan", "زيت أركان"),
            ],
            ["E001".to_string()],
        );
        c.search("thym");
        assert_eq!(c.result(0).unwrap().code, "MIEL1");
        c.search("اركان");
        assert_eq!(c.result(0).unwrap().code, "ARG1");
        c.search("arg");
        assert_eq!(c.result(0).unwrap().code, "ARG1");
        assert_eq!(c.by_barcode("611MIEL1").unwrap().code, "MIEL1");
        assert_eq!(c.by_code("miel1").unwrap().code, "MIEL1");
    }
}
