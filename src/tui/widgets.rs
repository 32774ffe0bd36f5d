//! Drawing helpers: frames, centred boxes, big digits, the status bar and the key hints.
use super::app::App;
use super::keys::Hint;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

pub fn block(title: String) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(format!(" {title} "), Style::new().bold()))
}

pub fn selected() -> Style {
    Style::new()
        .bg(Color::Blue)
        .fg(Color::White)
        .add_modifier(Modifier::BOLD)
}

/// A box of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [c] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    c
}

/// 3-row glyphs for amounts: digits, separators, minus. Keeps the crate list short (no tui-big-text).
fn glyph(c: char) -> [&'static str; 3] {
    match c {
        '0' => ["█▀█", "█ █", "▀▀▀"],
        '1' => ["▀█ ", " █ ", "▀▀▀"],
        '2' => ["▀▀█", "█▀▀", "▀▀▀"],
        '3' => ["▀▀█", " ▀█", "▀▀▀"],
        '4' => ["█ █", "▀▀█", "  ▀"],
        '5' => ["█▀▀", "▀▀█", "▀▀▀"],
        '6' => ["█▀▀", "█▀█", "▀▀▀"],
        '7' => ["▀▀█", "  █", "  ▀"],
        '8' => ["█▀█", "█▀█", "▀▀▀"],
        '9' => ["█▀█", "▀▀█", "▀▀▀"],
        ',' => ["  ", "  ", "▄▀"],
        '.' => [" ", " ", "▄"],
        '-' => ["   ", "▀▀▀", "   "],
        _ => [" ", " ", " "],
    }
}

/// An amount in big digits (3 rows), e.g. `1.234,50`.
pub fn big_lines(text: &str) -> Vec<Line<'static>> {
    (0..3)
        .map(|row| {
            let s: String = text
                .chars()
                .map(|c| glyph(c)[row])
                .collect::<Vec<_>>()
                .join(" ");
            Line::from(s)
        })
        .collect()
}

pub fn big_width(text: &str) -> u16 {
    text.chars()
        .map(|c| glyph(c)[0].chars().count() as u16 + 1)
        .sum()
}

/// Top bar: market, phase, till, cashier, printer, clock.
pub fn status_bar(f: &mut Frame, area: Rect, app: &App) {
    let tr = &app.tr;
    let who = app
        .user
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "—".into());
    let long = format!(
        " {} · {} · {} {} · {} {} · {} {}",
        app.market.name,
        app.phase_label(),
        tr.t("status-till"),
        app.till,
        tr.t("status-cashier"),
        who,
        tr.t("status-printer"),
        app.sink.status()
    );
    let clock = app.now().display();
    let room = (area.width as usize).saturating_sub(clock.chars().count() + 2);
    // Narrow terminals drop the labels first, then shorten the market's name; never the printer state.
    let left = if long.chars().count() <= room {
        long
    } else {
        let tail = format!(
            " · {} · {} · {} · {}",
            app.phase_label(),
            app.till,
            who,
            app.sink.status()
        );
        let keep = room.saturating_sub(tail.chars().count() + 1);
        let name: String = if app.market.name.chars().count() > keep {
            let mut cut: String = app
                .market
                .name
                .chars()
                .take(keep.saturating_sub(1))
                .collect();
            cut.push('…');
            cut
        } else {
            app.market.name.clone()
        };
        format!(" {name}{tail}")
    };
    let [l, r] = Layout::horizontal([
        Constraint::Min(10),
        Constraint::Length(clock.len() as u16 + 2),
    ])
    .areas(area);
    let style = Style::new().bg(Color::DarkGray).fg(Color::White);
    f.render_widget(Paragraph::new(left).style(style), l);
    f.render_widget(
        Paragraph::new(format!("{clock} "))
            .style(style)
            .right_aligned(),
        r,
    );
}

/// The message line: the last info or error.
pub fn message_line(f: &mut Frame, area: Rect, app: &App) {
    let banner = app.read_only.as_ref().map(|text| super::app::Status {
        text: text.clone(),
        error: true,
    });
    if let Some(s) = app.status.as_ref().or(banner.as_ref()) {
        let style = if s.error {
            Style::new().fg(Color::White).bg(Color::Red).bold()
        } else {
            Style::new().fg(Color::Green).bold()
        };
        f.render_widget(Paragraph::new(format!(" {}", s.text)).style(style), area);
    }
}

/// Bottom bar: as many key hints as fit; F1 lists them all.
pub fn hints_bar(f: &mut Frame, area: Rect, app: &App, hints: &[Hint]) {
    let mut spans = Vec::new();
    let mut width = 0usize;
    for (key, what) in hints {
        let key = key_label(app, key);
        let what = app.tr.t(what);
        let w = key.chars().count() + what.chars().count() + 3;
        if width + w > area.width as usize {
            break;
        }
        width += w;
        spans.push(Span::styled(format!(" {key}"), Style::new().reversed()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Keys with a name in the catalogue ("key-enter" → "Entrée") or literal ("F2").
pub fn key_label(app: &App, key: &str) -> String {
    if key.starts_with("key-") {
        app.tr.t(key)
    } else {
        key.to_string()
    }
}

/// Greedy word wrap in terminal cells; a word wider than the width is cut at the width.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let mut out = vec![String::new()];
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let last = out.last().expect("one line");
        if !last.is_empty() && last.width() + 1 + word.width() > width {
            out.push(String::new());
        }
        let last = out.last_mut().expect("one line");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(&cut_to(word, width.saturating_sub(last.width())));
    }
    out
}

/// The start of `text` that fits in `width` cells.
pub fn cut_to(text: &str, width: usize) -> String {
    let mut used = 0;
    text.chars()
        .take_while(|c| {
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            used <= width
        })
        .collect()
}
