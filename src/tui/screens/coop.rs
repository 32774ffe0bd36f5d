//! A cooperative's view: today's takings per exhibitor at this till, printable as a short slip.
use crate::domain::money::{format_dh, from_centimes};
use crate::storage::settlement::{DaySums, day, day_tickets};
use crate::tui::app::{App, CoopState, Screen};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

pub fn open(app: &mut App) -> Screen {
    let date = app.now().date().to_string();
    let conn = app.db.conn();
    let loaded = day(conn, &date, Some(&app.till)).and_then(|rows| {
        let tickets = day_tickets(conn, &date, Some(&app.till))?;
        let names = crate::storage::catalogue::exhibitors(conn)?
            .into_iter()
            .map(|e| (e.code, e.name))
            .collect();
        Ok((rows, tickets, names))
    });
    let (rows, tickets, names) = loaded.unwrap_or_else(|e| {
        app.fail(e);
        Default::default()
    });
    Screen::Coop(CoopState {
        date,
        rows,
        names,
        tickets,
        sel: 0,
    })
}

/// `2026-11-27` → `27/11/2026`, as people read dates.
pub fn fr_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

pub fn key(app: &mut App, mut st: CoopState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc => return app.home(),
        KeyCode::F(2) | KeyCode::Enter => {
            if let Some(d) = st.rows.get(st.sel) {
                let now = app.now();
                let name = st.names.get(&d.exhibitor_code).cloned().unwrap_or_default();
                let paper = crate::documents::slips::stall_slip(
                    &crate::documents::slips::StallPrint {
                        market: &app.market,
                        till: &app.till,
                        name: &name,
                        printed_at: &now,
                    },
                    d,
                );
                app.print_paper(&paper);
            }
        }
        _ => {
            keys::nav(&mut st.sel, st.rows.len(), k);
        }
    }
    Screen::Coop(st)
}

pub fn hints(_st: &CoopState) -> Vec<Hint> {
    vec![
        ("key-arrows", "hint-choose-exhibitor"),
        ("F2", "hint-print-slip"),
        ("key-esc", "hint-back"),
        ("F1", "hint-help"),
    ]
}

/// Which columns fit: the card/mobile/other split from 100 columns, the exhibitor's name from 130.
fn columns(width: u16) -> (bool, bool) {
    (width >= 100, width >= 130)
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &CoopState) {
    let (methods, names) = columns(area.width);
    let m = |c: i64| Cell::from(Line::from(format_dh(from_centimes(c))).right_aligned());
    let row = |code: String, name: String, tickets: u64, d: &DaySums| {
        let mut cells = vec![Cell::from(code)];
        if names {
            cells.push(Cell::from(name));
        }
        cells.extend([
            Cell::from(Line::from(tickets.to_string()).right_aligned()),
            m(d.gross),
            m(d.refunds),
            m(d.net()),
            m(d.by_method.cash),
        ]);
        if methods {
            cells.extend([
                m(d.by_method.card),
                m(d.by_method.mobile),
                m(d.by_method.other),
            ]);
        }
        Row::new(cells)
    };
    let mut rows: Vec<Row> = st
        .rows
        .iter()
        .map(|d| {
            let name = st.names.get(&d.exhibitor_code).cloned().unwrap_or_default();
            row(d.exhibitor_code.clone(), name, d.tickets, d)
        })
        .collect();
    if !st.rows.is_empty() {
        rows.push(
            row(
                app.tr.t("coop-total"),
                String::new(),
                st.tickets,
                &total(st),
            )
            .bold(),
        );
    }
    let mut ids = vec!["col-exhibitor"];
    if names {
        ids.push("col-name");
    }
    ids.extend([
        "col-tickets",
        "col-gross",
        "col-refunds",
        "col-net",
        "method-cash",
    ]);
    if methods {
        ids.extend(["method-card", "method-mobile", "method-other"]);
    }
    let header = Row::new(ids.iter().map(|id| app.tr.t(id))).bold();
    let mut widths = vec![Constraint::Length(6)];
    if names {
        widths.push(Constraint::Fill(2));
    }
    widths.push(Constraint::Length(7));
    let money = if methods { 7 } else { 4 };
    widths.extend((0..money).map(|_| Constraint::Min(11)));
    let b = block(app.tr.a(
        "coop-title",
        &[("date", &fr_date(&st.date)), ("till", &app.till)],
    ));
    let mut ts = TableState::default().with_selected((!st.rows.is_empty()).then_some(st.sel));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .block(b)
            .row_highlight_style(selected()),
        area,
        &mut ts,
    );
}

/// The day's sums over exhibitors (tickets are counted apart, distinct).
fn total(st: &CoopState) -> DaySums {
    let mut t = DaySums {
        date: st.date.clone(),
        exhibitor_code: String::new(),
        tickets: st.tickets,
        gross: 0,
        refunds: 0,
        by_method: Default::default(),
    };
    for d in &st.rows {
        t.gross += d.gross;
        t.refunds += d.refunds;
        t.by_method += d.by_method;
    }
    t
}
