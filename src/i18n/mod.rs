//! User-facing strings from the fluent catalogues under `locales/` (French by default, English by config).
//! Catalogues are compiled in: the till must start on a laptop with nothing but the binary and the database.
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

const FR: &str = include_str!("../../locales/fr/souk.ftl");
const EN: &str = include_str!("../../locales/en/souk.ftl");

pub struct I18n {
    bundle: FluentBundle<FluentResource>,
    lang: String,
}

impl I18n {
    /// `fr` or `en`; anything else falls back to French, the working language of the markets.
    pub fn new(lang: &str) -> I18n {
        let (src, lang) = match lang {
            "en" => (EN, "en"),
            _ => (FR, "fr"),
        };
        let id: LanguageIdentifier = lang.parse().expect("static language id");
        let mut bundle = FluentBundle::new(vec![id]);
        // Without this, U+2068/U+2069 isolation marks leak into the screen and the receipts.
        bundle.set_use_isolating(false);
        let res = FluentResource::try_new(src.to_string()).expect("locales are checked by tests");
        bundle.add_resource(res).expect("no duplicate message ids");
        I18n {
            bundle,
            lang: lang.into(),
        }
    }

    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// A message without arguments; a missing id shows as itself so the gap is visible, not fatal.
    pub fn t(&self, id: &str) -> String {
        self.fmt(id, None)
    }

    /// A message with named string arguments: `tr.a("change", &[("amount", "12,00 DH")])`. The argument `n`
    /// is a count: passed as a number, so the catalogue chooses the plural (`1 ligne`, `3 lignes`).
    pub fn a(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v.parse::<i64>() {
                Ok(n) if *k == "n" => fa.set(*k, FluentValue::from(n)),
                _ => fa.set(*k, FluentValue::from(*v)),
            }
        }
        self.fmt(id, Some(&fa))
    }

    fn fmt(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// Every message id of a catalogue (for the consistency test): lines `id = …` at column 0.
    pub fn ids(lang: &str) -> Vec<String> {
        let src = if lang == "en" { EN } else { FR };
        let mut ids: Vec<String> = src
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect();
        ids.sort();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_have_the_same_ids() {
        assert_eq!(I18n::ids("fr"), I18n::ids("en"));
        assert!(FluentResource::try_new(FR.to_string()).is_ok());
        assert!(FluentResource::try_new(EN.to_string()).is_ok());
    }

    #[test]
    fn counts_choose_the_plural() {
        let fr = I18n::new("fr");
        assert_eq!(fr.a("sale-basket", &[("n", "1")]), "Panier (1 ligne)");
        assert_eq!(fr.a("sale-basket", &[("n", "3")]), "Panier (3 lignes)");
        let en = I18n::new("en");
        assert_eq!(en.a("sale-basket", &[("n", "1")]), "Basket (1 line)");
    }

    #[test]
    fn no_isolation_marks() {
        let tr = I18n::new("fr");
        let s = tr.a("change-due", &[("amount", "5,00 DH")]);
        assert!(!s.contains('\u{2068}'), "{s}");
        assert!(s.contains("5,00 DH"));
    }
}
