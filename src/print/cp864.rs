//! Arabic through the printer's own code page, IBM CP864, for profiles with
//! `arabic = "codepage"`: ~25 bytes a name instead of a ~0.6 kB image,
//! which matters on a 9600-baud serial link. CP864 holds presentation forms,
//! so text is shaped and put in visual order first (`arabic_shape.rs`).
//!
//! CP864 lacks many forms (most final and medial ones): the nearest form the
//! page has stands in (medial → initial, final → isolated). Words stay
//! legible, if less joined than in the raster image.

use unicode_normalization::UnicodeNormalization;

use super::arabic_shape::{self, Form, form_of, letter_of};

/// CP864 bytes 0x80..=0xFF (Python's `cp864` codec); 0 = undefined.
const HIGH: [u16; 128] = [
    0x00B0, 0x00B7, 0x2219, 0x221A, 0x2592, 0x2500, 0x2502, 0x253C, // 0x80
    0x2524, 0x252C, 0x251C, 0x2534, 0x2510, 0x250C, 0x2514, 0x2518, // 0x88
    0x03B2, 0x221E, 0x03C6, 0x00B1, 0x00BD, 0x00BC, 0x2248, 0x00AB, // 0x90
    0x00BB, 0xFEF7, 0xFEF8, 0x0000, 0x0000, 0xFEFB, 0xFEFC, 0x0000, // 0x98
    0x00A0, 0x00AD, 0xFE82, 0x00A3, 0x00A4, 0xFE84, 0x0000, 0x0000, // 0xA0
    0xFE8E, 0xFE8F, 0xFE95, 0xFE99, 0x060C, 0xFE9D, 0xFEA1, 0xFEA5, // 0xA8
    0x0660, 0x0661, 0x0662, 0x0663, 0x0664, 0x0665, 0x0666, 0x0667, // 0xB0
    0x0668, 0x0669, 0xFED1, 0x061B, 0xFEB1, 0xFEB5, 0xFEB9, 0x061F, // 0xB8
    0x00A2, 0xFE80, 0xFE81, 0xFE83, 0xFE85, 0xFECA, 0xFE8B, 0xFE8D, // 0xC0
    0xFE91, 0xFE93, 0xFE97, 0xFE9B, 0xFE9F, 0xFEA3, 0xFEA7, 0xFEA9, // 0xC8
    0xFEAB, 0xFEAD, 0xFEAF, 0xFEB3, 0xFEB7, 0xFEBB, 0xFEBF, 0xFEC1, // 0xD0
    0xFEC5, 0xFECB, 0xFECF, 0x00A6, 0x00AC, 0x00F7, 0x00D7, 0xFEC9, // 0xD8
    0x0640, 0xFED3, 0xFED7, 0xFEDB, 0xFEDF, 0xFEE3, 0xFEE7, 0xFEEB, // 0xE0
    0xFEED, 0xFEEF, 0xFEF3, 0xFEBD, 0xFECC, 0xFECE, 0xFECD, 0xFEE1, // 0xE8
    0xFE7D, 0x0651, 0xFEE5, 0xFEE9, 0xFEEC, 0xFEF0, 0xFEF2, 0xFED0, // 0xF0
    0xFED5, 0xFEF5, 0xFEF6, 0xFEDD, 0xFED9, 0xFEF1, 0x25A0, 0x0000, // 0xF8
];

/// What a byte prints as. 0x25 is the Arabic percent sign on this page.
pub fn decode_byte(b: u8) -> char {
    match b {
        0x25 => '\u{066A}',
        0..=0x7F => b as char,
        _ => char::from_u32(HIGH[(b - 0x80) as usize] as u32)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{FFFD}'),
    }
}

pub fn decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| decode_byte(b)).collect()
}

fn exact(c: char) -> Option<u8> {
    if c == '%' || (c as u32) < 0x80 {
        return Some(if c == '%' { 0x25 } else { c as u8 });
    }
    if c == '\u{066A}' {
        return Some(0x25);
    }
    HIGH.iter()
        .position(|&t| t as u32 == c as u32)
        .map(|i| 0x80 + i as u8)
}

/// Forms to try, best first, when the page lacks the exact one.
fn stand_ins(form: Form) -> &'static [Form] {
    match form {
        Form::Medial => &[Form::Initial, Form::Isolated],
        Form::Final => &[Form::Isolated],
        Form::Initial => &[Form::Medial, Form::Isolated],
        Form::Isolated => &[Form::Final],
    }
}

/// Letters CP864 has in no form at all (hamza below, yeh with hamza at the
/// end of a word): the closest letter it has.
fn stand_in_letter(l: char) -> Option<char> {
    Some(match l {
        '\u{0625}' => '\u{0627}',
        '\u{0626}' => '\u{0649}',
        _ => return None,
    })
}

/// The byte for one visual-order character, with stand-in forms.
pub fn encode_char(c: char) -> Option<u8> {
    if let Some(b) = exact(c) {
        return Some(b);
    }
    match c as u32 {
        // Lam-alef with hamza below: plain lam-alef.
        0xFEF9 | 0xFEFA => return exact(char::from_u32(c as u32 + 2)?),
        _ => {}
    }
    let (letter, form) = letter_of(c)?;
    let letters = [Some(letter), stand_in_letter(letter)];
    letters.into_iter().flatten().find_map(|l| {
        std::iter::once(form)
            .chain(stand_ins(form).iter().copied())
            .filter_map(|f| form_of(l, f))
            .find_map(exact)
    })
}

/// One line of logical-order text (an Arabic name, maybe with numbers) as
/// CP864 bytes in visual order. Unknown characters print as `?`, never as
/// raw UTF-8.
pub fn encode_line(text: &str) -> Vec<u8> {
    let nfc: String = text.nfc().collect();
    let shaped = arabic_shape::visual(&arabic_shape::shape(&nfc));
    shaped
        .chars()
        .map(|c| {
            if c.is_control() {
                b' '
            } else {
                encode_char(c).unwrap_or(b'?')
            }
        })
        .collect()
}

/// Reads printed CP864 bytes back to logical-order letters (compatibility
/// forms undone, line reversed): for checks and diagnostics.
pub fn read_back(bytes: &[u8]) -> String {
    // Reorder before undoing ligatures: NFKC expands lam-alef in logical
    // order, which a reversal afterwards would turn around.
    arabic_shape::visual(&decode(bytes)).nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trip() {
        for b in 0x20..=0xFEu8 {
            let c = decode_byte(b);
            if c != '\u{FFFD}' && b != 0x7F {
                assert_eq!(encode_char(c), Some(b), "{b:#x} {c}");
            }
        }
        assert_eq!(encode_char('%'), Some(0x25));
    }

    #[test]
    fn stand_in_forms() {
        // Lam final (FEDE) is not on the page: lam isolated (0xFB).
        assert_eq!(encode_char('\u{FEDE}'), Some(0xFB));
        // Seen medial (FEB4): seen initial (0xD3).
        assert_eq!(encode_char('\u{FEB4}'), Some(0xD3));
        // Ain has all four forms.
        assert_eq!(encode_char('\u{FECC}'), Some(0xEC));
        // Alef with hamza below, isolated: plain alef.
        assert_eq!(encode_char('\u{FE87}'), Some(0xC7));
        assert_eq!(encode_char('é'), None);
    }

    #[test]
    fn honey() {
        // عسل: visual order ل (final → isolated 0xFB), س medial → 0xD3,
        // ع initial 0xD9.
        let b = encode_line("عسل");
        assert_eq!(b, [0xFB, 0xD3, 0xD9]);
        assert_eq!(read_back(&b), "عسل");
        assert_eq!(encode_line("é"), b"?");
        let oil = encode_line("زيت الأركان");
        assert_eq!(
            oil,
            [0xF2, 0xA8, 0xE3, 0xD1, 0x99, 0xC7, 0x20, 0xAA, 0xEA, 0xD2]
        );
        assert_eq!(read_back(&oil), "زيت الأركان");
    }
}
