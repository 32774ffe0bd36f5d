//! A report on screen (X, Z, the day, the phase totals); F2 prints its paper document.
use crate::domain::money::format_dh;
use crate::storage::shifts::{ShiftTotals, ZReport, shift_totals};
use crate::tui::app::{App, ReportState, SaleState, Screen};
use crate::tui::keys::Hint;
use crate::tui::widgets::block;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

/// Width of a report line: fits a 48-column (80 mm) receipt.
const WIDTH: usize = 40;

fn row(label: String, value: String) -> String {
    let pad = WIDTH
        .saturating_sub(label.chars().count() + value.chars().count())
        .max(1);
    format!("{label}{}{value}", " ".repeat(pad))
}

fn totals_lines(app: &App, t: &ShiftTotals) -> Vec<String> {
    let tr = &app.tr;
    let mut v = vec![
        row(tr.t("z-float"), format_dh(t.opening_float)),
        row(
            tr.a("z-sales", &[("n", &t.sales_count.to_string())]),
            format_dh(t.sales_total),
        ),
        row(
            tr.a("z-refunds", &[("n", &t.refunds_count.to_string())]),
            format_dh(-t.refunds_total),
        ),
        row(tr.t("z-net"), format_dh(t.net())),
    ];
    for (m, amount) in t.by_method.iter() {
        v.push(row(
            format!("  {}", tr.t(&format!("method-{}", m.as_str()))),
            format_dh(amount),
        ));
    }
    v.push(row(tr.t("rcpt-rounding"), format_dh(t.rounding)));
    v.push(row(
        tr.a("z-abandoned", &[("n", &t.abandoned_count.to_string())]),
        format_dh(t.abandoned_total),
    ));
    v.push(row(tr.t("z-expected"), format_dh(t.expected_cash)));
    v
}

pub fn x_lines(app: &App, t: &ShiftTotals) -> Vec<String> {
    let mut v = vec![
        app.market.name.clone(),
        app.tr.a("x-title", &[("shift", &t.shift)]),
        format!(
            "{} {} · {}",
            app.tr.t("status-till"),
            app.till,
            app.now().display()
        ),
        String::new(),
    ];
    v.extend(totals_lines(app, t));
    v
}

pub fn z_lines(app: &App, z: &ZReport) -> Vec<String> {
    let tr = &app.tr;
    let mut v = vec![
        app.market.name.clone(),
        tr.a("z-title", &[("shift", &z.totals.shift)]),
        format!(
            "{} {} · {}",
            tr.t("status-till"),
            app.till,
            z.closed_at.display()
        ),
        format!("{} {}", tr.t("rcpt-cashier"), z.totals.cashier),
        String::new(),
    ];
    v.extend(totals_lines(app, &z.totals));
    v.push(row(tr.t("z-counted"), format_dh(z.counted_cash)));
    v.push(row(tr.t("z-difference"), format_dh(z.difference)));
    v.push(String::new());
    v.push(tr.a("z-chain-head", &[("seq", &z.seq.to_string())]));
    v.push(z.chain_head.clone());
    v
}

pub fn x_report(app: &mut App) -> Screen {
    let Some(shift) = app.shift.clone() else {
        app.error(app.tr.t("no-shift"));
        return Screen::Sale(SaleState::default());
    };
    match shift_totals(app.db.conn(), &shift.id) {
        Ok(t) => Screen::Report(ReportState {
            title: app.tr.a("x-title", &[("shift", &shift.id)]),
            lines: x_lines(app, &t),
            scroll: 0,
            logout_after: false,
            from_menu: false,
            paper: Some(crate::documents::paper::x_report(
                &crate::documents::paper::ShiftPrint {
                    market: &app.market,
                    shift: &shift,
                    printed_at: &app.now(),
                    approver: None,
                },
                &t,
            )),
        }),
        Err(e) => {
            app.fail(e);
            Screen::Sale(SaleState::default())
        }
    }
}

pub fn key(app: &mut App, mut st: ReportState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc | KeyCode::Enter if st.logout_after => return app.logout(),
        KeyCode::Esc | KeyCode::Enter if st.from_menu => return super::menu::open(app),
        KeyCode::Esc | KeyCode::Enter => return Screen::Sale(SaleState::default()),
        KeyCode::F(2) => {
            if let Some(paper) = &st.paper {
                app.print_paper(paper);
            }
        }
        KeyCode::PageDown => st.scroll = st.scroll.saturating_add(10).min(st.lines.len() as u16),
        KeyCode::PageUp => st.scroll = st.scroll.saturating_sub(10),
        KeyCode::Down => st.scroll = st.scroll.saturating_add(1).min(st.lines.len() as u16),
        KeyCode::Up => st.scroll = st.scroll.saturating_sub(1),
        _ => {}
    }
    Screen::Report(st)
}

pub fn hints(st: &ReportState) -> Vec<Hint> {
    let back = if st.logout_after {
        "hint-logout"
    } else {
        "hint-back"
    };
    vec![
        ("F2", "hint-print"),
        ("key-arrows", "hint-scroll"),
        ("key-esc", back),
        ("F1", "hint-help"),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, _app: &App, st: &ReportState) {
    let text = st.lines.join("\n");
    f.render_widget(
        Paragraph::new(text)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((st.scroll, 0))
            .block(block(st.title.clone())),
        area,
    );
}
