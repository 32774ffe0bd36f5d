//! A small flow layout for A4 reports, in two passes: [`Layout`] turns
//! blocks (wrapped text, tables, signature boxes) into pages of positioned
//! [`Op`]s, measuring with rustybuzz (the shaper krilla itself uses, so
//! widths match); [`render`] then draws the ops with krilla. Keeping the
//! passes apart avoids krilla's page/surface borrows during layout.
//!
//! Coordinates are PDF points, origin top-left, y growing downwards.

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use rustybuzz::{Face, UnicodeBuffer};
use unicode_bidi::BidiInfo;

use super::{ReportError, Result};

/// DejaVu Sans: French accents and Arabic in one redistributable font.
static REGULAR: &[u8] = include_bytes!("../../assets/fonts/report/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/report/DejaVuSans-Bold.ttf");

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const LEFT: f32 = 50.0;
pub(crate) const RIGHT: f32 = PAGE_W - 50.0;
const TOP: f32 = 56.0;
/// Content stops here; the page footer sits below.
const BOTTOM: f32 = PAGE_H - 60.0;

/// Font size and weight of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub size: f32,
    pub bold: bool,
}

impl Style {
    pub const fn regular(size: f32) -> Self {
        Style { size, bold: false }
    }
    pub const fn bold(size: f32) -> Self {
        Style { size, bold: true }
    }
    fn line_height(self) -> f32 {
        self.size * 1.35
    }
}

/// The two embedded faces, for measuring and for drawing.
pub(crate) struct Fonts {
    faces: [Face<'static>; 2],
    fonts: [Font; 2],
}

impl Fonts {
    pub fn load() -> Result<Self> {
        let bad = || ReportError::Pdf("police intégrée illisible".into());
        let face = |data: &'static [u8]| Face::from_slice(data, 0).ok_or_else(bad);
        let font = |data: &'static [u8]| Font::new(data.into(), 0).ok_or_else(bad);
        Ok(Fonts {
            faces: [face(REGULAR)?, face(BOLD)?],
            fonts: [font(REGULAR)?, font(BOLD)?],
        })
    }

    /// Width in points of a single-direction run.
    fn run_width(&self, text: &str, style: Style) -> f32 {
        let face = &self.faces[style.bold as usize];
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / face.units_per_em() as f32 * style.size
    }

    /// Width in points of `text` as drawn (sum of its bidi runs).
    pub fn width(&self, text: &str, style: Style) -> f32 {
        visual_runs(text)
            .iter()
            .map(|(run, _)| self.run_width(run, style))
            .sum()
    }

    /// `text` cut with `…` to fit `max` points.
    pub fn truncate(&self, text: &str, style: Style, max: f32) -> String {
        if self.width(text, style) <= max {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let fits = |n: usize| {
            let s: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
            (self.width(&s, style) <= max).then_some(s)
        };
        (0..chars.len())
            .rev()
            .find_map(fits)
            .unwrap_or_else(|| "…".into())
    }

    /// Greedy word wrap to `max` points; over-long words are cut.
    pub fn wrap(&self, text: &str, style: Style, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, style) <= max || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            }
        }
        lines.push(line);
        lines
            .into_iter()
            .map(|l| self.truncate(&l, style, max))
            .collect()
    }
}

/// `(run, right_to_left)` in visual order: krilla shapes one script and
/// direction per call, so mixed French/Arabic lines are split here.
fn visual_runs(text: &str) -> Vec<(&str, bool)> {
    if !text
        .chars()
        .any(|c| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FEFC}'))
    {
        return vec![(text, false)];
    }
    let info = BidiInfo::new(text, None);
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        out.extend(
            runs.into_iter()
                .map(|r| (&text[r.clone()], levels[r.start].is_rtl())),
        );
    }
    out
}

/// One drawing operation on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Text with its baseline-left point.
    Text {
        x: f32,
        y: f32,
        text: String,
        style: Style,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// A table column: header, width in points, right-aligned or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub header: &'static str,
    pub width: f32,
    pub right: bool,
}

/// Places blocks top to bottom, starting new pages as needed.
pub(crate) struct Layout<'f> {
    pub fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts) -> Self {
        Layout {
            fonts,
            pages: Vec::new(),
            y: BOTTOM,
        }
    }

    /// Starts a new page (a document section begins on a fresh page).
    pub fn page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn ensure(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > BOTTOM {
            self.page();
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Wrapped text over the full width.
    pub fn text(&mut self, text: &str, style: Style) {
        for line in self.fonts.wrap(text, style, RIGHT - LEFT) {
            self.ensure(style.line_height());
            self.y += style.line_height();
            self.push(Op::Text {
                x: LEFT,
                y: self.y - style.size * 0.3,
                text: line,
                style,
            });
        }
    }

    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    pub fn rule(&mut self) {
        self.ensure(8.0);
        self.y += 4.0;
        self.push(Op::Line {
            x1: LEFT,
            y1: self.y,
            x2: RIGHT,
            y2: self.y,
            width: 0.6,
        });
        self.y += 4.0;
    }

    /// A text cell aligned inside `col`. Text is cut with `…` to fit; a figure (right-aligned) never is: it is
    /// set smaller until it fits, so a total always reads whole.
    fn cell(&mut self, x: f32, col: &Col, text: &str, mut style: Style) {
        let max = col.width - 4.0;
        if col.right {
            let w = self.fonts.width(text, style);
            if w > max {
                style.size *= max / w;
            }
        }
        let text = self.fonts.truncate(text, style, max);
        let x = if col.right {
            x + col.width - 2.0 - self.fonts.width(&text, style)
        } else {
            x + 2.0
        };
        let y = self.y - style.size * 0.3;
        self.push(Op::Text { x, y, text, style });
    }

    fn table_row(&mut self, cols: &[Col], cells: &[String], style: Style) {
        self.y += style.line_height();
        let mut x = LEFT;
        for (col, text) in cols.iter().zip(cells) {
            self.cell(x, col, text, style);
            x += col.width;
        }
    }

    fn table_header(&mut self, cols: &[Col], size: f32) {
        let headers: Vec<String> = cols.iter().map(|c| c.header.to_string()).collect();
        self.table_row(cols, &headers, Style::bold(size));
        self.y += 2.0;
        let right = LEFT + cols.iter().map(|c| c.width).sum::<f32>();
        self.push(Op::Line {
            x1: LEFT,
            y1: self.y,
            x2: right,
            y2: self.y,
            width: 0.5,
        });
    }

    /// A table whose header is repeated on each page it spans; the footer
    /// (totals) is bold under a rule.
    pub fn table(
        &mut self,
        cols: &[Col],
        rows: &[Vec<String>],
        footer: Option<&[String]>,
        size: f32,
    ) {
        let row_h = Style::regular(size).line_height();
        self.ensure(row_h * 3.0);
        self.table_header(cols, size);
        for row in rows {
            if self.y + row_h > BOTTOM {
                self.page();
                self.table_header(cols, size);
            }
            self.table_row(cols, row, Style::regular(size));
        }
        if let Some(footer) = footer {
            self.ensure(row_h + 4.0);
            self.y += 2.0;
            let right = LEFT + cols.iter().map(|c| c.width).sum::<f32>();
            self.push(Op::Line {
                x1: LEFT,
                y1: self.y,
                x2: right,
                y2: self.y,
                width: 0.5,
            });
            self.table_row(cols, footer, Style::bold(size));
        }
        self.y += 4.0;
    }

    /// Label on the left, value right-aligned at the right margin.
    pub fn pair(&mut self, label: &str, value: &str, style: Style) {
        self.ensure(style.line_height());
        let half = (RIGHT - LEFT) / 2.0;
        let cols = [
            Col {
                header: "",
                width: half + 60.0,
                right: false,
            },
            Col {
                header: "",
                width: half - 60.0,
                right: true,
            },
        ];
        self.table_row(&cols, &[label.to_string(), value.to_string()], style);
    }

    /// Boxes side by side, each titled, for handwritten signatures.
    pub fn signatures(&mut self, titles: &[&str]) {
        let h = 80.0;
        self.ensure(h + 20.0);
        self.y += 14.0;
        let w = (RIGHT - LEFT - 20.0 * (titles.len() as f32 - 1.0)) / titles.len() as f32;
        for (i, title) in titles.iter().enumerate() {
            let x = LEFT + i as f32 * (w + 20.0);
            let style = Style::bold(9.0);
            self.push(Op::Text {
                x: x + 4.0,
                y: self.y - 4.0,
                text: title.to_string(),
                style,
            });
            self.push(Op::Rect { x, y: self.y, w, h });
            let note = Style::regular(7.0);
            self.push(Op::Text {
                x: x + 4.0,
                y: self.y + h - 5.0,
                text: "Date et signature".into(),
                style: note,
            });
        }
        self.y += h;
    }

    pub fn into_pages(self) -> Vec<Vec<Op>> {
        self.pages
    }
}

/// Draws the pages with krilla; `footer` goes at the bottom of each page
/// with the page number. `metadata` must not hold the current time.
pub(crate) fn render(
    fonts: &Fonts,
    pages: &[Vec<Op>],
    footer: &str,
    metadata: Metadata,
) -> Result<Vec<u8>> {
    let mut doc = Document::new();
    doc.set_metadata(metadata);
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportError::Pdf("format A4".into()))?;
    for (n, ops) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, fonts, op);
        }
        let note = format!("{footer} — page {}/{}", n + 1, pages.len());
        let style = Style::regular(7.0);
        draw(
            &mut surface,
            fonts,
            &Op::Text {
                x: LEFT,
                y: PAGE_H - 30.0,
                text: fonts.truncate(&note, style, RIGHT - LEFT),
                style,
            },
        );
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, text, style } => {
            surface.set_stroke(None);
            surface.set_fill(Some(Fill::default()));
            let font = fonts.fonts[style.bold as usize].clone();
            let mut x = *x;
            for (run, rtl) in visual_runs(text) {
                let dir = if rtl {
                    TextDirection::RightToLeft
                } else {
                    TextDirection::LeftToRight
                };
                surface.draw_text(
                    Point::from_xy(x, *y),
                    font.clone(),
                    style.size,
                    run,
                    false,
                    dir,
                );
                x += fonts.run_width(run, *style);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            stroke(surface, pb, *width);
        }
        Op::Rect { x, y, w, h } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(rect);
            }
            stroke(surface, pb, 0.8);
        }
    }
}

fn stroke(surface: &mut Surface<'_>, pb: PathBuilder, width: f32) {
    let Some(path) = pb.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: luma::Color::black().into(),
        width,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
}
