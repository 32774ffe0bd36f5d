//! A cooperative's view: today's takings per exhibitor at this till, printable as a short slip.
use crate::domain::money::{format_dh, from_centimes};
use crate::storage::settlement::{DaySums, day};
use crate::tui::ReportKind;
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
    let rows = day(app.db.conn(), &date, Some(&app.till)).unwrap_or_else(|e| {
        app.fail(e);
        Vec::new()
    });
    Screen::Coop(CoopState { date, rows, sel: 0 })
}

/// The short slip handed to a cooperative.
pub fn slip(app: &App, date: &str, d: &DaySums) -> Vec<String> {
    let name = crate::storage::catalogue::exhibitors(app.db.conn())
        .ok()
        .and_then(|v| v.into_iter().find(|e| e.code == d.exhibitor_code))
        .map(|e| e.name)
        .unwrap_or_default();
    let m = |c: i64| format_dh(from_centimes(c));
    let tr = &app.tr;
    let mut v = vec![
        app.market.name.clone(),
        tr.a("coop-slip-title", &[("date", date)]),
        format!("{} {name}", d.exhibitor_code),
        format!("{} {}", tr.t("status-till"), app.till),
        format!("{} {}", tr.t("col-tickets"), d.tickets),
        format!("{} {}", tr.t("col-gross"), m(d.gross)),
        format!("{} -{}", tr.t("col-refunds"), m(d.refunds)),
        format!("{} {}", tr.t("col-net"), m(d.net())),
    ];
    for (i, method) in ["cash", "card", "mobile", "other"].iter().enumerate() {
        v.push(format!(
            "  {} {}",
            tr.t(&format!("method-{method}")),
            m(d.by_method[i])
        ));
    }
    v
}

pub fn key(app: &mut App, mut st: CoopState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc => return app.home(),
        KeyCode::F(2) | KeyCode::Enter => {
            if let Some(d) = st.rows.get(st.sel) {
                let text = slip(app, &st.date, d).join("\n");
                let subject = format!("{}-{}", d.exhibitor_code, st.date);
                app.print_report(ReportKind::Exhibitor, &subject, &text);
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

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &CoopState) {
    let m = |c: i64| Cell::from(Line::from(format_dh(from_centimes(c))).right_aligned());
    let rows: Vec<Row> = st
        .rows
        .iter()
        .map(|d| {
            Row::new(vec![
                Cell::from(d.exhibitor_code.clone()),
                Cell::from(Line::from(d.tickets.to_string()).right_aligned()),
                m(d.gross),
                m(d.refunds),
                m(d.net()),
                m(d.by_method[0]),
            ])
        })
        .collect();
    let header = Row::new(
        [
            "col-exhibitor",
            "col-tickets",
            "col-gross",
            "col-refunds",
            "col-net",
            "method-cash",
        ]
        .map(|id| app.tr.t(id)),
    )
    .bold();
    let widths = [
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Min(12),
        Constraint::Min(12),
        Constraint::Min(12),
        Constraint::Min(12),
    ];
    let b = block(
        app.tr
            .a("coop-title", &[("date", &st.date), ("till", &app.till)]),
    );
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
