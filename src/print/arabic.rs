//! Arabic text as a 1-bit image: printers neither shape nor reorder Arabic, and
//! most lack an Arabic code page. Bidi (unicode-bidi) gives the visual runs,
//! rustybuzz shapes them with the bundled Amiri Bold (OFL), ab_glyph draws the
//! outlines; the line is right-aligned to the paper width.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, point};
use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::{BidiInfo, Level};

use super::ops::Raster;

static FONT_DATA: &[u8] = include_bytes!("../../assets/fonts/Amiri-Bold.ttf");

/// Em size in dots: about 3.5 mm at 203 dpi, the height of font A capitals.
const EM_PX: f32 = 30.0;
const MIN_EM_PX: f32 = 16.0;
const MARGIN: f32 = 4.0;

struct Fonts {
    shaper: rustybuzz::Face<'static>,
    outlines: FontRef<'static>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        shaper: rustybuzz::Face::from_slice(FONT_DATA, 0).expect("bundled Arabic font"),
        outlines: FontRef::try_from_slice(FONT_DATA).expect("bundled Arabic font"),
    })
}

/// A glyph placed on the line, in font units from the line start.
struct Placed {
    id: u16,
    x: f32,
    y: f32,
}

/// Shapes `text` (right-to-left paragraph) into glyphs in visual order.
fn layout(text: &str) -> (Vec<Placed>, f32) {
    let f = fonts();
    let info = BidiInfo::new(text, Some(Level::rtl()));
    let mut placed = Vec::new();
    let mut pen = 0.0f32;
    let Some(para) = info.paragraphs.first() else {
        return (placed, 0.0);
    };
    let (levels, runs) = info.visual_runs(para, para.range.clone());
    for run in runs {
        let mut buf = UnicodeBuffer::new();
        buf.push_str(&text[run.clone()]);
        let rtl = levels[run.start].is_rtl();
        buf.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        buf.guess_segment_properties();
        let shaped = rustybuzz::shape(&f.shaper, &[], buf);
        for (gi, gp) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            placed.push(Placed {
                id: gi.glyph_id as u16,
                x: pen + gp.x_offset as f32,
                y: gp.y_offset as f32,
            });
            pen += gp.x_advance as f32;
        }
    }
    (placed, pen)
}

/// Renders one line of (mostly) Arabic text, right-aligned in `dots` width,
/// cropped to the inked rows plus a small margin.
pub fn render_line(text: &str, dots: u16) -> Raster {
    let f = fonts();
    let upem = f.outlines.units_per_em().unwrap_or(1000.0);
    let (placed, advance) = layout(text);
    let usable = dots as f32 - 2.0 * MARGIN;
    let mut em = EM_PX;
    if advance * em / upem > usable {
        em = (usable * upem / advance).max(MIN_EM_PX);
    }
    let k = em / upem;
    let ascent = f.outlines.ascent_unscaled() * k;
    let descent = -f.outlines.descent_unscaled() * k;
    let height = (ascent + descent).ceil() as u16 + 2;
    let scale = PxScale::from(f.outlines.height_unscaled() * k);
    let left = (dots as f32 - MARGIN - advance * k).max(MARGIN);
    let mut img = Raster::new(dots, height);
    for g in &placed {
        let glyph =
            GlyphId(g.id).with_scale_and_position(scale, point(left + g.x * k, ascent - g.y * k));
        if let Some(outline) = f.outlines.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|x, y, cov| {
                let (px, py) = (b.min.x as i32 + x as i32, b.min.y as i32 + y as i32);
                if cov > 0.5 && px >= 0 && py >= 0 {
                    img.set(px as u32, py as u32);
                }
            });
        }
    }
    crop_left(crop_rows(img))
}

/// Drops whole blank bytes on the left: the image is printed right-aligned
/// (`ESC a 2`), so a short name costs a third of a full-width raster.
fn crop_left(img: Raster) -> Raster {
    let row = img.width as usize / 8;
    let first = (0..row)
        .find(|&x| (0..img.height as usize).any(|y| img.data[y * row + x] != 0))
        .unwrap_or(0);
    let data = img
        .data
        .chunks(row)
        .flat_map(|r| r[first..].iter().copied())
        .collect();
    Raster {
        width: ((row - first) * 8) as u16,
        height: img.height,
        data,
    }
}

/// Drops blank rows above and below the ink, keeping 2 rows of margin.
fn crop_rows(img: Raster) -> Raster {
    let row = img.width as usize / 8;
    let inked = |y: usize| img.data[y * row..(y + 1) * row].iter().any(|&b| b != 0);
    let rows = img.height as usize;
    let Some(top) = (0..rows).find(|&y| inked(y)) else {
        return img;
    };
    let bottom = (0..rows).rev().find(|&y| inked(y)).unwrap_or(top);
    let (top, bottom) = (top.saturating_sub(2), (bottom + 2).min(rows - 1));
    Raster {
        width: img.width,
        height: (bottom - top + 1) as u16,
        data: img.data[top * row..(bottom + 1) * row].to_vec(),
    }
}

/// A letter of the Arabic script (its basic and presentation-form blocks).
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_is_shaped_and_right_aligned() {
        let r = render_line("زيت الأركان", 576);
        // Cropped to the ink on the left, printed right-aligned.
        assert!(
            r.width < 576 / 2 && r.width.is_multiple_of(8),
            "width {}",
            r.width
        );
        assert!(r.height > 10 && r.height < 60, "height {}", r.height);
        assert!(r.ink() > 200);
        // Joined letters differ from the isolated forms: shaping took place.
        let (joined, _) = layout("عسل");
        let (alone, _) = layout("ع س ل");
        let ids = |p: &[Placed]| p.iter().map(|g| g.id).collect::<Vec<_>>();
        assert_ne!(ids(&joined)[0], ids(&alone)[0]);
    }

    #[test]
    fn long_lines_shrink_to_fit() {
        let r = render_line(&"عسل الزعتر الجبلي ".repeat(6), 384);
        assert!(r.width <= 384 && r.width > 300, "width {}", r.width);
        assert!(r.ink() > 0);
    }
}
