//! Arabic shaping to Unicode presentation forms, and right-to-left visual
//! order, for printers with an Arabic code page (CP864). Such printers do not
//! shape: each byte prints one fixed glyph, left to right. So the contextual
//! form of every letter (isolated, final, initial, medial) and the lam-alef
//! ligatures are chosen here, and the line is reversed into visual order.
//!
//! Why not rustybuzz, which the raster path uses: it yields the font's glyph
//! ids, not characters a code page can hold. The table below is the regular
//! layout of Unicode's Arabic Presentation Forms-B (a letter's forms are
//! consecutive: isolated, final, then initial, medial for dual-joining
//! letters), taken from the UnicodeData decompositions — the same data
//! reshaper crates embed, without adding a dependency for 36 rows.

use unicode_bidi::{BidiInfo, Level};

/// Letter, its first (isolated) presentation form, and whether it also joins
/// to the following letter (dual-joining) or only to the preceding one.
const LETTERS: [(char, u32, bool); 36] = [
    ('\u{0621}', 0xFE80, false), // hamza: joins neither side (handled below)
    ('\u{0622}', 0xFE81, false),
    ('\u{0623}', 0xFE83, false),
    ('\u{0624}', 0xFE85, false),
    ('\u{0625}', 0xFE87, false),
    ('\u{0626}', 0xFE89, true),
    ('\u{0627}', 0xFE8D, false),
    ('\u{0628}', 0xFE8F, true),
    ('\u{0629}', 0xFE93, false),
    ('\u{062A}', 0xFE95, true),
    ('\u{062B}', 0xFE99, true),
    ('\u{062C}', 0xFE9D, true),
    ('\u{062D}', 0xFEA1, true),
    ('\u{062E}', 0xFEA5, true),
    ('\u{062F}', 0xFEA9, false),
    ('\u{0630}', 0xFEAB, false),
    ('\u{0631}', 0xFEAD, false),
    ('\u{0632}', 0xFEAF, false),
    ('\u{0633}', 0xFEB1, true),
    ('\u{0634}', 0xFEB5, true),
    ('\u{0635}', 0xFEB9, true),
    ('\u{0636}', 0xFEBD, true),
    ('\u{0637}', 0xFEC1, true),
    ('\u{0638}', 0xFEC5, true),
    ('\u{0639}', 0xFEC9, true),
    ('\u{063A}', 0xFECD, true),
    ('\u{0641}', 0xFED1, true),
    ('\u{0642}', 0xFED5, true),
    ('\u{0643}', 0xFED9, true),
    ('\u{0644}', 0xFEDD, true),
    ('\u{0645}', 0xFEE1, true),
    ('\u{0646}', 0xFEE5, true),
    ('\u{0647}', 0xFEE9, true),
    ('\u{0648}', 0xFEED, false),
    ('\u{0649}', 0xFEEF, false),
    ('\u{064A}', 0xFEF1, true),
];

const TATWEEL: char = '\u{0640}';
const LAM: char = '\u{0644}';

/// Contextual form, in the order of the presentation-form block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Isolated = 0,
    Final = 1,
    Initial = 2,
    Medial = 3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joining {
    /// Spaces, Latin, digits, hamza: break the joining.
    None,
    /// Joins the preceding letter only (alef, dal, reh, waw…).
    Right,
    /// Joins both sides; tatweel is join-causing and behaves the same.
    Dual,
}

fn letter(c: char) -> Option<(u32, bool)> {
    LETTERS
        .iter()
        .find(|(l, _, _)| *l == c)
        .map(|&(_, first, dual)| (first, dual))
}

fn joining(c: char) -> Joining {
    match letter(c) {
        _ if c == TATWEEL => Joining::Dual,
        Some((0xFE80, _)) => Joining::None,
        Some((_, true)) => Joining::Dual,
        Some((_, false)) => Joining::Right,
        None => Joining::None,
    }
}

/// The presentation form of a letter, if Unicode has one.
pub fn form_of(c: char, form: Form) -> Option<char> {
    let (first, dual) = letter(c)?;
    let f = form as u32;
    if (first == 0xFE80 && f > 0) || (!dual && f > 1) {
        return None;
    }
    char::from_u32(first + f)
}

/// The letter and form of a presentation form (inverse of [`form_of`]).
pub fn letter_of(p: char) -> Option<(char, Form)> {
    let cp = p as u32;
    LETTERS.iter().find_map(|&(l, first, dual)| {
        let count = if first == 0xFE80 {
            1
        } else if dual {
            4
        } else {
            2
        };
        let f = cp.checked_sub(first).filter(|f| *f < count)?;
        let form = [Form::Isolated, Form::Final, Form::Initial, Form::Medial][f as usize];
        Some((l, form))
    })
}

/// Letters of Darija/Persian spelling outside the basic block, mapped to the
/// nearest basic letter (ڭ, the Moroccan g, is written ك on CP864 paper).
fn substitute(c: char) -> char {
    match c {
        '\u{06AD}' | '\u{06AF}' | '\u{06A9}' => '\u{0643}',
        '\u{06A4}' => '\u{0641}',
        '\u{06A8}' => '\u{0642}',
        '\u{067E}' => '\u{0628}',
        '\u{0686}' => '\u{062C}',
        '\u{06CC}' => '\u{064A}',
        '\u{0671}' => '\u{0627}',
        other => other,
    }
}

/// Harakat and other combining marks: CP864 cannot stack them over a letter,
/// and product names read fine without them. Being transparent to joining,
/// dropping them first changes no letter's form.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// Lam-alef ligature: isolated form; the final form is the next code point.
fn lam_alef(alef: char) -> Option<u32> {
    Some(match alef {
        '\u{0622}' => 0xFEF5,
        '\u{0623}' => 0xFEF7,
        '\u{0625}' => 0xFEF9,
        '\u{0627}' => 0xFEFB,
        _ => return None,
    })
}

/// Logical-order text with each Arabic letter replaced by its contextual
/// presentation form and lam + alef by their ligature.
pub fn shape(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !is_mark(*c))
        .map(substitute)
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let joins_prev = i > 0
            && joining(chars[i - 1]) == Joining::Dual
            && matches!(joining(c), Joining::Right | Joining::Dual);
        if c == LAM
            && let Some(lig) = chars.get(i + 1).and_then(|a| lam_alef(*a))
        {
            out.extend(char::from_u32(lig + u32::from(joins_prev)));
            i += 2;
            continue;
        }
        let joins_next = joining(c) == Joining::Dual
            && chars
                .get(i + 1)
                .is_some_and(|n| matches!(joining(*n), Joining::Right | Joining::Dual));
        let form = match (joins_prev, joins_next) {
            (false, false) => Form::Isolated,
            (true, false) => Form::Final,
            (false, true) => Form::Initial,
            (true, true) => Form::Medial,
        };
        out.push(if c == TATWEEL {
            c
        } else {
            form_of(c, form).unwrap_or(c)
        });
        i += 1;
    }
    out
}

/// Mirrored pairs: a bracket inside a right-to-left run prints reversed.
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        other => other,
    }
}

/// Left-to-right visual order of a right-to-left paragraph (Unicode bidi):
/// Arabic runs reversed, numbers and Latin words kept as they read.
pub fn visual(text: &str) -> String {
    let info = BidiInfo::new(text, Some(Level::rtl()));
    let Some(para) = info.paragraphs.first() else {
        return String::new();
    };
    let (levels, runs) = info.visual_runs(para, para.range.clone());
    let mut out = String::with_capacity(text.len());
    for run in runs {
        let s = &text[run.clone()];
        if levels[run.start].is_rtl() {
            out.extend(s.chars().rev().map(mirror));
        } else {
            out.push_str(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contextual_forms() {
        // ع initial, س medial, ل final.
        assert_eq!(shape("عسل"), "\u{FECB}\u{FEB4}\u{FEDE}");
        // Alef joins the preceding letter only: ب before it is initial, and
        // the ر after the alef starts anew (isolated).
        assert_eq!(shape("بار"), "\u{FE91}\u{FE8E}\u{FEAD}");
        // Harakat dropped; hamza joins nothing.
        assert_eq!(shape("مَاء"), "\u{FEE3}\u{FE8E}\u{FE80}");
    }

    #[test]
    fn lam_alef_ligatures() {
        // ال at the start of a word: isolated ligature; after a joining
        // letter (كلا): final ligature.
        assert_eq!(shape("ال"), "\u{FE8D}\u{FEDD}");
        assert_eq!(shape("لا"), "\u{FEFB}");
        assert_eq!(shape("كلا"), "\u{FEDB}\u{FEFC}");
        assert_eq!(shape("الأركان").chars().nth(1), Some('\u{FEF7}'));
    }

    #[test]
    fn visual_order_keeps_numbers_and_latin() {
        assert_eq!(
            visual("\u{FECB}\u{FEB4}\u{FEDE}"),
            "\u{FEDE}\u{FEB4}\u{FECB}"
        );
        // "زيت 250 ml" reads right to left word by word (زيت, 250, ml),
        // each number and Latin word still left to right.
        let v = visual("زيت 250 ml");
        assert!(v.starts_with("ml 250 "), "{v:?}");
        assert!(v.ends_with("تيز"), "{v:?}");
        assert_eq!(visual("(عسل)"), "(لسع)");
    }

    #[test]
    fn same_forms_as_arabic_reshaper() {
        // Expected strings produced by python arabic_reshaper 3.1 (harakat
        // deleted, lam-alef ligatures only); 20 market names agreed.
        let cases = [
            (
                "زيت الزيتون البكر",
                "\u{FEAF}\u{FEF3}\u{FE96} \u{FE8D}\u{FEDF}\u{FEB0}\u{FEF3}\u{FE98}\u{FEEE}\u{FEE5} \u{FE8D}\u{FEDF}\u{FE92}\u{FEDC}\u{FEAE}",
            ),
            (
                "ماء الورد",
                "\u{FEE3}\u{FE8E}\u{FE80} \u{FE8D}\u{FEDF}\u{FEEE}\u{FEAD}\u{FEA9}",
            ),
            (
                "إكليل الجبل",
                "\u{FE87}\u{FEDB}\u{FEE0}\u{FEF4}\u{FEDE} \u{FE8D}\u{FEDF}\u{FEA0}\u{FE92}\u{FEDE}",
            ),
            (
                "شاي بالنعناع",
                "\u{FEB7}\u{FE8E}\u{FEF1} \u{FE91}\u{FE8E}\u{FEDF}\u{FEE8}\u{FECC}\u{FEE8}\u{FE8E}\u{FEC9}",
            ),
            (
                "فخار آسفي",
                "\u{FED3}\u{FEA8}\u{FE8E}\u{FEAD} \u{FE81}\u{FEB3}\u{FED4}\u{FEF2}",
            ),
            (
                "حناء طبيعية",
                "\u{FEA3}\u{FEE8}\u{FE8E}\u{FE80} \u{FEC3}\u{FE92}\u{FEF4}\u{FECC}\u{FEF4}\u{FE94}",
            ),
        ];
        for (name, want) in cases {
            assert_eq!(shape(name), want, "{name}");
        }
    }

    #[test]
    fn forms_round_trip() {
        for (l, _, _) in LETTERS {
            for f in [Form::Isolated, Form::Final, Form::Initial, Form::Medial] {
                if let Some(p) = form_of(l, f) {
                    assert_eq!(letter_of(p), Some((l, f)), "{l}");
                }
            }
        }
        assert_eq!(shape("ڭ"), shape("ك"));
    }
}
