//! A phase's settlement at the till: the same figures as `souk report settlement`, one row per exhibitor.
//! F2 prints the chosen exhibitor's statement (with signature lines), F3 the whole phase; ←/→ change phase.
use crate::domain::money::format_fr;
use crate::report::SettlementRow;
use crate::storage::{catalogue, reports};
use crate::tui::app::{App, Screen, SettleState};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, TableState};

pub fn open(app: &mut App) -> Screen {
    let phases: Vec<u32> = catalogue::phases(app.db.conn())
        .map(|v| v.into_iter().map(|p| p.number).collect())
        .unwrap_or_default();
    let current = super::menu::current_phase(app);
    let phase = phases.iter().position(|n| Some(*n) == current).unwrap_or(0);
    let mut st = SettleState {
        phases,
        phase,
        report: None,
        sel: 0,
    };
    load(app, &mut st);
    Screen::Settle(st)
}

fn load(app: &mut App, st: &mut SettleState) {
    st.sel = 0;
    st.report = None;
    let Some(&n) = st.phases.get(st.phase) else {
        app.error(app.tr.t("menu-no-phase"));
        return;
    };
    match reports::settlement_report(app.db.conn(), n) {
        Ok(mut r) => {
            // A provisional statement is dated by the till's clock, like everything else it prints.
            if r.phase.closed_at.is_none() {
                r.generated_at = app.now().display_iso();
            }
            st.report = Some(r);
        }
        Err(e) => app.fail(e),
    }
}

pub fn key(app: &mut App, mut st: SettleState, k: KeyEvent) -> Screen {
    let rows = st.report.as_ref().map_or(0, |r| r.rows.len());
    match k.code {
        KeyCode::Esc => return super::menu::open(app),
        KeyCode::Left if st.phase > 0 => {
            st.phase -= 1;
            load(app, &mut st);
        }
        KeyCode::Right if st.phase + 1 < st.phases.len() => {
            st.phase += 1;
            load(app, &mut st);
        }
        KeyCode::F(2) | KeyCode::Enter => print_statement(app, &st),
        KeyCode::F(3) => {
            if let Some(r) = &st.report {
                app.print_paper(&crate::documents::slips::phase_summary(r));
            }
        }
        _ => {
            keys::nav(&mut st.sel, rows, k);
        }
    }
    Screen::Settle(st)
}

fn print_statement(app: &mut App, st: &SettleState) {
    let Some(r) = &st.report else { return };
    let Some(row) = r.rows.get(st.sel) else {
        return;
    };
    if let Some(paper) = crate::documents::paper::statement(r, &row.exhibitor_code) {
        app.print_paper(&paper);
    }
}

pub fn hints(_st: &SettleState) -> Vec<Hint> {
    vec![
        ("key-arrows", "hint-choose-exhibitor"),
        ("←→", "hint-phase"),
        ("F2", "hint-print-statement"),
        ("F3", "hint-print-phase"),
        ("key-esc", "hint-back"),
        ("F1", "hint-help"),
    ]
}

fn money(d: rust_decimal::Decimal) -> Cell<'static> {
    Cell::from(Line::from(format_fr(d)).right_aligned())
}

fn row(r: &SettlementRow, wide: bool) -> Row<'static> {
    let mut cells = vec![
        Cell::from(r.exhibitor_code.clone()),
        Cell::from(r.exhibitor_name.clone()),
        Cell::from(Line::from(r.tickets.to_string()).right_aligned()),
        money(r.net),
    ];
    if wide {
        cells.extend([money(r.cash), money(r.card + r.mobile + r.other)]);
    }
    cells.extend([
        money(r.commission),
        money(r.stall_fee),
        money(r.due_to_exhibitor),
    ]);
    Row::new(cells)
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &SettleState) {
    let Some(r) = &st.report else {
        f.render_widget(block(app.tr.t("menu-settlement")), area);
        return;
    };
    // Cash against the rest only where the terminal has room (120 columns and more).
    let wide = area.width >= 110;
    let mut head = vec!["col-exhibitor", "col-name", "col-tickets", "col-net"];
    if wide {
        head.extend(["method-cash", "col-other-methods"]);
    }
    head.extend(["col-commission", "col-stall-fee", "col-due"]);
    // Numbers' headers sit over their right-aligned values.
    let header = Row::new(head.iter().enumerate().map(|(i, id)| {
        let line = Line::from(app.tr.t(id));
        Cell::from(if i >= 2 { line.right_aligned() } else { line })
    }))
    .bold();
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Min(14),
        Constraint::Length(7),
        Constraint::Length(11),
    ];
    if wide {
        widths.extend([Constraint::Length(11), Constraint::Length(12)]);
    }
    widths.extend([
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(11),
    ]);
    let t = SettlementRow::totals(&r.rows);
    let state = if r.phase.is_closed() {
        app.tr.t("settle-closed")
    } else {
        app.tr.t("settle-provisional")
    };
    let title = app.tr.a(
        "settle-title",
        &[
            ("n", &r.phase.number.to_string()),
            ("state", &state),
            ("net", &format_fr(t.net)),
            ("due", &format_fr(t.due_to_exhibitor)),
        ],
    );
    let rows: Vec<Row> = r.rows.iter().map(|x| row(x, wide)).collect();
    let mut ts = TableState::default().with_selected((!r.rows.is_empty()).then_some(st.sel));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block(title))
            .row_highlight_style(selected()),
        area,
        &mut ts,
    );
}
