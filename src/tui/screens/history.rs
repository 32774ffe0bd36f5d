//! The shift's history: its tickets, newest first; Enter opens one.
use super::scan::Scanned;
use crate::domain::money::format_dh;
use crate::storage::shifts::shift_tickets;
use crate::storage::tickets::load_ticket;
use crate::tui::app::{App, HistoryState, SaleState, Screen};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

pub fn open(app: &mut App) -> Screen {
    let tickets = match &app.shift {
        Some(s) => shift_tickets(app.db.conn(), &s.id).unwrap_or_else(|e| {
            app.fail(e);
            Vec::new()
        }),
        None => Vec::new(),
    };
    Screen::History(HistoryState {
        tickets,
        ..HistoryState::default()
    })
}

/// Reopens the history (refreshed) with the same ticket selected.
pub fn open_at(app: &mut App, sel: usize) -> Screen {
    match open(app) {
        Screen::History(mut h) => {
            h.sel = sel.min(h.tickets.len().saturating_sub(1));
            Screen::History(h)
        }
        other => other,
    }
}

pub fn key(app: &mut App, mut st: HistoryState, k: KeyEvent) -> Screen {
    match super::scan::buffer_key(app, &mut st.scan, k) {
        Scanned::Typing => return Screen::History(st),
        Scanned::Submit(text) => {
            return super::scan::open(app, &text, false).unwrap_or(Screen::History(st));
        }
        Scanned::NotMine => {}
    }
    match k.code {
        KeyCode::Esc => return Screen::Sale(SaleState::default()),
        KeyCode::Enter => {
            let Some(id) = st.tickets.get(st.sel).map(|t| t.id.clone()) else {
                return Screen::History(st);
            };
            match load_ticket(app.db.conn(), &id) {
                Ok(Some(ticket)) => return Screen::Ticket(super::ticket::state(app, ticket, st)),
                Ok(None) => {}
                Err(e) => app.fail(e),
            }
        }
        _ => {
            keys::nav(&mut st.sel, st.tickets.len(), k);
        }
    }
    Screen::History(st)
}

pub fn hints(_st: &HistoryState) -> Vec<Hint> {
    vec![
        ("key-arrows", "hint-choose-ticket"),
        ("key-enter", "hint-open-ticket-refund"),
        ("key-esc", "hint-back"),
        ("QR", "hint-scan-receipt"),
        ("F1", "hint-help"),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &HistoryState) {
    let shift = app.shift.as_ref().map(|s| s.id.clone()).unwrap_or_default();
    let b = block(app.tr.a(
        "history-title",
        &[("shift", &shift), ("n", &st.tickets.len().to_string())],
    ));
    let rows: Vec<Row> = st
        .tickets
        .iter()
        .map(|t| {
            let kind = app.tr.t(&format!("kind-{}", t.kind));
            let of = t.refund_of.clone().unwrap_or_default();
            Row::new(vec![
                Cell::from(t.local_time()),
                Cell::from(t.id.clone()),
                Cell::from(kind),
                Cell::from(of),
                Cell::from(t.cashier.clone()),
                Cell::from(Line::from(t.lines.to_string()).right_aligned()),
                Cell::from(Line::from(format_dh(t.total)).right_aligned()),
            ])
        })
        .collect();
    let header = Row::new(
        [
            "col-time",
            "col-ticket",
            "col-kind",
            "col-refund-of",
            "col-cashier",
            "col-lines",
            "col-total",
        ]
        .map(|id| app.tr.t(id)),
    )
    .bold();
    let widths = [
        Constraint::Length(5),
        Constraint::Length(10),
        Constraint::Length(13),
        Constraint::Length(10),
        Constraint::Min(6),
        Constraint::Length(6),
        Constraint::Length(14),
    ];
    let mut ts = TableState::default().with_selected((!st.tickets.is_empty()).then_some(st.sel));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .block(b)
            .row_highlight_style(selected()),
        area,
        &mut ts,
    );
}
