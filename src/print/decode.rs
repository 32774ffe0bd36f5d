//! A small ESC/POS reader for tests and diagnostics: bytes to a transcript,
//! one command a line (`ESC @`, `ESC t 19`, `TEXT "Café"`, `GS v 0 (384x48)`).
//! It knows the commands `encode.rs` emits plus the real-time status queries;
//! anything else is shown as hex so a stray byte is never hidden.

use super::codepage::CodePage;
use super::cp864;

/// One element of the byte stream.
enum Item {
    /// Printable bytes, and whether a line feed ended them.
    Text(Vec<u8>, bool),
    Command(String),
}

fn items(bytes: &[u8]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut text: Vec<u8> = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x20 {
            text.push(b);
            i += 1;
        } else if b == 0x0A {
            out.push(Item::Text(std::mem::take(&mut text), true));
            i += 1;
        } else {
            if !text.is_empty() {
                out.push(Item::Text(std::mem::take(&mut text), false));
            }
            let (line, used) = command(&bytes[i..]);
            out.push(Item::Command(line));
            i += used;
        }
    }
    if !text.is_empty() {
        out.push(Item::Text(text, false));
    }
    out
}

/// Decodes `bytes`; text is read back through `page`.
pub fn transcript(bytes: &[u8], page: CodePage) -> Vec<String> {
    transcript_with_arabic(bytes, page, None)
}

/// As [`transcript`], with text after `ESC t arabic` read as CP864 (shown as
/// printed: presentation forms in visual order) until the next `ESC t`.
pub fn transcript_with_arabic(bytes: &[u8], page: CodePage, arabic: Option<u8>) -> Vec<String> {
    let mut in_arabic = false;
    items(bytes)
        .into_iter()
        .map(|it| match it {
            Item::Text(t, lf) => {
                let text = if in_arabic {
                    cp864::decode(&t)
                } else {
                    page.decode(&t)
                };
                let tag = if in_arabic { "CP864 " } else { "" };
                let end = if lf { "" } else { " (no LF)" };
                format!("TEXT {tag}{text:?}{end}")
            }
            Item::Command(c) => {
                if let Some(n) = c.strip_prefix("ESC t ") {
                    in_arabic = arabic.is_some_and(|a| n.parse() == Ok(a));
                }
                c
            }
        })
        .collect()
}

/// The raw bytes of each text run (command arguments and images excluded).
pub fn text_runs(bytes: &[u8]) -> Vec<Vec<u8>> {
    items(bytes)
        .into_iter()
        .filter_map(|it| match it {
            Item::Text(t, _) => Some(t),
            Item::Command(_) => None,
        })
        .collect()
}

/// Only the text lines, decoded: what a person would read on the paper.
pub fn text_lines(bytes: &[u8], page: CodePage) -> Vec<String> {
    transcript(bytes, page)
        .into_iter()
        .filter_map(|l| {
            l.strip_prefix("TEXT ")
                .map(|t| t.trim_end_matches(" (no LF)").to_string())
        })
        .filter_map(|t| {
            t.strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .map(unquote)
        })
        .collect()
}

fn unquote(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

fn arg(b: &[u8], i: usize) -> Option<u8> {
    b.get(i).copied()
}

/// One command at the start of `b`: its transcript line and length.
fn command(b: &[u8]) -> (String, usize) {
    let unknown = || (format!("?? {:02X}", b[0]), 1);
    let n = |i| arg(b, i);
    match (b[0], n(1)) {
        (0x1B, Some(b'@')) => ("ESC @".into(), 2),
        (0x1B, Some(c @ (b't' | b'a' | b'E' | b'd' | b'M' | b'-'))) => match n(2) {
            Some(v) => (format!("ESC {} {v}", c as char), 3),
            None => unknown(),
        },
        (0x1B, Some(b'p')) => match (n(2), n(3), n(4)) {
            (Some(m), Some(t1), Some(t2)) => (format!("ESC p {m} {t1} {t2}"), 5),
            _ => ("ESC p (truncated)".into(), b.len()),
        },
        (0x1D, Some(b'!')) => n(2).map_or_else(unknown, |v| (format!("GS ! {v}"), 3)),
        (0x1D, Some(b'V')) => match (n(2), n(3)) {
            (Some(m @ (65 | 66)), Some(v)) => (format!("GS V {m} {v}"), 4),
            (Some(m), _) => (format!("GS V {m}"), 3),
            _ => unknown(),
        },
        (0x1D, Some(b'v')) => raster(b).unwrap_or_else(unknown),
        (0x1D, Some(b'(')) if n(2) == Some(b'k') => qr(b).unwrap_or_else(unknown),
        (0x10, Some(0x04)) => n(2).map_or_else(unknown, |v| (format!("DLE EOT {v}"), 3)),
        _ => unknown(),
    }
}

fn raster(b: &[u8]) -> Option<(String, usize)> {
    if b.len() < 8 || b[2] != b'0' {
        return None;
    }
    let xb = u16::from_le_bytes([b[4], b[5]]) as usize;
    let h = u16::from_le_bytes([b[6], b[7]]) as usize;
    let len = 8 + xb * h;
    let data = b.get(8..len)?;
    let ink: u32 = data.iter().map(|x| x.count_ones()).sum();
    Some((format!("GS v 0 ({}x{h}) ink={ink}", xb * 8), len))
}

fn qr(b: &[u8]) -> Option<(String, usize)> {
    let len = u16::from_le_bytes([*b.get(3)?, *b.get(4)?]) as usize;
    let body = b.get(5..5 + len)?;
    let line = match body {
        [49, 65, m, ..] => format!("GS ( k QR model {}", m - 48),
        [49, 67, s] => format!("GS ( k QR size {s}"),
        [49, 69, e] => format!("GS ( k QR ecc {}", *e as char),
        [49, 80, 48, data @ ..] => format!("GS ( k QR {:?}", String::from_utf8_lossy(data)),
        [49, 81, 48] => "GS ( k QR print".into(),
        _ => format!("GS ( k {body:02X?}"),
    };
    Some((line, 5 + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_commands_and_text() {
        let bytes = [
            0x1B, b'@', 0x1B, b't', 19, b'C', b'a', b'f', 0x82, 0x0A, 0x1B, b'p', 0, 25, 250, 0x1D,
            b'V', 66, 0, 0x07,
        ];
        assert_eq!(
            transcript(&bytes, CodePage::Pc858),
            [
                "ESC @",
                "ESC t 19",
                "TEXT \"Café\"",
                "ESC p 0 25 250",
                "GS V 66 0",
                "?? 07"
            ]
        );
    }
}
