//! Owning the real terminal: raw mode and alternate screen via `ratatui::init` (whose panic hook restores
//! them), a guard that restores on every other exit, and SIGTERM/SIGHUP turned into a clean leave.
use super::app::{App, Event};
use ratatui::crossterm::event::{self, Event as CtEvent};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Restores the terminal when dropped (normal return, `?` errors).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

pub fn run_loop(app: &mut App) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(&stop))?;
    // SIGHUP means the terminal is gone: crossterm's poll then never returns (it spins on the dead tty), so
    // the flag would never be read. Leave at once: every sale is already committed, the print queue is in the
    // database, and there is no terminal left to restore. `low_level::exit` is `_exit`, safe in a handler.
    // SAFETY: the handler only calls an async-signal-safe function.
    unsafe {
        signal_hook::low_level::register(signal_hook::consts::SIGHUP, || {
            signal_hook::low_level::exit(129)
        })?;
    }
    let mut terminal = ratatui::init();
    let _restore = Restore;
    let mut last_key = Instant::now();
    loop {
        terminal.draw(|f| super::draw(f, app))?;
        let ev = if stop.load(Ordering::Relaxed) {
            Event::Terminate
        } else if event::poll(Duration::from_millis(250))? {
            match event::read()? {
                CtEvent::Key(k) => {
                    last_key = Instant::now();
                    Event::Key(k)
                }
                _ => continue,
            }
        } else {
            Event::Tick {
                idle_secs: last_key.elapsed().as_secs(),
            }
        };
        if super::effects::step(app, ev) {
            return Ok(());
        }
        for ev in app.sink.take_events() {
            if super::effects::step(app, Event::Printer(ev)) {
                return Ok(());
            }
        }
    }
}

/// The identity start screen until an organiser identifies the laptop (`Some(till)`) or leaves (`None`).
pub fn identify_loop(st: &mut super::identify::IdentifyState) -> anyhow::Result<Option<String>> {
    use super::identify::Effect as E;
    let mut terminal = ratatui::init();
    let _restore = Restore;
    loop {
        terminal.draw(|f| super::identify::draw(f, st))?;
        if !event::poll(Duration::from_millis(250))? {
            continue;
        }
        if let CtEvent::Key(k) = event::read()?
            && k.kind == event::KeyEventKind::Press
        {
            match super::identify::update(st, k) {
                E::Stay => {}
                E::Quit => return Ok(None),
                E::Done(till) => return Ok(Some(till)),
            }
        }
    }
}
