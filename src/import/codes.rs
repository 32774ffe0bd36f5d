//! Codes and ticket references made only of digits lose their leading zeros in a spreadsheet (`017` becomes the
//! number 17): such a code that does not exist as written but equals exactly one existing code modulo leading
//! zeros is that code; two such codes in one file are the same code. An exact match always wins.
use std::collections::HashMap;

/// The key under which digit-only codes compare: `017`, `17` and `0017` give `17`; any other code is itself.
pub fn key(s: &str) -> &str {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return s;
    }
    let t = s.trim_start_matches('0');
    if t.is_empty() { &s[s.len() - 1..] } else { t }
}

/// Existing codes, looked up exactly first, then modulo leading zeros.
pub struct Known<T> {
    pub exact: HashMap<String, T>,
    /// Digit-only codes by their key (only those: a lookup of any other code costs one hash).
    zeros: HashMap<String, Vec<String>>,
}

impl<T> Known<T> {
    pub fn new(exact: HashMap<String, T>) -> Self {
        let mut zeros: HashMap<String, Vec<String>> = HashMap::new();
        for code in exact.keys() {
            if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
                zeros
                    .entry(key(code).to_string())
                    .or_default()
                    .push(code.clone());
            }
        }
        for v in zeros.values_mut() {
            v.sort();
        }
        Known { exact, zeros }
    }

    /// The existing code `s` stands for: itself, or the one digit-only code it equals modulo leading zeros.
    /// `Err` names the codes when several do.
    pub fn resolve<'a>(&'a self, s: &str) -> Result<Option<(&'a str, &'a T)>, String> {
        if let Some((k, v)) = self.exact.get_key_value(s) {
            return Ok(Some((k.as_str(), v)));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        match self.zeros.get(key(s)).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([one]) => Ok(self.exact.get_key_value(one).map(|(k, v)| (k.as_str(), v))),
            Some(many) => Err(format!(
                "« {s} » peut désigner {} (les zéros en tête ont pu être perdus par le tableur) : \
                 écrivez le code exact",
                many.iter()
                    .map(|c| format!("« {c} »"))
                    .collect::<Vec<_>>()
                    .join(" ou ")
            )),
        }
    }
}

/// Codes met earlier in a file, compared modulo leading zeros: line and code as written.
#[derive(Default)]
pub struct Seen(HashMap<String, (u64, String)>);

impl Seen {
    pub fn with_capacity(n: usize) -> Self {
        Seen(HashMap::with_capacity(n))
    }

    /// Records `code` at `line`; the message when the file already has it (or a code equal modulo zeros).
    pub fn insert(&mut self, code: &str, line: u64) -> Result<(), String> {
        match self.0.get(key(code)) {
            Some((first, same)) if same == code => {
                Err(format!("« {code} » en double (déjà ligne {first})"))
            }
            Some((first, other)) => Err(format!(
                "« {code} » en double de « {other} » ligne {first} (mêmes chiffres, zéros en tête mis à part)"
            )),
            None => {
                self.0
                    .insert(key(code).to_string(), (line, code.to_string()));
                Ok(())
            }
        }
    }

    pub fn contains(&self, code: &str) -> bool {
        self.0.contains_key(key(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_codes_compare_without_leading_zeros() {
        assert_eq!(key("017"), "17");
        assert_eq!(key("000"), "0");
        assert_eq!(key("P017"), "P017");
        assert_eq!(key(""), "");
        let k = Known::new(HashMap::from([
            ("017".to_string(), 1),
            ("P1".to_string(), 2),
        ]));
        assert_eq!(k.resolve("17").unwrap().unwrap().0, "017");
        assert_eq!(k.resolve("0017").unwrap().unwrap().0, "017");
        assert!(k.resolve("P01").unwrap().is_none());
        let k = Known::new(HashMap::from([
            ("017".to_string(), 1),
            ("17".to_string(), 2),
        ]));
        assert_eq!(k.resolve("17").unwrap().unwrap().0, "17");
        assert!(k.resolve("0017").unwrap_err().contains("« 017 » ou « 17 »"));
        let mut s = Seen::default();
        assert!(s.insert("017", 2).is_ok());
        assert!(s.insert("17", 3).unwrap_err().contains("« 017 » ligne 2"));
    }
}
