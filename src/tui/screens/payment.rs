//! Payment: cash with tendered amount and change, card with a reference, mobile, other; split payments.
//! The sale is committed only once fully paid, then handed to the printer sink.
use crate::domain::money::{format_dh, parse_human_amount};
use crate::domain::sale::build_sale;
use crate::domain::{PaymentDraft, PaymentMethod, round_cash};
use crate::storage::tickets::SaleContext;
use crate::tui::app::{App, PayState, SaleState, Screen};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph};
use rust_decimal::Decimal;

/// Quick keys for the notes customers hand over most.
const NOTES: [(u8, u32); 4] = [(5, 20), (6, 50), (7, 100), (8, 200)];

pub fn remaining(app: &App, st: &PayState) -> Decimal {
    app.basket.total() - st.payments.iter().map(|p| p.amount).sum::<Decimal>()
}

pub fn change(st: &PayState, step: Option<Decimal>) -> Decimal {
    st.payments
        .iter()
        .filter_map(|p| p.tendered.map(|t| t - round_cash(p.amount, step)))
        .sum()
}

/// A key on the payment screen; the payments typed are mirrored in the basket (and so in its draft).
pub fn key(app: &mut App, st: PayState, k: KeyEvent) -> Screen {
    let next = key_inner(app, st, k);
    match &next {
        Screen::Payment(st) => app.basket.payments.clone_from(&st.payments),
        _ => app.basket.payments.clear(),
    }
    next
}

fn key_inner(app: &mut App, mut st: PayState, k: KeyEvent) -> Screen {
    let paid = remaining(app, &st) <= Decimal::ZERO && !st.payments.is_empty();
    match k.code {
        KeyCode::Esc | KeyCode::Up | KeyCode::BackTab if st.on_reference => st.on_reference = false,
        KeyCode::Down if st.method != PaymentMethod::Cash => st.on_reference = true,
        KeyCode::Esc => return Screen::Sale(SaleState::default()),
        KeyCode::Enter if paid => return complete(app, st),
        KeyCode::Tab => {
            let i = PaymentMethod::ALL
                .iter()
                .position(|m| *m == st.method)
                .unwrap_or(0);
            st.method = PaymentMethod::ALL[(i + 1) % 4];
            st.on_reference = false;
        }
        KeyCode::F(n) if NOTES.iter().any(|(f, _)| *f == n) => {
            let note = NOTES
                .iter()
                .find(|(f, _)| *f == n)
                .map(|(_, v)| *v)
                .unwrap_or(0);
            st.method = PaymentMethod::Cash;
            add(app, &mut st, Some(Decimal::from(note)));
        }
        KeyCode::Enter if st.method != PaymentMethod::Cash && !st.on_reference => {
            st.on_reference = true
        }
        KeyCode::Enter => {
            let text = st.amount.value().trim().to_string();
            let scanned = text.len() >= 8 && text.chars().all(|c| c.is_ascii_digit());
            match (text.is_empty(), parse_human_amount(&text)) {
                (true, _) => add(app, &mut st, None),
                (false, _) if scanned => {
                    st.amount.reset();
                    app.error(app.tr.a("pay-barcode", &[("text", &text)]))
                }
                (false, Ok(v)) => add(app, &mut st, Some(v)),
                (false, Err(_)) => app.error(app.tr.a("bad-value", &[("text", &text)])),
            }
        }
        KeyCode::Backspace if st.amount.value().is_empty() && !st.on_reference => {
            st.payments.pop();
        }
        _ if st.on_reference => {
            keys::edit(&mut st.reference, k);
        }
        _ => {
            keys::edit(&mut st.amount, k);
        }
    }
    Screen::Payment(st)
}

/// The change a cashier may hand back on a small sale, whatever the notes.
const MAX_CHANGE: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// Adds one payment of the selected method; an empty amount means "the rest".
fn add(app: &mut App, st: &mut PayState, value: Option<Decimal>) {
    if remaining(app, st) <= Decimal::ZERO {
        return;
    }
    if st.method == PaymentMethod::Cash {
        return add_cash(app, st, value);
    }
    let rest = remaining(app, st);
    let amount = value.unwrap_or(rest);
    if amount > rest {
        return app.error(app.tr.a("pay-too-much", &[("rest", &format_dh(rest))]));
    }
    if amount <= Decimal::ZERO {
        return;
    }
    let reference = Some(st.reference.value().trim().to_string()).filter(|r| !r.is_empty());
    st.payments.push(PaymentDraft {
        reference,
        ..PaymentDraft::new(st.method, amount)
    });
    st.amount.reset();
    st.reference.reset();
    st.on_reference = false;
}

/// Notes and typed amounts add up in the ticket's one cash payment: 200 + 200 + 100 is "Reçu 500,00".
fn add_cash(app: &mut App, st: &mut PayState, value: Option<Decimal>) {
    let step = app.market.cash_rounding;
    let at = st
        .payments
        .iter()
        .position(|p| p.method == PaymentMethod::Cash);
    let (before, given_before) = at
        .map(|i| &st.payments[i])
        .map(|p| (p.amount, p.tendered.unwrap_or(p.amount)))
        .unwrap_or_default();
    let rest = remaining(app, st) + before;
    let due = round_cash(rest, step);
    let given = match value {
        Some(v) => given_before + v,
        None => due.max(given_before),
    };
    let amount = if given >= due { rest } else { given };
    if amount <= Decimal::ZERO {
        return;
    }
    // Change comes out of the drawer: more than the sale itself (and 1.000 DH) is a typing slip.
    if given - due > due.max(MAX_CHANGE) {
        return app.error(app.tr.a(
            "pay-change-too-large",
            &[("given", &format_dh(given)), ("due", &format_dh(due))],
        ));
    }
    let draft = PaymentDraft {
        tendered: Some(given),
        ..PaymentDraft::new(PaymentMethod::Cash, amount)
    };
    match at {
        Some(i) => st.payments[i] = draft,
        None => st.payments.push(draft),
    }
    st.amount.reset();
    st.on_reference = false;
}

/// Commits the sale first, then prints: a failing printer never loses the ticket.
fn complete(app: &mut App, st: PayState) -> Screen {
    let step = app.market.cash_rounding;
    let settled = match build_sale(&app.basket.lines, Decimal::ZERO, &st.payments, step) {
        Ok(s) => s,
        Err(e) => {
            app.error(e.to_string());
            return Screen::Payment(st);
        }
    };
    let ctx = SaleContext {
        till: app.till.clone(),
        cashier: app.user_name(),
        shift: app.shift.as_ref().map(|s| s.id.clone()),
        at: app.now(),
        manual: false,
        ticket_ref: None,
        approver: app.basket.approver.clone(),
    };
    match app.commit_sale(&ctx, &settled) {
        Ok(t) => {
            let change: Decimal = t.payments.iter().map(|p| p.change).sum();
            app.basket.clear();
            app.last_change = Some(change);
            if app.status.is_none() {
                app.info(app.tr.a("sale-done", &[("id", &t.head.id)]));
            }
            Screen::Sale(SaleState::default())
        }
        Err(e) => {
            app.fail(e);
            Screen::Payment(st)
        }
    }
}

pub fn hints(st: &PayState) -> Vec<Hint> {
    let enter = if st.on_reference {
        "hint-add-payment"
    } else {
        "hint-enter-amount"
    };
    let field = if st.on_reference {
        ("key-up", "hint-amount-field")
    } else {
        ("key-down", "hint-reference-field")
    };
    let mut h = vec![("key-enter", enter), ("key-tab", "hint-method")];
    if st.method != PaymentMethod::Cash {
        h.push(field);
    }
    h.extend([
        ("F5", "hint-note-20"),
        ("F6", "hint-note-50"),
        ("F7", "hint-note-100"),
        ("F8", "hint-note-200"),
        ("key-backspace", "hint-remove-payment"),
        ("key-esc", "hint-back"),
        ("F1", "hint-help"),
    ]);
    h
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &PayState) {
    let [methods, inputs, list, big] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(5),
    ])
    .areas(area);
    let spans: Vec<Span> = PaymentMethod::ALL
        .iter()
        .map(|m| {
            let name = app.tr.t(&format!("method-{}", m.as_str()));
            if *m == st.method {
                Span::styled(format!("[{name}]"), selected())
            } else {
                Span::raw(format!(" {name} "))
            }
        })
        .collect();
    f.render_widget(
        Paragraph::new(Line::from(spans)).block(block(app.tr.a(
            "pay-method-chosen",
            &[(
                "method",
                &app.tr.t(&format!("method-{}", st.method.as_str())),
            )],
        ))),
        methods,
    );
    draw_inputs(f, inputs, app, st);
    draw_list(f, list, app, st);
    let rest = remaining(app, st);
    if rest <= Decimal::ZERO && !st.payments.is_empty() {
        let label = format!(
            "{} — {}",
            app.tr.t("change-label"),
            app.tr.t("pay-complete")
        );
        super::sale_view::draw_big_amount(f, big, &label, change(st, app.market.cash_rounding));
    } else {
        super::sale_view::draw_big_amount(f, big, &app.tr.t("pay-remaining"), rest);
    }
}

fn draw_inputs(f: &mut Frame, area: Rect, app: &App, st: &PayState) {
    let [a, r] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let amount_title = if st.method == PaymentMethod::Cash {
        "pay-tendered"
    } else {
        "pay-amount"
    };
    let focus = Style::new().fg(Color::Yellow);
    let mut ab = block(app.tr.t(amount_title));
    let mut rb = block(app.tr.t("pay-reference"));
    if st.on_reference {
        rb = rb.border_style(focus)
    } else {
        ab = ab.border_style(focus)
    }
    let (ai, ri) = (ab.inner(a), rb.inner(r));
    f.render_widget(Paragraph::new(st.amount.value()).block(ab), a);
    if st.method != PaymentMethod::Cash {
        f.render_widget(Paragraph::new(st.reference.value()).block(rb), r);
    }
    let (inner, input) = if st.on_reference {
        (ri, &st.reference)
    } else {
        (ai, &st.amount)
    };
    f.set_cursor_position((inner.x + input.visual_cursor() as u16, inner.y));
}

fn draw_list(f: &mut Frame, area: Rect, app: &App, st: &PayState) {
    let total = app.basket.total();
    let step = app.market.cash_rounding;
    let mut title = app.tr.a("pay-summary", &[("total", &format_dh(total))]);
    if step.is_some() {
        let cash = round_cash(remaining(app, st).max(Decimal::ZERO), step);
        title = format!(
            "{title} · {}",
            app.tr.a("pay-cash-due", &[("amount", &format_dh(cash))])
        );
    }
    let items: Vec<ListItem> = st
        .payments
        .iter()
        .map(|p| {
            let mut s = format!(
                "{:<10} {:>14}",
                app.tr.t(&format!("method-{}", p.method.as_str())),
                format_dh(p.amount)
            );
            if let Some(t) = p.tendered {
                s.push_str(&format!("  {} {}", app.tr.t("pay-given"), format_dh(t)));
            }
            if let Some(r) = &p.reference {
                s.push_str(&format!("  {} {r}", app.tr.t("pay-ref")));
            }
            ListItem::new(s)
        })
        .collect();
    f.render_widget(List::new(items).block(block(title)), area);
}
