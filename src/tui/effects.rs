//! The loop's half of `update`: it carries out the effects `update` returns (printing through the sink) and
//! feeds what came of them back as events, so the state changes only in `update`.
use super::app::{App, Effect, Event};
use std::collections::VecDeque;

/// One event through `update`, its effects carried out, and the events they lead to; true to quit.
pub fn step(app: &mut App, ev: Event) -> bool {
    let effects = super::update(app, ev);
    carry_out(app, effects)
}

/// Carries out effects `update` returned, feeding what came of them back through `update`; true to quit.
pub fn carry_out(app: &mut App, effects: Vec<Effect>) -> bool {
    let mut events = VecDeque::new();
    let mut effects = effects;
    loop {
        for effect in effects {
            match execute(app, effect) {
                Outcome::Quit => return true,
                Outcome::Done => {}
                Outcome::Then(ev) => events.push_back(ev),
            }
        }
        match events.pop_front() {
            Some(ev) => effects = super::update(app, ev),
            None => return false,
        }
    }
}

enum Outcome {
    Quit,
    Done,
    Then(Event),
}

fn execute(app: &mut App, effect: Effect) -> Outcome {
    let res = match effect {
        Effect::Quit => return Outcome::Quit,
        Effect::Print(paper) => app.sink.print(&paper).map(|()| None),
        Effect::Reprint(id) => {
            crate::documents::sink::queue_reprint(app.db.conn(), &id, app.sink.as_mut())
                .map(|()| None)
        }
        Effect::WakePrinter => app.sink.wake().map(|()| None),
        Effect::OpenDrawer { approver } => app
            .sink
            .open_drawer()
            .map(|()| Some(Event::DrawerOpened { approver })),
    };
    match res {
        Ok(None) => Outcome::Done,
        Ok(Some(ev)) => Outcome::Then(ev),
        Err(e) => Outcome::Then(Event::PrintFailed(format!("{e:#}"))),
    }
}
