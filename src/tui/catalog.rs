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
    /// Code, barcode and French name folded to ASCII: a Latin query is matched on nucleo's fast ASCII path.
    latin: Vec<Utf32String>,
    /// Arabic names (folded): an Arabic query scans these short strings only.
    arabic: Vec<Utf32String>,
    by_barcode: HashMap<String, usize>,
    by_code: HashMap<String, usize>,
    exhibitors: HashSet<String>,
    matcher: Matcher,
    /// The queries typed since the field was empty, each with what it matched: a letter more narrows the
    /// last one, Backspace goes back to the one before without scanning anything.
    typed: Vec<Searched>,
    pub results: Vec<usize>,
}

struct Searched {
    query: String,
    matching: Vec<u32>,
    results: Vec<usize>,
}

/// How many earlier queries are remembered (a search is rarely longer).
const MAX_TYPED: usize = 32;

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

/// French text to ASCII for matching: accents dropped (é → e), ligatures spelled out (œ → oe), anything else
/// that is not ASCII becomes a space.
pub fn fold_latin(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match nucleo_matcher::chars::normalize(c) {
            c if c.is_ascii() => out.push(c),
            'œ' => out.push_str("oe"),
            'Œ' => out.push_str("OE"),
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("AE"),
            '’' | 'ʼ' => out.push('\''),
            _ => out.push(' '),
        }
    }
    out
}

/// The query as matched: Arabic folded, and Latin folded to ASCII unless it holds Arabic letters.
fn fold_query(q: &str) -> String {
    let a = fold_arabic(q.trim());
    if a.chars().any(is_arabic) {
        a
    } else {
        fold_latin(&a)
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FEFF}')
}

impl Catalog {
    pub fn new(products: Vec<Product>, exhibitors: impl IntoIterator<Item = String>) -> Catalog {
        let latin = products
            .iter()
            .map(|p| {
                let text = format!(
                    "{} {} {}",
                    p.code,
                    p.barcode.as_deref().unwrap_or(""),
                    fold_latin(&p.name_fr)
                );
                Utf32String::from(text.as_str())
            })
            .collect();
        let arabic = products
            .iter()
            .map(|p| Utf32String::from(fold_arabic(p.name_ar.as_deref().unwrap_or("")).as_str()))
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
            latin,
            arabic,
            by_barcode,
            by_code,
            exhibitors: exhibitors.into_iter().map(|e| e.to_lowercase()).collect(),
            matcher: Matcher::new(Config::DEFAULT),
            typed: Vec::new(),
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

    /// Whether an exhibitor selling today has this code, in any case.
    pub fn has_exhibitor(&self, code: &str) -> bool {
        self.exhibitors.contains(&code.to_lowercase())
    }

    pub fn result(&self, i: usize) -> Option<&Product> {
        self.results.get(i).map(|p| &self.products[*p])
    }

    /// Re-ranks for a new query. A query that extends an earlier one only rescans what that one matched;
    /// going back to an earlier query (Backspace) reuses its results.
    pub fn search(&mut self, query: &str) {
        let q = fold_query(query);
        while self.typed.last().is_some_and(|t| !q.starts_with(&t.query)) {
            self.typed.pop();
        }
        if q.is_empty() {
            self.typed.clear();
            self.results.clear();
            return;
        }
        if let Some(t) = self.typed.last().filter(|t| t.query == q) {
            self.results = t.results.clone();
            return;
        }
        let hay = if q.chars().any(is_arabic) {
            &self.arabic
        } else {
            &self.latin
        };
        let pool = self.typed.last().map(|t| t.matching.as_slice());
        let searched = scan(&mut self.matcher, hay, &q, pool);
        self.results = searched.results.clone();
        if self.typed.len() == MAX_TYPED {
            self.typed.remove(0);
        }
        self.typed.push(searched);
    }
}

/// Scores `pool` (or every product) against the query; keeps the best [`MAX_RESULTS`], ranked.
fn scan(matcher: &mut Matcher, hay: &[Utf32String], q: &str, pool: Option<&[u32]>) -> Searched {
    // Arabic has no case and nucleo has nothing to normalise in it (folding is ours): skipping both halves
    // the cost of scanning the Arabic names.
    let pattern = if q.chars().any(is_arabic) {
        Pattern::parse(q, CaseMatching::Respect, Normalization::Never)
    } else {
        Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart)
    };
    let mut scored: Vec<(u32, u32)> =
        Vec::with_capacity(pool.map_or(hay.len(), |p| p.len()).min(4096));
    let mut score = |i: u32| {
        if let Some(s) = pattern.score(hay[i as usize].slice(..), matcher) {
            scored.push((s, i));
        }
    };
    match pool {
        Some(p) => p.iter().for_each(|&i| score(i)),
        None => (0..hay.len() as u32).for_each(score),
    }
    let matching = scored.iter().map(|(_, i)| *i).collect();
    let keep = scored.len().min(MAX_RESULTS);
    let order = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if scored.len() > keep {
        scored.select_nth_unstable_by(keep - 1, order);
        scored.truncate(keep);
    }
    scored.sort_unstable_by(order);
    Searched {
        query: q.to_string(),
        matching,
        results: scored.into_iter().map(|(_, i)| i as usize).collect(),
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

    #[test]
    fn accents_ligatures_and_going_back() {
        let mut c = Catalog::new(
            vec![
                p("THE1", "Thé à la menthe", "شاي"),
                p("OEU1", "Œufs beldi", "بيض"),
                p("MIEL1", "Miel de thym", "عسل الزعتر"),
            ],
            ["E001".to_string()],
        );
        c.search("thé");
        assert_eq!(c.result(0).unwrap().code, "THE1");
        c.search("oeufs");
        assert_eq!(c.result(0).unwrap().code, "OEU1");
        c.search("m");
        let all_m = c.results.clone();
        c.search("mie");
        assert_eq!(c.result(0).unwrap().code, "MIEL1");
        c.search("mi");
        c.search("m");
        assert_eq!(c.results, all_m, "Backspace gives back the earlier ranking");
        c.search("الزعتر");
        assert_eq!(c.result(0).unwrap().code, "MIEL1");
        c.search("");
        assert!(c.results.is_empty());
    }
}
