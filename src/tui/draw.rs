//! `draw`: a pure function of the state. Status bar on top, the screen, the message line, the key hints.
use super::app::{App, Screen};
use super::keys::Hint;
use super::screens::*;
use super::widgets::{hints_bar, message_line, status_bar};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

pub fn draw(f: &mut Frame, app: &App) {
    let [top, body, msg, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    status_bar(f, top, app);
    match &app.screen {
        Screen::Blank => {}
        Screen::Login(s) => login::draw(f, body, app, s),
        Screen::OpenShift(s) => count::draw(f, body, app, s, false),
        Screen::Close(s) => count::draw(f, body, app, s, true),
        Screen::Sale(s) => sale::draw(f, body, app, s),
        Screen::Payment(s) => payment::draw(f, body, app, s),
        Screen::History(s) => history::draw(f, body, app, s),
        Screen::Ticket(s) => ticket::draw(f, body, app, s),
        Screen::Report(s) => report::draw(f, body, app, s),
        Screen::Coop(s) => coop::draw(f, body, app, s),
        Screen::Menu(s) => menu::draw(f, body, app, s),
        Screen::Settle(s) => settle::draw(f, body, app, s),
        Screen::Tills(s) => tills::draw(f, body, app, s),
        Screen::Locked(s) => lock::draw(f, body, app, s),
    }
    let screen_hints = screen_hints(app);
    if let Some(ov) = &app.overlay {
        overlays::draw(f, body, app, ov, &screen_hints);
        hints_bar(f, bottom, app, &overlays::hints(ov));
    } else {
        hints_bar(f, bottom, app, &screen_hints);
    }
    message_line(f, msg, app);
}

/// Every key of the current screen (the hint bar shows what fits, F1 shows all).
pub fn screen_hints(app: &App) -> Vec<Hint> {
    match &app.screen {
        Screen::Blank => vec![],
        Screen::Login(s) => login::hints(s),
        Screen::OpenShift(s) => count::hints(s, false),
        Screen::Close(s) => count::hints(s, true),
        Screen::Sale(s) => sale::hints(s),
        Screen::Payment(s) => payment::hints(s),
        Screen::History(s) => history::hints(s),
        Screen::Ticket(s) => ticket::hints(s),
        Screen::Report(s) => report::hints(s),
        Screen::Coop(s) => coop::hints(s),
        Screen::Menu(s) => menu::hints(s),
        Screen::Settle(s) => settle::hints(s),
        Screen::Tills(s) => tills::hints(s),
        Screen::Locked(s) => lock::hints(s),
    }
}
