//! The till: a keyboard-driven cashier screen, from login to the Z report.
//!
//! Architecture (as in ratatui templates, gitui, television): one [`App`] state, an [`Event`] enum,
//! [`update`]`(&mut App, Event) -> Vec<Effect>` (carried out by [`effects::step`]), and a pure [`draw`]`(frame, &App)`. Screens live one per file
//! under `screens/`. All SQL is in `crate::storage`; all user-facing strings in `locales/*.ftl`.
pub mod app;
pub mod basket;
pub mod catalog;
pub mod display;
pub mod draw;
pub mod effects;
#[doc(hidden)]
pub mod fixture;
pub mod identify;
pub mod keys;
pub mod read_only;
mod screens;
pub mod sink;
pub mod state;
mod terminal;
pub mod update;
pub mod widgets;

pub use app::{App, Effect, Event};
pub use draw::draw;
pub use sink::{FileSink, MemorySink, ReceiptSink};
pub use update::update;

use crate::storage::Db;

/// How a till is set up on this laptop.
pub struct TillConfig {
    /// The till's id in the market (`T01`): its tickets' series and its journal chain.
    pub till_id: String,
    /// `fr` (default) or `en`.
    pub language: String,
    /// Lock the screen after this many minutes without a key (0 = never).
    pub idle_lock_minutes: u32,
    /// A line discount above this percentage of the line needs a supervisor's PIN.
    pub discount_approval_percent: u32,
    /// On the demo market: its people and PINs, shown under the login list so a first user can sign in.
    pub demo_codes: Option<String>,
    /// Where committed tickets and reports go (printer queue, or files).
    pub printer: Box<dyn ReceiptSink>,
}

/// Runs the till until the cashier quits (Ctrl+Q) or the process gets SIGTERM/SIGHUP. The terminal is restored
/// on every way out, panics included.
pub fn run(db: Db, config: TillConfig) -> anyhow::Result<()> {
    need_terminal()?;
    let mut app = App::new(db, config)?;
    terminal::run_loop(&mut app)
}

/// Runs the till read-only (full disk, read-only medium): the reports screens only, under `banner`.
pub fn run_read_only(db: Db, config: TillConfig, banner: String) -> anyhow::Result<()> {
    need_terminal()?;
    let mut app = App::new(db, config)?;
    app.read_only = Some(banner);
    // The idle lock journals its unlock: nothing is sold here, the screens only read.
    app.idle_lock_minutes = 0;
    terminal::run_loop(&mut app)
}

fn need_terminal() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "la caisse a besoin d'un terminal : lancez « souk » dans une fenêtre de terminal \
             (les commandes sans écran sont dans « souk --help »)"
        );
    }
    Ok(())
}

/// Asks, on the identity start screen, which till this laptop is; `Some(till)` once an organiser said so (the
/// database is then that till's), `None` if they left. Without an organiser in the database, says what to do
/// and stops.
pub fn identify(db: Db, language: &str, requested: Option<&str>) -> anyhow::Result<Option<String>> {
    if crate::storage::identify::organisers(db.conn())?.is_empty() {
        anyhow::bail!("{}", crate::storage::identify::NO_ORGANISER);
    }
    need_terminal()?;
    let mut st = identify::IdentifyState::new(db, language, requested)?;
    terminal::identify_loop(&mut st)
}
