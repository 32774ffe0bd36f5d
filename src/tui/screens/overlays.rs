//! Modal layers: help (F1), quit and abandon confirmations, and a supervisor's approval (person + PIN).
use crate::domain::JournalKind;
use crate::storage::people::PinCheck;
use crate::tui::app::{App, ApprovalState, Overlay, Pending};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, centered, key_label, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph};

pub fn key(app: &mut App, ov: Overlay, k: KeyEvent) -> Option<Overlay> {
    // Destructive: only the letter confirms, so a scanner's Entrée can never abandon a basket or quit.
    let yes = matches!(k.code, KeyCode::Char('o' | 'O'));
    match ov {
        Overlay::Help => (k.code != KeyCode::Esc).then_some(Overlay::Help),
        Overlay::ConfirmQuit if yes => {
            app.quit = true;
            None
        }
        Overlay::ConfirmAbandon if yes => {
            abandon(app);
            None
        }
        Overlay::ConfirmQuit | Overlay::ConfirmAbandon => None,
        Overlay::Approval(st) => approval_key(app, st, k).map(Overlay::Approval),
    }
}

/// Records the abandoned basket (Z report counts it), then empties it.
fn abandon(app: &mut App) {
    let (till, shift, who, now) = (
        app.till.clone(),
        app.shift.as_ref().map(|s| s.id.clone()),
        app.user_name(),
        app.now(),
    );
    let (n, total) = (app.basket.lines.len() as u32, app.basket.total());
    match app
        .db
        .abandon_basket(&till, shift.as_deref(), &who, n, total, &now)
    {
        Ok(()) => {
            app.basket.clear();
            app.info(app.tr.t("basket-abandoned"));
        }
        Err(e) => app.fail(e),
    }
}

fn approval_key(app: &mut App, mut st: ApprovalState, k: KeyEvent) -> Option<ApprovalState> {
    let n = app.supervisors().len();
    if keys::nav(&mut st.sel, n, k) {
        st.pin.clear();
        return Some(st);
    }
    match k.code {
        KeyCode::Esc => None,
        KeyCode::Enter => check(app, st),
        _ => {
            keys::pin_key(&mut st.pin, k);
            Some(st)
        }
    }
}

/// Checks the supervisor's PIN (journalled either way), then runs the one action it approves.
fn check(app: &mut App, mut st: ApprovalState) -> Option<ApprovalState> {
    let name = app.supervisors().get(st.sel).map(|p| p.name.clone())?;
    let pin = std::mem::take(&mut st.pin);
    if pin.is_empty() {
        // A bumped Enter (or a scanner's) is not a try.
        st.msg = Some(app.tr.t("pin-empty"));
        return Some(st);
    }
    let (till, now) = (app.till.clone(), app.now());
    match app
        .db
        .check_pin(&till, &name, &pin, &now, JournalKind::Approval)
    {
        Ok(PinCheck::Ok(_)) => {
            run(app, st.pending, &name);
            None
        }
        Ok(PinCheck::Wrong { wait_secs, .. }) => {
            let mut msg = app.tr.t("approval-wrong");
            if wait_secs > 0 {
                msg.push_str(" — ");
                msg.push_str(&app.tr.a("login-wait", &[("secs", &wait_secs.to_string())]));
            }
            st.msg = Some(msg);
            Some(st)
        }
        Ok(PinCheck::Locked) => {
            st.msg = Some(app.tr.t("login-locked"));
            app.reload_people();
            st.sel = 0;
            Some(st)
        }
        Err(e) => {
            app.fail(e);
            None
        }
    }
}

fn run(app: &mut App, pending: Pending, supervisor: &str) {
    match pending {
        Pending::PriceOverride { line, price } => {
            super::approved::override_price(app, line, price, supervisor)
        }
        Pending::Discount { line, amount } => {
            super::approved::approve_discount(app, line, amount, supervisor)
        }
        Pending::Refund {
            ticket,
            lines,
            method,
            ..
        } => super::ticket::refund(app, &ticket, &lines, method, supervisor),
        Pending::Drawer => super::approved::open_drawer(app, supervisor),
        Pending::CloseShift { counted } => {
            if let Some(next) = super::count::close(app, counted, supervisor) {
                app.screen = next;
            }
        }
        Pending::Unlock { name } => {
            let now = app.now();
            match app
                .db
                .unlock_person(&app.till.clone(), &name, supervisor, &now)
            {
                Ok(()) => app.info(app.tr.a("unlocked", &[("name", &name)])),
                Err(e) => app.fail(e),
            }
            app.reload_people();
        }
    }
}

pub fn hints(ov: &Overlay) -> Vec<Hint> {
    match ov {
        Overlay::Help => vec![("key-esc", "hint-close-help")],
        Overlay::ConfirmQuit | Overlay::ConfirmAbandon => vec![("O", "hint-yes"), ("N", "hint-no")],
        Overlay::Approval(_) => vec![
            ("key-arrows", "hint-choose-person"),
            ("0-9", "hint-type-pin"),
            ("key-enter", "hint-approve"),
            ("key-esc", "hint-cancel"),
        ],
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, ov: &Overlay, screen_hints: &[Hint]) {
    match ov {
        Overlay::Help => draw_help(f, area, app, screen_hints),
        Overlay::ConfirmQuit => draw_confirm(f, area, app, "confirm-quit"),
        Overlay::ConfirmAbandon => draw_confirm(f, area, app, "confirm-abandon"),
        Overlay::Approval(st) => draw_approval(f, area, app, st),
    }
}

/// Every key of the screen; in two columns when one does not fit the height (80×24 with a long list).
fn draw_help(f: &mut Frame, area: Rect, app: &App, hints: &[Hint]) {
    let entry = |(k, what): &Hint, width: usize| {
        let text = format!("{:>8}  {}", key_label(app, k), app.tr.t(what));
        let cut: String = text.chars().take(width).collect();
        format!("{cut:<width$}")
    };
    let two = hints.len() as u16 + 5 > area.height;
    let (w, rows) = if two {
        (area.width.min(100), hints.len().div_ceil(2))
    } else {
        (64, hints.len())
    };
    let col = if two {
        (w as usize - 3) / 2
    } else {
        w as usize - 2
    };
    let mut lines: Vec<Line> = (0..rows)
        .map(|i| {
            let left = entry(&hints[i], col);
            match hints.get(i + rows).filter(|_| two) {
                Some(h) => Line::from(format!("{left} {}", entry(h, col))),
                None => Line::from(left),
            }
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(app.tr.t("help-footer")).dim());
    let r = centered(area, w, rows as u16 + 5);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block(app.tr.t("help-title"))),
        r,
    );
}

fn draw_confirm(f: &mut Frame, area: Rect, app: &App, id: &str) {
    let r = centered(area, 56, 5);
    f.render_widget(Clear, r);
    let b = block(app.tr.t("confirm-title")).border_style(Style::new().fg(Color::Red));
    let text = vec![
        Line::from(app.tr.t(id)).bold(),
        Line::from(app.tr.t("confirm-keys")),
    ];
    f.render_widget(Paragraph::new(text).block(b), r);
}

fn draw_approval(f: &mut Frame, area: Rect, app: &App, st: &ApprovalState) {
    let sups = app.supervisors();
    let r = centered(area, 60, sups.len() as u16 + 8);
    f.render_widget(Clear, r);
    let b = block(app.tr.t("approval-title")).border_style(Style::new().fg(Color::Magenta));
    let inner = b.inner(r);
    f.render_widget(b, r);
    let [what, list, pin, msg] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(pending_text(app, &st.pending))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .bold(),
        what,
    );
    let items: Vec<ListItem> = sups.iter().map(|p| ListItem::new(p.name.clone())).collect();
    let mut ls = ListState::default().with_selected(Some(st.sel));
    f.render_stateful_widget(
        List::new(items)
            .highlight_style(selected())
            .highlight_symbol("▶ "),
        list,
        &mut ls,
    );
    f.render_widget(
        Paragraph::new(format!(
            "{} {}▏",
            app.tr.t("login-pin"),
            "•".repeat(st.pin.len())
        )),
        pin,
    );
    if let Some(m) = &st.msg {
        f.render_widget(Paragraph::new(m.clone()).red().bold(), msg);
    }
}

fn pending_text(app: &App, p: &Pending) -> String {
    use crate::domain::money::format_dh;
    match p {
        Pending::PriceOverride { price, .. } => {
            app.tr.a("approve-price", &[("price", &format_dh(*price))])
        }
        Pending::Discount { amount, .. } => app
            .tr
            .a("approve-discount", &[("amount", &format_dh(*amount))]),
        Pending::Refund {
            ticket,
            lines,
            method,
            amount,
        } => app.tr.a(
            "approve-refund",
            &[
                ("ticket", ticket),
                ("amount", &format_dh(*amount)),
                ("n", &lines.len().to_string()),
                ("method", &app.tr.t(&format!("method-{}", method.as_str()))),
            ],
        ),
        Pending::Drawer => app.tr.t("approve-drawer"),
        Pending::CloseShift { .. } => app.tr.t("approve-close"),
        Pending::Unlock { name } => app.tr.a("approve-unlock", &[("name", name)]),
    }
}
