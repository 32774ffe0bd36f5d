//! The organiser's view of the market's tills: tickets recorded here for each (sold here or merged from its
//! bundles), the last one, gaps in numbering, and the last merge and export. Numbering only: the full hash
//! check stays with `souk verify`, which can take a while on a whole market.
use crate::sync::{TillMergeStatus, till_status_quick};
use crate::tui::app::{App, Screen, TillsState};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

pub fn open(app: &mut App) -> Screen {
    let rows = till_status_quick(app.db.conn()).unwrap_or_else(|e| {
        app.fail(e);
        Vec::new()
    });
    Screen::Tills(TillsState { rows, sel: 0 })
}

pub fn key(app: &mut App, mut st: TillsState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc => return super::menu::open(app),
        KeyCode::F(5) => return open(app),
        KeyCode::F(2) => {
            let paper = crate::documents::slips::tills_status(&app.market, &st.rows, &app.now());
            app.print_paper(&paper);
        }
        _ => {
            keys::nav(&mut st.sel, st.rows.len(), k);
        }
    }
    Screen::Tills(st)
}

/// "3–4, 9–9" or "—".
fn gaps(t: &TillMergeStatus) -> String {
    if t.gaps.is_empty() {
        return "—".into();
    }
    t.gaps
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `2026-11-23T18:02:11Z` (UTC as stored) → `23/11/2026 19:02`, the market's local time as people read it.
fn short_time(at: &Option<String>) -> String {
    at.as_deref()
        .map(crate::storage::clock::local_display)
        .unwrap_or_else(|| "—".into())
}

/// Late tickets (merged after their phase closed, settled in a complement), or a dash.
fn late(t: &TillMergeStatus) -> String {
    if t.late_tickets == 0 {
        "—".into()
    } else {
        t.late_tickets.to_string()
    }
}

pub fn hints(_st: &TillsState) -> Vec<Hint> {
    vec![
        ("key-arrows", "hint-choose-row"),
        ("F2", "hint-print"),
        ("F5", "hint-refresh"),
        ("key-esc", "hint-back"),
        ("F1", "hint-help"),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &TillsState) {
    let wide = area.width >= 110;
    let rows: Vec<Row> = st
        .rows
        .iter()
        .map(|t| {
            let mut cells = vec![
                Cell::from(t.till.clone()),
                Cell::from(t.name.clone().unwrap_or_default()),
                Cell::from(Line::from(t.tickets.to_string()).right_aligned()),
                Cell::from(t.last_ticket.clone().unwrap_or_else(|| "—".into())),
                Cell::from(gaps(t)),
                Cell::from(late(t)),
                Cell::from(short_time(&t.last_merge_at)),
            ];
            if wide {
                cells.push(Cell::from(t.last_merge_file.clone().unwrap_or_default()));
            }
            let row = Row::new(cells);
            if t.gaps.is_empty() {
                row
            } else {
                row.style(Style::new().fg(Color::Red))
            }
        })
        .collect();
    let mut head = vec![
        "col-till",
        "col-name",
        "col-tickets",
        "col-last-ticket",
        "col-gaps",
        "col-late",
        "col-last-merge",
    ];
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Min(10),
        Constraint::Length(7),
        Constraint::Length(12),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(16),
    ];
    if wide {
        head.push("col-bundle");
        widths.push(Constraint::Min(16));
    }
    let header = Row::new(head.iter().enumerate().map(|(i, id)| {
        let line = Line::from(app.tr.t(id));
        Cell::from(if i == 2 { line.right_aligned() } else { line })
    }))
    .bold();
    let mut ts = TableState::default().with_selected((!st.rows.is_empty()).then_some(st.sel));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block(app.tr.t("tills-title")))
            .row_highlight_style(selected()),
        area,
        &mut ts,
    );
}

#[cfg(test)]
mod tests {
    use super::short_time;

    #[test]
    fn a_merge_time_reads_as_a_local_date_and_time() {
        assert_eq!(
            short_time(&Some("2026-11-23T18:02:11Z".into())),
            "23/11/2026 19:02"
        );
        assert_eq!(short_time(&None), "—");
    }
}
