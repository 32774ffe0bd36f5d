//! The print operations a template produces, and the small line markup they
//! are parsed from.
//!
//! Markup, one directive per line (what `receipts/*.j2` render to):
//! - `text` — a plain line, word-wrapped to the paper width;
//! - `@center text`, `@right text`, `@bold text`, `@double text`, combined with
//!   `+`: `@center+bold+double MARCHÉ` (double size halves the columns);
//! - `@rule` (dashes) or `@rule =` (another character);
//! - `@qr payload`, `@arabic text`, `@feed n`, `@cut`, `@drawer`.
//!
//! `@` in data never starts a directive: the template formatter escapes it
//! (see `templates.rs`), and the sentinel is turned back into `@` here.

use super::PrintError;
use super::arabic;
use super::cp864;
use super::profile::{ArabicMode, Profile};

/// Stands for a literal `@` coming from data.
pub(crate) const AT_SENTINEL: char = '\u{E040}';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub bold: bool,
    pub double: bool,
    pub align: Align,
}

/// A 1-bit image, rows of `width / 8` bytes, most significant bit leftmost,
/// 1 = black (the `GS v 0` layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    pub width: u16,
    pub height: u16,
    pub data: Vec<u8>,
}

impl Raster {
    pub fn new(width: u16, height: u16) -> Raster {
        let width = width.div_ceil(8) * 8;
        Raster {
            width,
            height,
            data: vec![0; width as usize / 8 * height as usize],
        }
    }

    pub fn set(&mut self, x: u32, y: u32) {
        if x < self.width as u32 && y < self.height as u32 {
            let i = (y * self.width as u32 / 8 + x / 8) as usize;
            self.data[i] |= 0x80 >> (x % 8);
        }
    }

    pub fn ink(&self) -> u32 {
        self.data.iter().map(|b| b.count_ones()).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintOp {
    /// One printed line, already fitted to the width.
    Line {
        text: String,
        style: Style,
    },
    /// QR code of the payload, centred.
    Qr(String),
    /// An image; `alt` is what the plain-text rendering shows (Arabic text).
    Raster {
        image: Raster,
        alt: String,
        align: Align,
    },
    /// Arabic as CP864 bytes in visual order, printed right-aligned between
    /// `ESC t` switches (`alt`: the logical text, for the plain rendering).
    Arabic {
        bytes: Vec<u8>,
        alt: String,
    },
    Feed(u8),
    Cut,
    Drawer,
}

/// Parses rendered markup into operations for the profile's width.
pub fn parse_markup(markup: &str, profile: &Profile) -> Result<Vec<PrintOp>, PrintError> {
    let mut ops = Vec::new();
    for (n, raw) in markup.lines().enumerate() {
        let line = raw.trim_end();
        let Some(rest) = line.strip_prefix('@') else {
            push_text(&mut ops, line, Style::default(), profile.columns as usize);
            continue;
        };
        let (word, arg) = rest.split_once(' ').unwrap_or((rest, ""));
        let bad = |msg: &str| PrintError::Markup {
            line: n + 1,
            message: format!("{msg} : {raw}"),
        };
        match word {
            "rule" => {
                let c = unescape(arg).chars().next().unwrap_or('-');
                let text: String = std::iter::repeat_n(c, profile.columns as usize).collect();
                ops.push(PrintOp::Line {
                    text,
                    style: Style::default(),
                });
            }
            "qr" => ops.push(PrintOp::Qr(unescape(arg))),
            "arabic" => push_arabic(&mut ops, &unescape(arg), profile),
            "feed" => ops.push(PrintOp::Feed(
                arg.trim().parse().map_err(|_| bad("@feed n"))?,
            )),
            "cut" => ops.push(PrintOp::Cut),
            "drawer" => ops.push(PrintOp::Drawer),
            "text" => push_text(&mut ops, arg, Style::default(), profile.columns as usize),
            styles => {
                let style = parse_style(styles).ok_or_else(|| bad("directive inconnue"))?;
                let width = if style.double {
                    profile.columns / 2
                } else {
                    profile.columns
                };
                push_text(&mut ops, arg, style, width as usize);
            }
        }
    }
    Ok(ops)
}

fn parse_style(words: &str) -> Option<Style> {
    let mut s = Style::default();
    for w in words.split('+') {
        match w {
            "bold" => s.bold = true,
            "double" => s.double = true,
            "center" => s.align = Align::Center,
            "right" => s.align = Align::Right,
            "left" => s.align = Align::Left,
            _ => return None,
        }
    }
    Some(s)
}

fn unescape(s: &str) -> String {
    s.replace(AT_SENTINEL, "@")
}

fn push_arabic(ops: &mut Vec<PrintOp>, text: &str, profile: &Profile) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    match profile.arabic {
        ArabicMode::Raster => ops.push(PrintOp::Raster {
            image: arabic::render_line(text, profile.dots),
            alt: text.to_string(),
            align: Align::Right,
        }),
        // Wrapped on the logical text: one CP864 byte is one column, and
        // shaping never adds characters (lam-alef only removes one).
        ArabicMode::Codepage => {
            for line in wrap(text, profile.columns as usize) {
                ops.push(PrintOp::Arabic {
                    bytes: cp864::encode_line(&line),
                    alt: line,
                });
            }
        }
        ArabicMode::Omit => {}
    }
}

/// Word-wraps to `width` characters; words longer than a line are cut.
fn push_text(ops: &mut Vec<PrintOp>, text: &str, style: Style, width: usize) {
    for text in wrap(&unescape(text), width) {
        ops.push(PrintOp::Line { text, style });
    }
}

pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    if text.chars().count() <= width {
        return vec![text.to_string()];
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let cur_len = cur.chars().count();
            let word_len = word.chars().count();
            let sep = usize::from(cur_len > 0);
            if cur_len + sep + word_len <= width {
                if sep == 1 {
                    cur.push(' ');
                }
                cur.push_str(&word);
                break;
            }
            if cur_len > 0 {
                lines.push(std::mem::take(&mut cur));
                continue;
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping() {
        assert_eq!(wrap("abc def ghi", 7), vec!["abc def", "ghi"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn markup() {
        let p = Profile::embedded("generic-58").unwrap();
        let ops =
            parse_markup("@center+bold Souk\n@rule =\n@feed 2\n@cut\nx\u{E040}y", &p).unwrap();
        assert_eq!(ops.len(), 5);
        assert!(matches!(
            &ops[0],
            PrintOp::Line {
                style: Style {
                    bold: true,
                    align: Align::Center,
                    ..
                },
                ..
            }
        ));
        assert_eq!(
            ops[1],
            PrintOp::Line {
                text: "=".repeat(32),
                style: Style::default()
            }
        );
        assert_eq!(
            ops[4],
            PrintOp::Line {
                text: "x@y".into(),
                style: Style::default()
            }
        );
        assert!(parse_markup("@blink x", &p).is_err());
    }
}
