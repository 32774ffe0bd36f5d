//! One ticket of the history: reprint it (journalled "reprint"), or refund chosen lines with a supervisor PIN.
use super::scan::Scanned;
use crate::domain::JournalKind;
use crate::domain::money::{format_dh, format_fr, format_qty};
use crate::domain::{PaymentDraft, PaymentMethod, TicketKind};
use crate::storage::journal::NewEntry;
use crate::storage::tickets::Ticket;
use crate::storage::tickets::{SaleContext, refunded_so_far};
use crate::tui::app::{App, HistoryState, Pending, SaleState, Screen, TicketState};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use rust_decimal::Decimal;

/// The ticket view of a stored ticket, over the history it returns to.
pub fn state(app: &App, ticket: Ticket, back: HistoryState) -> TicketState {
    TicketState {
        marked: vec![false; ticket.lines.len()],
        refunded: refunded_lines(app, &ticket),
        refund_method: default_refund_method(&ticket),
        ticket,
        sel: 0,
        back,
        verdict: None,
        from_sale: false,
        scan: String::new(),
    }
}

pub fn key(app: &mut App, mut st: TicketState, k: KeyEvent) -> Screen {
    match super::scan::buffer_key(app, &mut st.scan, k) {
        Scanned::Typing => return Screen::Ticket(st),
        Scanned::Submit(text) => {
            return super::scan::open(app, &text, st.from_sale).unwrap_or(Screen::Ticket(st));
        }
        Scanned::NotMine => {}
    }
    match k.code {
        KeyCode::Esc if st.from_sale => return Screen::Sale(SaleState::default()),
        KeyCode::Esc => return super::history::open_at(app, st.back.sel),
        KeyCode::F(2) => reprint(app, &st.ticket.head.id),
        KeyCode::Char(' ') if st.ticket.head.kind == TicketKind::Sale => {
            if fully_refunded(&st, st.sel) {
                let name = st.ticket.lines[st.sel].name_fr.clone();
                app.error(app.tr.a("refund-already", &[("name", &name)]));
            } else if let Some(m) = st.marked.get_mut(st.sel) {
                *m = !*m;
            }
        }
        KeyCode::F(3) | KeyCode::Enter if st.ticket.head.kind == TicketKind::Sale => {
            ask_refund(app, &st)
        }
        KeyCode::Char('m') if st.ticket.head.kind == TicketKind::Sale => {
            let all = PaymentMethod::ALL;
            let i = all.iter().position(|m| *m == st.refund_method).unwrap_or(0);
            st.refund_method = all[(i + 1) % all.len()];
        }
        _ => {
            keys::nav(&mut st.sel, st.ticket.lines.len(), k);
        }
    }
    Screen::Ticket(st)
}

fn reprint(app: &mut App, id: &str) {
    let (till, actor, now) = (app.till.clone(), app.user_name(), app.now());
    let e = NewEntry {
        chain: &till,
        kind: JournalKind::Reprint,
        actor: &actor,
        subject: id,
        approver: "",
        detail: "",
        amount: 0,
    };
    match app.db.journal_event(&now, &e) {
        Ok(_) => {
            app.info(app.tr.a("reprinted", &[("id", id)]));
            app.print_ticket(id);
        }
        Err(e) => app.fail(e),
    }
}

/// The quantity already refunded of each line of a sale (zero for each line of a refund).
pub fn refunded_lines(app: &App, t: &crate::storage::tickets::Ticket) -> Vec<Decimal> {
    let already = refunded_so_far(app.db.conn(), &t.head.id).unwrap_or_default();
    t.lines
        .iter()
        .map(|l| already.get(&l.line_no).map(|a| a.0).unwrap_or_default())
        .collect()
}

fn fully_refunded(st: &TicketState, i: usize) -> bool {
    match (st.ticket.lines.get(i), st.refunded.get(i)) {
        (Some(l), Some(r)) => *r >= l.quantity,
        _ => false,
    }
}

/// What is left to refund of each marked line (or, none marked, of the line under the cursor): its whole
/// remaining quantity. A line refunded already says so.
fn ask_refund(app: &mut App, st: &TicketState) {
    let chosen: Vec<usize> = match st.marked.iter().any(|m| *m) {
        true => (0..st.marked.len()).filter(|i| st.marked[*i]).collect(),
        false => vec![st.sel],
    };
    let lines: Vec<(u32, Decimal)> = chosen
        .iter()
        .filter(|i| !fully_refunded(st, **i))
        .filter_map(|i| {
            let l = st.ticket.lines.get(*i)?;
            Some((l.line_no, l.quantity - st.refunded[*i]))
        })
        .collect();
    if lines.is_empty() {
        let name = chosen
            .first()
            .and_then(|i| st.ticket.lines.get(*i))
            .map(|l| l.name_fr.clone())
            .unwrap_or_default();
        return app.error(app.tr.a("refund-already", &[("name", &name)]));
    }
    let ticket = st.ticket.head.id.clone();
    let amount = preview_total(app, &ticket, &lines);
    app.overlay = Some(super::approved::approval(Pending::Refund {
        ticket,
        lines,
        method: st.refund_method,
        amount,
    }));
}

/// A sale paid one way is refunded the same way (a card sale back to the card); a split sale in cash.
pub fn default_refund_method(t: &crate::storage::tickets::Ticket) -> PaymentMethod {
    t.refund_method()
}

/// Runs an approved refund, paid back by `method`, and prints it; returns to the history.
pub fn refund(
    app: &mut App,
    ticket: &str,
    lines: &[(u32, Decimal)],
    method: PaymentMethod,
    approver: &str,
) {
    let amount = preview_total(app, ticket, lines);
    let ctx = SaleContext {
        till: app.till.clone(),
        cashier: app.user_name(),
        shift: app.shift.as_ref().map(|s| s.id.clone()),
        at: app.now(),
        manual: false,
        ticket_ref: None,
        approver: Some(approver.to_string()),
    };
    let payout = split_payout(app, ticket, method, amount);
    match app.commit_refund(&ctx, ticket, lines, &payout) {
        Ok(t) => {
            if app.status.is_none() {
                let how = t
                    .payments
                    .iter()
                    .map(|p| {
                        let m = app.tr.t(&format!("method-{}", p.method.as_str()));
                        format!("{m} {}", format_dh(p.amount))
                    })
                    .collect::<Vec<_>>()
                    .join(" + ");
                app.info(app.tr.a(
                    "refund-done",
                    &[
                        ("id", &t.head.id),
                        ("amount", &format_dh(amount)),
                        ("method", &how),
                    ],
                ));
            }
            app.screen = super::history::open(app);
        }
        Err(e) => app.fail(e),
    }
}

/// The refund paid back by `method` as far as it may (cash and card only as far as the sale took them), the rest
/// by the other methods in turn: never cash the drawer did not get, never a card credited beyond its charge.
fn split_payout(
    app: &App,
    ticket: &str,
    method: PaymentMethod,
    amount: Decimal,
) -> Vec<PaymentDraft> {
    let room = |m| {
        crate::storage::tickets::payout_room(app.db.conn(), ticket, m)
            .unwrap_or(None)
            .map(|r| r.max(Decimal::ZERO))
    };
    let order =
        std::iter::once(method).chain(PaymentMethod::ALL.into_iter().filter(|m| *m != method));
    let mut left = amount;
    let mut out: Vec<PaymentDraft> = Vec::new();
    for m in order {
        if left <= Decimal::ZERO {
            break;
        }
        let take = room(m).map_or(left, |r| r.min(left));
        if take > Decimal::ZERO {
            out.push(PaymentDraft::new(m, take));
            left -= take;
        }
    }
    if left > Decimal::ZERO {
        out.push(PaymentDraft::new(PaymentMethod::Other, left));
    }
    out
}

/// The refund's total as the domain will compute it (so the cash payout matches to the centime).
fn preview_total(app: &App, ticket: &str, lines: &[(u32, Decimal)]) -> Decimal {
    let conn = app.db.conn();
    let orig = crate::storage::tickets::load_lines(conn, ticket).unwrap_or_default();
    let already = refunded_so_far(conn, ticket).unwrap_or_default();
    crate::domain::sale::build_refund_lines(&orig, &already, lines)
        .map(|ls| ls.iter().map(|l| l.total).sum())
        .unwrap_or_default()
}

pub fn hints(st: &TicketState) -> Vec<Hint> {
    let mut h = Vec::new();
    if st.ticket.head.kind == TicketKind::Sale {
        h.extend([
            ("F3", "hint-refund"),
            ("key-space", "hint-mark-line"),
            ("m", "hint-refund-method"),
        ]);
    }
    h.extend([
        ("F2", "hint-reprint"),
        ("key-arrows", "hint-choose-line"),
        ("key-esc", "hint-back"),
        ("F1", "hint-help"),
    ]);
    h
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &TicketState) {
    let t = &st.ticket;
    let title = app.tr.a(
        "ticket-title",
        &[
            ("id", &t.head.id),
            ("kind", &app.tr.t(&format!("kind-{}", t.head.kind))),
        ],
    );
    let b = block(title);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let banner = st
        .verdict
        .as_ref()
        .map(|v| verdict_banner(app, v, inner.width));
    let banner_h = banner.as_ref().map_or(0, |(_, h)| *h);
    let [top, lines_area, foot] = Layout::vertical([
        Constraint::Length(banner_h),
        Constraint::Min(3),
        Constraint::Length(3),
    ])
    .areas(inner);
    if let Some((p, _)) = banner {
        f.render_widget(p, top);
    }
    let rows: Vec<Row> = t
        .lines
        .iter()
        .zip(&st.marked)
        .zip(&st.refunded)
        .map(|((l, m), r)| {
            let done = *r >= l.quantity && !r.is_zero();
            let mark = match (*m, done) {
                (_, true) => app.tr.t("refund-mark-done"),
                (true, _) => "[x]".to_string(),
                _ => "[ ]".to_string(),
            };
            let row_style = if done {
                ratatui::style::Style::new().dim().crossed_out()
            } else {
                ratatui::style::Style::new()
            };
            let name = match &l.name_ar {
                Some(ar) => format!("{} {}", l.name_fr, app.arabic.apply(ar)),
                None => l.name_fr.clone(),
            };
            Row::new(vec![
                Cell::from(mark),
                Cell::from(l.exhibitor_code.clone()),
                Cell::from(name),
                Cell::from(Line::from(format_qty(l.quantity)).right_aligned()),
                Cell::from(Line::from(format_fr(l.unit_price)).right_aligned()),
                Cell::from(Line::from(format_fr(l.total)).right_aligned()),
            ])
            .style(row_style)
        })
        .collect();
    let header = Row::new(
        [
            "",
            "col-exhibitor",
            "col-product",
            "col-qty",
            "col-price",
            "col-total",
        ]
        .map(|id| {
            if id.is_empty() {
                String::new()
            } else {
                app.tr.t(id)
            }
        }),
    )
    .bold();
    let widths = [
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Length(10),
    ];
    let mut ts = TableState::default().with_selected(Some(st.sel));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .row_highlight_style(selected()),
        lines_area,
        &mut ts,
    );
    let pays: Vec<String> = t
        .payments
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                app.tr.t(&format!("method-{}", p.method.as_str())),
                format_dh(p.amount)
            )
        })
        .collect();
    let mut text = format!(
        "{} {}   {}\n{} {}  ·  {} {}",
        app.tr.t("rcpt-total"),
        format_dh(t.head.total),
        pays.join(" · "),
        app.tr.t("rcpt-cashier"),
        t.head.cashier,
        app.tr.t("rcpt-check"),
        t.short_hash()
    );
    if t.head.kind == TicketKind::Sale {
        let method = app.tr.t(&format!("method-{}", st.refund_method.as_str()));
        text.push('\n');
        text.push_str(&app.tr.a("refund-method", &[("method", &method)]));
    }
    f.render_widget(Paragraph::new(text).bold(), foot);
}

/// « Reçu conforme » in green, or « Reçu NON conforme : » in red with what differs, one fact a line, wrapped;
/// with the rows it takes at this width (at most 5, so the ticket's lines stay in view).
fn verdict_banner(
    app: &App,
    v: &crate::tui::app::Verdict,
    width: u16,
) -> (Paragraph<'static>, u16) {
    use ratatui::style::{Color, Style};
    let (head, style) = if v.conforme {
        (
            app.tr.t("scan-ok"),
            Style::new().fg(Color::Black).bg(Color::Green),
        )
    } else {
        (
            app.tr.t("scan-bad"),
            Style::new().fg(Color::White).bg(Color::Red),
        )
    };
    let mut text: Vec<String> = Vec::new();
    for (i, d) in v.details.iter().enumerate() {
        text.push(match i {
            0 => format!("{head} : {d}"),
            _ => format!("· {d}"),
        });
    }
    if text.is_empty() {
        text.push(head);
    }
    let lines: Vec<Line> = text
        .iter()
        .flat_map(|l| crate::tui::widgets::wrap_words(l, usize::from(width.max(1))))
        .map(Line::from)
        .collect();
    let rows = lines.len();
    let p = Paragraph::new(lines).style(style.bold());
    (p, rows.min(5) as u16)
}
