//! Login: pick a person with the arrows, type the PIN (masked), Enter.
use crate::domain::JournalKind;
use crate::storage::people::{LOCK_AFTER, PinCheck};
use crate::tui::app::{App, ApprovalState, LoginState, Overlay, Pending, Screen};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, centered, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState, Paragraph};
use std::time::{Duration, Instant};

pub fn key(app: &mut App, mut st: LoginState, k: KeyEvent) -> Screen {
    if keys::nav(&mut st.sel, app.people.len(), k) {
        st.pin.clear();
        st.msg = None;
        return Screen::Login(st);
    }
    match k.code {
        KeyCode::Enter => return submit(app, st),
        _ => keys::pin_key(&mut st.pin, k),
    }
    Screen::Login(st)
}

fn submit(app: &mut App, mut st: LoginState) -> Screen {
    let Some(person) = app.people.get(st.sel).cloned() else {
        return Screen::Login(st);
    };
    // Whatever happens next, what was typed is spent: digits never pile up behind a refusal.
    let pin = std::mem::take(&mut st.pin);
    if person.locked {
        // Only a supervisor lifts a lock: ask for their PIN right here.
        app.overlay = Some(Overlay::Approval(ApprovalState {
            pending: Pending::Unlock { name: person.name },
            sel: 0,
            pin: String::new(),
            msg: None,
        }));
        return Screen::Login(st);
    }
    if let Some(&until) = st.wait_until.get(&person.name)
        && Instant::now() < until
    {
        let secs = (until - Instant::now()).as_secs() + 1;
        st.msg = Some(app.tr.a("login-wait", &[("secs", &secs.to_string())]));
        return Screen::Login(st);
    }
    if pin.is_empty() {
        st.msg = Some(app.tr.t("pin-empty"));
        return Screen::Login(st);
    }
    let now = app.now();
    // Read-only (full disk): checked without writing; the wait after a failure is kept here only.
    let checked = if app.read_only.is_some() {
        crate::storage::people::check_pin_read_only(app.db.conn(), &person.name, &pin)
            .map_err(crate::storage::Error::from)
    } else {
        app.db
            .check_pin(&app.till, &person.name, &pin, &now, JournalKind::Login)
    };
    match checked {
        Ok(PinCheck::Ok(p)) => {
            st.wait_until.remove(&p.name);
            if let Some(owner) = other_cashiers_shift(app, &p) {
                st.msg = Some(app.tr.a("login-shift-of-other", &[("cashier", &owner)]));
                return Screen::Login(st);
            }
            app.user = Some(p);
            let next = app.home();
            if app.read_only.is_some() {
                return next;
            }
            super::draft::recover(app);
            if let Some(refusal) = super::sale::day_refusal(app) {
                app.error(refusal);
            }
            next
        }
        Ok(PinCheck::Wrong {
            failures,
            wait_secs,
        }) => {
            let left = LOCK_AFTER.saturating_sub(failures).to_string();
            let key = if left == "1" {
                "login-wrong-last"
            } else {
                "login-wrong"
            };
            let mut msg = app.tr.a(key, &[("left", &left)]);
            if wait_secs > 0 {
                st.wait_until.insert(
                    person.name.clone(),
                    Instant::now() + Duration::from_secs(wait_secs),
                );
                msg.push_str(" — ");
                msg.push_str(&app.tr.a("login-wait", &[("secs", &wait_secs.to_string())]));
            }
            st.msg = Some(msg);
            Screen::Login(st)
        }
        Ok(PinCheck::Locked) => {
            app.reload_people();
            st.msg = Some(app.tr.t("login-locked"));
            Screen::Login(st)
        }
        Err(e) => {
            app.fail(e);
            Screen::Login(st)
        }
    }
}

/// A shift is one cashier's drawer: another cashier may not sell into it (a supervisor may, to close it).
fn other_cashiers_shift(app: &App, p: &crate::domain::Person) -> Option<String> {
    let shift = crate::storage::shifts::current_shift(app.db.conn(), &app.till).ok()??;
    (shift.cashier != p.name && !p.role.can_approve()).then_some(shift.cashier)
}

pub fn hints(_st: &LoginState) -> Vec<Hint> {
    vec![
        ("key-arrows", "hint-choose-person"),
        ("0-9", "hint-type-pin"),
        ("key-enter", "hint-login"),
        ("Ctrl+Q", "hint-quit"),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &LoginState) {
    let note = app
        .demo_codes
        .as_ref()
        .map(|c| app.tr.a("login-demo", &[("codes", c)]));
    let note_h = if note.is_some() { 3 } else { 0 };
    let h = (app.people.len() as u16 + 8 + note_h).min(area.height);
    let outer = centered(area, 60, h);
    let b = block(app.tr.a("login-title", &[("till", &app.till)]));
    let inner = b.inner(outer);
    f.render_widget(b, outer);
    let [list_area, pin_area, msg_area, note_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Length(note_h),
    ])
    .areas(inner);
    if let Some(n) = note {
        f.render_widget(
            Paragraph::new(n)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(Style::new().dim()),
            note_area,
        );
    }
    let items: Vec<ListItem> = app
        .people
        .iter()
        .map(|p| {
            let mut s = format!(
                "{}  ({})",
                p.name,
                app.tr.t(&format!("role-{}", p.role.as_str()))
            );
            if p.locked {
                s.push_str(&format!("  {}", app.tr.t("login-locked-mark")));
            }
            ListItem::new(s)
        })
        .collect();
    let mut ls = ListState::default().with_selected(Some(st.sel));
    f.render_stateful_widget(
        List::new(items)
            .highlight_style(selected())
            .highlight_symbol("▶ "),
        list_area,
        &mut ls,
    );
    let masked = "•".repeat(st.pin.len());
    f.render_widget(
        Paragraph::new(Line::from(format!("{} {masked}▏", app.tr.t("login-pin"))).bold()),
        pin_area,
    );
    // A day this till cannot sell is said before anyone signs in.
    if let Some(m) = st
        .msg
        .clone()
        .or_else(|| app.day_refusal().map(str::to_string))
    {
        f.render_widget(
            Paragraph::new(m)
                .wrap(ratatui::widgets::Wrap { trim: true })
                .style(Style::new().red().bold()),
            msg_area,
        );
    }
}
