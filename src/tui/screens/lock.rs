//! The idle lock: the screen underneath and the basket are kept; the cashier's PIN unlocks.
use crate::domain::JournalKind;
use crate::storage::people::PinCheck;
use crate::tui::app::{App, LockState, Screen};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, centered};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

pub fn lock(prev: Screen) -> Screen {
    Screen::Locked(LockState {
        prev: Box::new(prev),
        pin: String::new(),
        msg: None,
    })
}

pub fn key(app: &mut App, mut st: LockState, k: KeyEvent) -> Screen {
    if k.code != KeyCode::Enter {
        keys::pin_key(&mut st.pin, k);
        return Screen::Locked(st);
    }
    let pin = std::mem::take(&mut st.pin);
    let (till, name, now) = (app.till.clone(), app.user_name(), app.now());
    match app
        .db
        .check_pin(&till, &name, &pin, &now, JournalKind::Unlock)
    {
        Ok(PinCheck::Ok(_)) => *st.prev,
        Ok(PinCheck::Wrong { .. }) => {
            st.msg = Some(app.tr.t("lock-wrong"));
            Screen::Locked(st)
        }
        Ok(PinCheck::Locked) => {
            app.error(app.tr.t("login-locked"));
            app.logout()
        }
        Err(e) => {
            app.fail(e);
            Screen::Locked(st)
        }
    }
}

pub fn hints(_st: &LockState) -> Vec<Hint> {
    vec![
        ("0-9", "hint-type-pin"),
        ("key-enter", "hint-unlock"),
        ("Ctrl+Q", "hint-quit"),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &LockState) {
    f.render_widget(Clear, area);
    let r = centered(area, 56, 9);
    let b = block(app.tr.t("lock-title")).border_style(Style::new().fg(Color::Yellow));
    let mut lines = vec![
        Line::from(app.tr.a("lock-who", &[("name", &app.user_name())])),
        Line::from(
            app.tr
                .a("lock-basket", &[("n", &app.basket.lines.len().to_string())]),
        ),
        Line::from(""),
        Line::from(format!(
            "{} {}▏",
            app.tr.t("login-pin"),
            "•".repeat(st.pin.len())
        ))
        .bold(),
    ];
    if let Some(m) = &st.msg {
        lines.push(Line::from(m.clone()).red().bold());
    }
    f.render_widget(Paragraph::new(lines).block(b), r);
}
