//! Operations to plain text: what the paper shows, Arabic as its Unicode text.

use super::ops::{Align, PrintOp, wrap};
use super::profile::Profile;

pub fn render_text(ops: &[PrintOp], profile: &Profile) -> String {
    let width = profile.columns as usize;
    let mut out = String::new();
    for op in ops {
        match op {
            PrintOp::Line { text, style } => {
                // What the paper shows: transliterated as the printer gets it.
                let paper = profile.codepage.decode(&profile.codepage.encode(text));
                push_aligned(&mut out, &paper, style.align, width)
            }
            PrintOp::Qr(payload) => {
                push_aligned(&mut out, "[QR]", Align::Center, width);
                for l in wrap(payload, width) {
                    push_aligned(&mut out, &l, Align::Center, width);
                }
            }
            PrintOp::Raster { alt, align, .. } => push_aligned(&mut out, alt, *align, width),
            PrintOp::Arabic { alt, .. } => push_aligned(&mut out, alt, Align::Right, width),
            PrintOp::Feed(n) => (0..*n).for_each(|_| out.push('\n')),
            PrintOp::Cut => out.push_str(&format!("{}\n", "✂ ".repeat(width / 2).trim_end())),
            PrintOp::Drawer => {}
        }
    }
    out
}

fn push_aligned(out: &mut String, text: &str, align: Align, width: usize) {
    let len = text.chars().count();
    let pad = width.saturating_sub(len);
    let left = match align {
        Align::Left => 0,
        Align::Center => pad / 2,
        Align::Right => pad,
    };
    out.push_str(&" ".repeat(left));
    out.push_str(text);
    out.push('\n');
}
