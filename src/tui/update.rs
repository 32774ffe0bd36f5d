//! `update`: the single place where events change the till's state.
use super::app::{App, Effect, Event, Overlay, Screen};
use super::screens;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Changes the state for one event and returns what the outside world must do (print, open the drawer, quit);
/// the loop carries the effects out (see [`super::effects`]). Nothing prints from here: a sale's receipt is
/// only rendered into its job inside the sale's transaction, and the printer is woken by an effect.
pub fn update(app: &mut App, ev: Event) -> Vec<Effect> {
    match ev {
        Event::Terminate => app.quit = true,
        Event::Tick { idle_secs } => {
            app.refresh_phase();
            idle(app, idle_secs)
        }
        Event::Printer(ev) => app.sink.on_event(&ev),
        Event::PrintFailed(error) => {
            app.error(app.tr.a("printer-failed", &[("error", &error)]));
        }
        Event::DrawerOpened { approver } => screens::approved::drawer_opened(app, &approver),
        Event::Key(k) if k.kind == KeyEventKind::Press => {
            key(app, k);
            screens::draft::keep(app);
            // A key may change the day's phase (a phase closed, a clock set): drawing reads the result.
            app.refresh_phase();
        }
        Event::Key(_) => {}
    }
    let mut effects = app.take_effects();
    if app.quit {
        effects.push(Effect::Quit);
    }
    effects
}

fn is_quit(k: &KeyEvent) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('q') | KeyCode::Char('c'))
}

fn key(app: &mut App, k: KeyEvent) {
    if is_quit(&k) {
        // A basket in progress is never dropped by one stray key.
        let asking = matches!(app.overlay, Some(Overlay::ConfirmQuit));
        if app.basket.is_empty() || asking {
            app.quit = true;
        } else {
            app.overlay = Some(Overlay::ConfirmQuit);
        }
        return;
    }
    app.status = None;
    if k.code == KeyCode::F(1) && !matches!(app.screen, Screen::Locked(_)) {
        app.overlay = match app.overlay {
            Some(Overlay::Help) => None,
            _ => Some(Overlay::Help),
        };
        return;
    }
    if let Some(ov) = app.overlay.take() {
        app.overlay = screens::overlays::key(app, ov, k);
        return;
    }
    let screen = std::mem::replace(&mut app.screen, Screen::Blank);
    app.screen = match screen {
        Screen::Blank => Screen::Blank,
        Screen::Login(s) => screens::login::key(app, s, k),
        Screen::OpenShift(s) => screens::count::key_open(app, s, k),
        Screen::Close(s) => screens::count::key_close(app, s, k),
        Screen::Sale(s) => screens::sale::key(app, s, k),
        Screen::Payment(s) => screens::payment::key(app, s, k),
        Screen::History(s) => screens::history::key(app, s, k),
        Screen::Ticket(s) => screens::ticket::key(app, s, k),
        Screen::Report(s) => screens::report::key(app, s, k),
        Screen::Coop(s) => screens::coop::key(app, s, k),
        Screen::Menu(s) => screens::menu::key(app, s, k),
        Screen::Settle(s) => screens::settle::key(app, s, k),
        Screen::Tills(s) => screens::tills::key(app, s, k),
        Screen::Locked(s) => screens::lock::key(app, s, k),
    };
}

/// Locks the till after the configured idle time; the basket and the screen underneath are kept.
fn idle(app: &mut App, idle_secs: u64) {
    let limit = u64::from(app.idle_lock_minutes) * 60;
    let lockable = !matches!(
        app.screen,
        Screen::Login(_) | Screen::Locked(_) | Screen::Blank
    );
    if limit == 0 || idle_secs < limit || app.user.is_none() || !lockable {
        return;
    }
    app.overlay = None;
    let prev = std::mem::replace(&mut app.screen, Screen::Blank);
    app.screen = screens::lock::lock(prev);
}
