//! Owning the real terminal: raw mode and alternate screen via `ratatui::init` (whose panic hook restores
//! them), a guard that restores on every other exit, and SIGTERM/SIGHUP turned into a clean leave.
use super::app::{App, Effect, Event};
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
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
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
        if super::update(app, ev) == Effect::Quit {
            return Ok(());
        }
    }
}
