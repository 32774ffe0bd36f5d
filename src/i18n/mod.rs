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

    /// A count with its noun, plural by the catalogue's rules: `count("count-ticket", 1)` → `1 ticket`.
    pub fn count(&self, id: &str, n: u64) -> String {
        self.a(id, &[("n", &n.to_string())])
    }

    /// An error as a sentence for the cashier: a full disk, a locked or read-only database, a missing file or
    /// a refused access are said in words with what to do; the contexts above the cause (what was being done)
    /// are kept in front. Anything else is already one of souk's own French messages.
    pub fn explain(&self, e: &anyhow::Error) -> String {
        let mut what: Vec<String> = Vec::new();
        for cause in crate::storage::error::causes(e) {
            if let Some(id) = known_cause(cause) {
                what.push(self.t(id));
                return what.join(" : ");
            }
            what.push(cause.to_string());
        }
        format!("{e:#}")
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

/// A count in French for the command line's messages (`1 ticket`, `3 tickets`).
pub fn count_fr(id: &str, n: impl TryInto<u64>) -> String {
    thread_local! {
        static FR: I18n = I18n::new("fr");
    }
    let n = n.try_into().unwrap_or(0);
    FR.with(|tr| tr.count(id, n))
}

/// The message id for an OS or SQLite failure a person can act on.
fn known_cause(cause: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    use rusqlite::ErrorCode as C;
    use std::io::ErrorKind as K;
    if let Some(rusqlite::Error::SqliteFailure(f, _)) = cause.downcast_ref::<rusqlite::Error>() {
        return match f.code {
            C::DiskFull => Some("err-disk-full"),
            C::DatabaseBusy | C::DatabaseLocked => Some("err-db-busy"),
            C::ReadOnly | C::PermissionDenied => Some("err-read-only"),
            C::SystemIoFailure | C::CannotOpen => Some("err-io"),
            C::DatabaseCorrupt | C::NotADatabase => Some("err-corrupt"),
            _ => None,
        };
    }
    let io = cause.downcast_ref::<std::io::Error>()?;
    Some(match io.kind() {
        K::NotFound => "err-not-found",
        K::PermissionDenied | K::ReadOnlyFilesystem => "err-read-only",
        K::StorageFull | K::QuotaExceeded => "err-disk-full",
        _ => "err-io",
    })
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
        assert_eq!(count_fr("count-ticket", 1u64), "1 ticket");
        assert_eq!(count_fr("count-ticket", 812u64), "812 tickets");
        assert_eq!(count_fr("count-entry", 0u64), "0 entrée");
        let en = I18n::new("en");
        assert_eq!(en.a("sale-basket", &[("n", "1")]), "Basket (1 line)");
    }

    #[test]
    fn os_and_sqlite_errors_become_sentences() {
        let tr = I18n::new("fr");
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        );
        let e = anyhow::Error::from(full).context("enregistrement de la vente");
        let s = tr.explain(&e);
        assert!(
            s.starts_with("enregistrement de la vente : Disque plein"),
            "{s}"
        );
        assert!(
            !s.contains("Error code") && !s.contains("disk is full"),
            "{s}"
        );
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let s = tr.explain(&anyhow::Error::from(missing).context("lecture de x.csv"));
        assert_eq!(s, format!("lecture de x.csv : {}", tr.t("err-not-found")));
        assert!(!s.contains("os error"), "{s}");
        let own = anyhow::anyhow!("la phase 2 est clôturée");
        assert_eq!(tr.explain(&own), "la phase 2 est clôturée");
    }

    #[test]
    fn no_isolation_marks() {
        let tr = I18n::new("fr");
        let s = tr.a("change-due", &[("amount", "5,00 DH")]);
        assert!(!s.contains('\u{2068}'), "{s}");
        assert!(s.contains("5,00 DH"));
    }
}
