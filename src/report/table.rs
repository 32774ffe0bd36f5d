//! Aligned plain-text tables for the terminal. Widths count `char`s, not
//! bytes (accents are 2 bytes in UTF-8 but one column on screen).

/// Horizontal alignment of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// One column: its header, alignment, and whether it may shrink (names).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub header: &'static str,
    pub align: Align,
    pub shrink: bool,
}

impl Column {
    pub fn left(header: &'static str) -> Self {
        Column {
            header,
            align: Align::Left,
            shrink: false,
        }
    }
    pub fn right(header: &'static str) -> Self {
        Column {
            header,
            align: Align::Right,
            shrink: false,
        }
    }
    /// A left-aligned column that is truncated with `…` when space is short.
    pub fn name(header: &'static str) -> Self {
        Column {
            header,
            align: Align::Left,
            shrink: true,
        }
    }
}

/// A table: header, body rows and an optional totals row under a rule.
#[derive(Debug, Default)]
pub(crate) struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    footer: Option<Vec<String>>,
}

/// Narrowest a shrinking column gets, so a name stays recognisable.
const MIN_SHRUNK: usize = 10;

impl Table {
    pub fn new(columns: Vec<Column>) -> Self {
        Table {
            columns,
            ..Table::default()
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(cells);
    }

    pub fn footer(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.footer = Some(cells);
    }

    /// Renders within `max_width` columns if the shrinkable columns allow it:
    /// two spaces between columns, one when that is what makes it fit.
    pub fn render(&self, max_width: usize) -> String {
        let natural = self.natural_widths();
        let (widths, gap) = [2, 1]
            .iter()
            .map(|&gap| (self.fit(&natural, gap, max_width), gap))
            .find(|(w, gap)| total(w, *gap) <= max_width && shrunk_ok(&natural, w))
            .unwrap_or_else(|| (self.fit(&natural, 1, max_width), 1));
        let sep = " ".repeat(gap);
        let mut out = String::new();
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.to_string()).collect();
        out.push_str(&self.line(&headers, &widths, &sep));
        let rule = "-".repeat(total(&widths, gap));
        out.push_str(&rule);
        out.push('\n');
        for row in &self.rows {
            out.push_str(&self.line(row, &widths, &sep));
        }
        if let Some(footer) = &self.footer {
            out.push_str(&rule);
            out.push('\n');
            out.push_str(&self.line(footer, &widths, &sep));
        }
        out
    }

    fn natural_widths(&self) -> Vec<usize> {
        let cells = self.rows.iter().chain(self.footer.iter());
        let mut widths: Vec<usize> = self.columns.iter().map(|c| width(c.header)).collect();
        for row in cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        widths
    }

    /// Shrinks the shrinkable columns, widest first, until the table fits.
    fn fit(&self, natural: &[usize], gap: usize, max_width: usize) -> Vec<usize> {
        let mut widths = natural.to_vec();
        let mut excess = total(&widths, gap).saturating_sub(max_width);
        while excess > 0 {
            let widest = (0..widths.len())
                .filter(|&i| self.columns[i].shrink && widths[i] > MIN_SHRUNK)
                .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)));
            let Some(i) = widest else { break };
            let cut = excess.min(widths[i] - MIN_SHRUNK);
            widths[i] -= cut;
            excess -= cut;
        }
        widths
    }

    fn line(&self, cells: &[String], widths: &[usize], sep: &str) -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(widths)
            .zip(&self.columns)
            .map(|((cell, &w), col)| pad(&truncate(cell, w), w, col.align))
            .collect();
        let mut line = parts.join(sep).trim_end().to_string();
        line.push('\n');
        line
    }
}

/// Width on screen, counted in chars.
pub(crate) fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` chars, the last one replaced by `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

fn pad(s: &str, w: usize, align: Align) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

fn total(widths: &[usize], gap: usize) -> usize {
    widths.iter().sum::<usize>() + gap * widths.len().saturating_sub(1)
}

/// With two-space gaps we accept shrinking a name only down to 24 chars:
/// below that a one-space gap buys the name more room.
fn shrunk_ok(natural: &[usize], widths: &[usize]) -> bool {
    natural.iter().zip(widths).all(|(&n, &w)| w == n || w >= 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_chars_not_bytes() {
        assert_eq!(truncate("Économie", 8), "Économie");
        assert_eq!(truncate("Économie solidaire", 9), "Économie…");
        assert_eq!(truncate("abc", 0), "…");
    }

    #[test]
    fn shrinks_names_to_fit() {
        let mut t = Table::new(vec![Column::name("Nom"), Column::right("Montant")]);
        t.row(vec![
            "Coopérative très longue du Moyen Atlas".into(),
            "1.234,50".into(),
        ]);
        t.footer(vec!["TOTAL".into(), "1.234,50".into()]);
        let out = t.render(30);
        assert!(out.lines().all(|l| width(l) <= 30), "{out}");
        assert!(out.contains('…'));
        assert!(out.lines().nth(2).unwrap().ends_with("1.234,50"));
    }
}
