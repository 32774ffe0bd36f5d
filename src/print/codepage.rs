//! Text to printer bytes: our own CP850/CP858 tables, so raw UTF-8 never
//! reaches the printer, plus transliteration of what the page lacks.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Code pages we encode to. CP858 is CP850 with `€` at 0xD5 (in place of `ı`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodePage {
    Pc850,
    Pc858,
}

/// CP850, bytes 0x80..=0xFF (checked against Python's `cp850` codec).
const CP850_HIGH: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{00E5}',
    '\u{00E7}', // 0x80
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{00EC}', '\u{00C4}',
    '\u{00C5}', // 0x88
    '\u{00C9}', '\u{00E6}', '\u{00C6}', '\u{00F4}', '\u{00F6}', '\u{00F2}', '\u{00FB}',
    '\u{00F9}', // 0x90
    '\u{00FF}', '\u{00D6}', '\u{00DC}', '\u{00F8}', '\u{00A3}', '\u{00D8}', '\u{00D7}',
    '\u{0192}', // 0x98
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{00F1}', '\u{00D1}', '\u{00AA}',
    '\u{00BA}', // 0xA0
    '\u{00BF}', '\u{00AE}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}',
    '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{00C1}', '\u{00C2}',
    '\u{00C0}', // 0xB0
    '\u{00A9}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{00A2}', '\u{00A5}',
    '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{00E3}',
    '\u{00C3}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}',
    '\u{00A4}', // 0xC8
    '\u{00F0}', '\u{00D0}', '\u{00CA}', '\u{00CB}', '\u{00C8}', '\u{0131}', '\u{00CD}',
    '\u{00CE}', // 0xD0
    '\u{00CF}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{00A6}', '\u{00CC}',
    '\u{2580}', // 0xD8
    '\u{00D3}', '\u{00DF}', '\u{00D4}', '\u{00D2}', '\u{00F5}', '\u{00D5}', '\u{00B5}',
    '\u{00FE}', // 0xE0
    '\u{00DE}', '\u{00DA}', '\u{00DB}', '\u{00D9}', '\u{00FD}', '\u{00DD}', '\u{00AF}',
    '\u{00B4}', // 0xE8
    '\u{00AD}', '\u{00B1}', '\u{2017}', '\u{00BE}', '\u{00B6}', '\u{00A7}', '\u{00F7}',
    '\u{00B8}', // 0xF0
    '\u{00B0}', '\u{00A8}', '\u{00B7}', '\u{00B9}', '\u{00B3}', '\u{00B2}', '\u{25A0}',
    '\u{00A0}', // 0xF8
];

impl CodePage {
    /// The character a byte prints as.
    pub fn decode_byte(self, b: u8) -> char {
        match (self, b) {
            (_, 0..=0x7F) => b as char,
            (CodePage::Pc858, 0xD5) => '€',
            _ => CP850_HIGH[(b - 0x80) as usize],
        }
    }

    /// The byte for a character, if the page has it.
    pub fn encode_char(self, c: char) -> Option<u8> {
        if (c as u32) < 0x80 {
            return Some(c as u8);
        }
        if self == CodePage::Pc858 && c == '€' {
            return Some(0xD5);
        }
        if self == CodePage::Pc858 && c == 'ı' {
            return None;
        }
        CP850_HIGH
            .iter()
            .position(|&t| t == c)
            .map(|i| 0x80 + i as u8)
    }

    /// Encodes text for the printer: NFC, then the page, then transliteration,
    /// then `?`. Control characters never pass through.
    pub fn encode(self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        for c in text.nfc() {
            if c.is_control() {
                out.push(b' ');
                continue;
            }
            match self.encode_char(c) {
                Some(b) if b != 0xFF => out.push(b),
                _ => match transliterate(c) {
                    Some(s) => out.extend(s.bytes()),
                    None => out.push(b'?'),
                },
            }
        }
        out
    }

    pub fn decode(self, bytes: &[u8]) -> String {
        bytes.iter().map(|&b| self.decode_byte(b)).collect()
    }
}

/// ASCII stand-ins for common characters missing from CP850.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2014}' | '\u{2013}' | '\u{2012}' | '\u{2010}' | '\u{2011}' | '\u{2212}' => "-",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => "\"",
        '\u{2026}' => "...",
        '\u{00A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' | '\u{200A}' => " ",
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => "",
        'Œ' => "OE",
        'œ' => "oe",
        '€' => "EUR",
        '\u{2022}' => "*",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_letters() {
        let p = CodePage::Pc858;
        let cases = [
            ('é', 0x82),
            ('è', 0x8A),
            ('à', 0x85),
            ('ç', 0x87),
            ('ê', 0x88),
            ('ô', 0x93),
            ('â', 0x83),
            ('î', 0x8C),
            ('û', 0x96),
            ('ë', 0x89),
            ('ï', 0x8B),
            ('ù', 0x97),
            ('É', 0x90),
            ('À', 0xB7),
            ('Ç', 0x80),
            ('€', 0xD5),
            ('«', 0xAE),
            ('»', 0xAF),
            ('°', 0xF8),
        ];
        for (c, b) in cases {
            assert_eq!(p.encode_char(c), Some(b), "{c}");
            assert_eq!(p.decode_byte(b), c);
        }
        assert_eq!(CodePage::Pc850.encode_char('€'), None);
        assert_eq!(CodePage::Pc850.encode("€"), b"EUR");
    }

    #[test]
    fn transliteration_and_unknowns() {
        let p = CodePage::Pc858;
        assert_eq!(p.encode("a — b – c’d “e” f…"), b"a - b - c'd \"e\" f...");
        assert_eq!(p.encode("Œuvre cœur"), b"OEuvre coeur");
        assert_eq!(p.encode("1\u{a0}234"), b"1 234");
        assert_eq!(p.encode("عسل"), b"???");
        // Decomposed é is composed first.
        assert_eq!(p.encode("e\u{301}"), vec![0x82]);
    }

    #[test]
    fn round_trip_of_the_whole_page() {
        for p in [CodePage::Pc850, CodePage::Pc858] {
            for b in 0x20..=0xFEu8 {
                if b == 0x7F {
                    continue;
                }
                let c = p.decode_byte(b);
                assert_eq!(p.encode(&c.to_string()), vec![b], "{p:?} {b:#x}");
            }
        }
    }
}
