//! Cash counts by Moroccan denomination: the opening float, and the count that closes a shift.
use crate::domain::money::{format_dh, format_fr};
use crate::storage::shifts;
use crate::tui::app::{
    App, ApprovalState, CountState, DENOMINATIONS, Overlay, Pending, SaleState, Screen,
};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use rust_decimal::Decimal;

/// Digits edit the selected row: a number of notes/coins, or on the last row a total typed directly. A decimal
/// mark on a row of notes is refused, not dropped (`123,45` would count 12345 notes).
fn edit(app: &mut App, st: &mut CountState, k: KeyEvent) {
    let on_total = st.sel == DENOMINATIONS.len();
    match k.code {
        KeyCode::Char(c) if on_total && (c.is_ascii_digit() || c == ',' || c == '.') => {
            st.total.push(c)
        }
        KeyCode::Char(',' | '.') => app.error(app.tr.t("count-whole-notes")),
        KeyCode::Char(c) if c.is_ascii_digit() => {
            let n = &mut st.counts[st.sel];
            *n = (*n * 10 + c.to_digit(10).unwrap_or(0)).min(99_999);
        }
        KeyCode::Backspace if on_total => {
            st.total.pop();
        }
        KeyCode::Backspace => st.counts[st.sel] /= 10,
        _ => {
            keys::nav(&mut st.sel, CountState::rows(), k);
        }
    }
}

pub fn key_open(app: &mut App, mut st: CountState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc => app.logout(),
        // The organiser reads the market's reports without opening a shift of their own.
        KeyCode::F(10) => super::menu::open(app),
        KeyCode::Enter => {
            let now = app.now();
            match app
                .db
                .open_shift(&app.till, &app.user_name(), st.total(), &now)
            {
                Ok(s) => {
                    app.info(app.tr.a("shift-opened", &[("id", &s.id)]));
                    app.shift = Some(s);
                    Screen::Sale(SaleState::default())
                }
                Err(e) => {
                    app.fail(e);
                    Screen::OpenShift(st)
                }
            }
        }
        _ => {
            edit(app, &mut st, k);
            Screen::OpenShift(st)
        }
    }
}

pub fn key_close(app: &mut App, mut st: CountState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc if st.confirm => {
            st.confirm = false;
            Screen::Close(st)
        }
        KeyCode::Esc => Screen::Sale(SaleState::default()),
        KeyCode::Enter if !st.confirm => {
            let Some(shift) = app.shift.clone() else {
                return Screen::Close(st);
            };
            match shifts::shift_totals(app.db.conn(), &shift.id) {
                Ok(t) => (st.expected, st.confirm) = (t.expected_cash, true),
                Err(e) => app.fail(e),
            }
            Screen::Close(st)
        }
        KeyCode::Enter if app.user_role().can_approve() => {
            let me = app.user_name();
            close(app, st.counted(), &me).unwrap_or(Screen::Close(st))
        }
        KeyCode::Enter => {
            app.overlay = Some(Overlay::Approval(ApprovalState {
                pending: Pending::CloseShift {
                    counted: st.counted(),
                },
                sel: 0,
                pin: String::new(),
                msg: None,
            }));
            Screen::Close(st)
        }
        _ if st.confirm => Screen::Close(st),
        _ => {
            edit(app, &mut st, k);
            Screen::Close(st)
        }
    }
}

/// Closes the shift, journals the Z report, hands it to the sink and shows it; `None` on error (shown).
pub fn close(app: &mut App, counted: Vec<(Decimal, u32)>, approver: &str) -> Option<Screen> {
    let shift = app.shift.clone()?;
    let now = app.now();
    let z = match app
        .db
        .close_shift(&shift.id, &counted, &app.user_name(), approver, &now)
    {
        Ok(z) => z,
        Err(e) => {
            app.fail(e);
            return None;
        }
    };
    app.shift = None;
    let lines = super::report::z_lines(app, &z);
    let title = app.tr.a("z-title", &[("shift", &shift.id)]);
    let paper = crate::documents::paper::z_report(
        &crate::documents::paper::ShiftPrint {
            market: &app.market,
            shift: &shift,
            printed_at: &now,
            approver: Some(approver),
        },
        &z,
    );
    app.print_paper(&paper);
    Some(Screen::Report(crate::tui::app::ReportState {
        title,
        lines,
        scroll: 0,
        logout_after: true,
        from_menu: false,
        paper: Some(paper),
    }))
}

pub fn hints(st: &CountState, closing: bool) -> Vec<Hint> {
    if closing && st.confirm {
        return vec![("key-enter", "hint-close-shift"), ("key-esc", "hint-back")];
    }
    let enter = if closing {
        "hint-check-count"
    } else {
        "hint-open-shift"
    };
    let esc = if closing { "hint-back" } else { "hint-logout" };
    let mut h = vec![
        ("key-arrows", "hint-choose-row"),
        ("0-9", "hint-type-count"),
        ("key-enter", enter),
        ("key-esc", esc),
    ];
    if !closing {
        h.push(("F10", "hint-reports"));
    }
    h
}

fn denom_label(app: &App, d: Decimal) -> String {
    let id = if d >= Decimal::from(20) {
        "denom-note"
    } else {
        "denom-coin"
    };
    app.tr.a(id, &[("value", &format_fr(d))])
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &CountState, closing: bool) {
    let title = if closing {
        app.tr.t("close-title")
    } else {
        app.tr.t("open-title")
    };
    let b = block(title);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [table_area, sum_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(inner);
    let mut rows: Vec<Row> = DENOMINATIONS
        .iter()
        .zip(st.counts)
        .map(|(d, n)| {
            Row::new(vec![
                denom_label(app, *d),
                n.to_string(),
                format_dh(*d * Decimal::from(n)),
            ])
        })
        .collect();
    rows.push(Row::new(vec![
        app.tr.t("count-total-row"),
        st.total.clone(),
        String::new(),
    ]));
    let header = Row::new(vec![
        app.tr.t("count-col-denom"),
        app.tr.t("count-col-number"),
        app.tr.t("count-col-amount"),
    ])
    .bold();
    let widths = [
        Constraint::Length(22),
        Constraint::Length(10),
        Constraint::Length(16),
    ];
    let mut ts = TableState::default().with_selected(Some(st.sel));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .row_highlight_style(selected()),
        table_area,
        &mut ts,
    );
    let mut lines = vec![format!(
        "{} {}",
        app.tr.t("count-total"),
        format_dh(st.total())
    )];
    if closing && st.confirm {
        lines.extend(close_summary(app, st));
    }
    f.render_widget(
        Paragraph::new(lines.join("\n")).style(Style::new().bold()),
        sum_area,
    );
}

fn close_summary(app: &App, st: &CountState) -> Vec<String> {
    vec![
        format!("{} {}", app.tr.t("z-expected"), format_dh(st.expected)),
        format!(
            "{} {}",
            app.tr.t("z-difference"),
            format_dh(st.total() - st.expected)
        ),
        app.tr.t("close-confirm"),
    ]
}
