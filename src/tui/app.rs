//! The till's whole state: one `App`, the current `Screen`, an optional modal `Overlay`.
use super::basket::Basket;
use super::catalog::Catalog;
use super::sink::ReceiptSink;
use super::{TillConfig, display};
use crate::domain::{Market, Person, Role};
use crate::i18n::I18n;
use crate::storage::shifts::{self, Shift};
use crate::storage::{Clock, Db, LocalTime, catalogue, people};
use anyhow::Result;
use ratatui::crossterm::event::KeyEvent;

pub use super::state::*;

/// What the outside world feeds `update`.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    /// Periodic tick with the time since the last key (drives the idle lock).
    Tick {
        idle_secs: u64,
    },
    /// SIGTERM/SIGHUP: leave at once (the basket in progress is not a sale: nothing to save).
    Terminate,
    /// What the print worker reports (printed, failed, the printer's state).
    Printer(crate::print::PrinterEvent),
    /// A print the loop carried out for `update` failed: why.
    PrintFailed(String),
    /// The drawer pulse asked by [`Effect::OpenDrawer`] is on its way: journal it.
    DrawerOpened {
        approver: String,
    },
}

/// What `update` asks the loop to do; the loop does it through the sink (see `effects`), and a failure comes
/// back as [`Event::PrintFailed`].
#[derive(Debug, Clone)]
pub enum Effect {
    Quit,
    /// A paper document printed through the templates at the printer's width.
    Print(Box<crate::documents::paper::Paper>),
    /// A stored ticket printed again (a DUPLICATA once any copy may have printed).
    Reprint(String),
    /// Jobs were committed (a sale's receipt): the printer starts on them.
    WakePrinter,
    /// The cash drawer opened with no sale, as a supervisor allowed (journalled once it is sent).
    OpenDrawer {
        approver: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub db: Db,
    pub tr: I18n,
    pub till: String,
    pub market: Market,
    pub idle_lock_minutes: u32,
    pub discount_approval_percent: u32,
    pub demo_codes: Option<String>,
    pub sink: Box<dyn ReceiptSink>,
    pub clock: Clock,
    /// Fixed time for tests and snapshots; `None` = the clock (which honours `SOUK_NOW`).
    pub fixed_now: Option<LocalTime>,
    /// Display transform for Arabic names (see [`display`]).
    pub arabic: display::ArabicDisplay,
    pub catalog: Catalog,
    pub people: Vec<Person>,
    pub user: Option<Person>,
    pub shift: Option<Shift>,
    pub basket: Basket,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
    /// Change of the last completed sale, shown large until the next basket starts.
    pub last_change: Option<rust_decimal::Decimal>,
    pub quit: bool,
    /// The status bar's phase, computed on each tick (drawing runs no query).
    phase: String,
    /// Why today takes no sale (no open phase, phase closed), as of the last tick; None on a selling day.
    day_refusal: Option<String>,
    /// Opened read-only (full disk, read-only medium): the banner shown; only the reports screens.
    pub read_only: Option<String>,
    /// What the screens asked of the outside world during this update; `update` returns them.
    effects: Vec<Effect>,
}

impl App {
    pub fn new(db: Db, config: TillConfig) -> Result<App> {
        let market = catalogue::market(db.conn())?;
        // Only the exhibitors of today's phase can sell here: the others' products are not offered.
        let today = Clock::market()?.now()?.date();
        let phase = catalogue::phases(db.conn())?
            .into_iter()
            .find(|p| p.contains(today))
            .map(|p| p.number);
        let selling: Vec<String> = catalogue::exhibitors(db.conn())?
            .into_iter()
            .filter(|e| phase.is_none_or(|n| e.phases.contains(&n)))
            .map(|e| e.code)
            .collect();
        let products = catalogue::products(db.conn())?
            .into_iter()
            .filter(|p| selling.contains(&p.exhibitor_code))
            .collect();
        let catalog = Catalog::new(products, selling);
        let people = people::people(db.conn())?;
        let shift = shifts::current_shift(db.conn(), &config.till_id)?;
        Ok(App {
            tr: I18n::new(&config.language),
            till: config.till_id.clone(),
            market,
            idle_lock_minutes: config.idle_lock_minutes,
            discount_approval_percent: config.discount_approval_percent,
            demo_codes: config.demo_codes,
            sink: config.printer,
            clock: Clock::market()?,
            fixed_now: None,
            arabic: display::ArabicDisplay::from_env(),
            catalog,
            people,
            user: None,
            shift,
            basket: Basket::default(),
            screen: Screen::Login(LoginState::default()),
            overlay: None,
            status: (!crate::storage::identity::sells_here(&config.till_id)).then(|| Status {
                text: crate::storage::identity::NOT_A_TILL.to_string(),
                error: true,
            }),
            last_change: None,
            quit: false,
            phase: String::new(),
            day_refusal: None,
            read_only: None,
            effects: Vec::new(),
            db,
        })
        .map(|mut app| {
            app.refresh_phase();
            app
        })
    }

    pub fn now(&self) -> LocalTime {
        match &self.fixed_now {
            Some(t) => t.clone(),
            None => self.clock.now().unwrap_or_else(|_| {
                self.clock
                    .at_local(jiff::civil::date(2000, 1, 1).at(0, 0, 0, 0))
                    .expect("fixed date")
            }),
        }
    }

    pub fn info(&mut self, text: String) {
        self.status = Some(Status { text, error: false });
    }

    pub fn error(&mut self, text: String) {
        self.status = Some(Status { text, error: true });
    }

    /// Shows a storage error in the status bar; the screen stays as it was. A refusal (closed phase, date
    /// outside every phase) says what to do; a full or read-only disk is said in French with what to do, never
    /// as SQLite's English.
    pub fn fail(&mut self, e: impl Into<crate::storage::Error>) {
        let text = self.failure_text(e.into());
        self.error(text);
    }

    pub fn failure_text(&self, e: crate::storage::Error) -> String {
        use crate::report::numbers::fmt_date_fr;
        use crate::storage::Error as E;
        match e {
            E::PhaseClosed { phase, date } => self.tr.a(
                "day-phase-closed",
                &[("phase", &phase.to_string()), ("date", &fmt_date_fr(&date))],
            ),
            E::NoPhase { date } => self.tr.a("day-no-phase", &[("date", &fmt_date_fr(&date))]),
            E::Locked { .. } => self.tr.t("err-locked"),
            E::NotFound {
                what: "ticket",
                key,
            } => self.tr.a("err-ticket-not-found", &[("id", &key)]),
            E::DiskFull(e) | E::ReadOnly(e) | E::Other(e) => {
                crate::files::explain::explain(&e, &[self.db.path()])
                    .unwrap_or_else(|| self.tr.explain(&e))
            }
            E::Corrupt { .. } => format!("{} ({e})", self.tr.t("err-corrupt")),
            own => own.to_string(),
        }
    }

    pub fn user_name(&self) -> String {
        self.user
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    pub fn user_role(&self) -> Role {
        self.user.as_ref().map(|p| p.role).unwrap_or(Role::Cashier)
    }

    /// Who can approve, supervisors before organisers (the one offered first is the one usually at hand; a
    /// slip on the organiser's PIN would lock the market's set-up), locked people left out.
    pub fn supervisors(&self) -> Vec<&Person> {
        let mut v: Vec<&Person> = self
            .people
            .iter()
            .filter(|p| p.role.can_approve() && !p.locked)
            .collect();
        v.sort_by_key(|p| p.role != crate::domain::Role::Supervisor);
        v
    }

    pub fn reload_people(&mut self) {
        if let Ok(p) = people::people(self.db.conn()) {
            self.people = p;
        }
    }

    /// "Phase 2" for the status bar, or a warning when today is in no open phase (as of the last tick).
    pub fn phase_label(&self) -> String {
        self.phase.clone()
    }

    /// Fixes the till's clock (tests, snapshots); the phase label follows at once.
    pub fn set_now(&mut self, at: LocalTime) {
        self.fixed_now = Some(at);
        self.refresh_phase();
    }

    /// Recomputes the phase label: at start and on every tick, so a phase closed or a day changed shows.
    pub fn refresh_phase(&mut self) {
        let date = self.now().date().to_string();
        self.phase = match catalogue::phase_for_sale(self.db.conn(), &date) {
            Ok(n) => self.tr.a("status-phase", &[("n", &n.to_string())]),
            Err(_) => self.tr.t("status-no-phase"),
        };
        self.day_refusal = super::screens::sale::day_refusal(self);
    }

    /// Why today takes no sale, as of the last tick (for the screens: drawing runs no query).
    pub fn day_refusal(&self) -> Option<&str> {
        self.day_refusal.as_deref()
    }

    /// Commits a sale with its receipt's print job in the same transaction, then lets the printer start.
    pub fn commit_sale(
        &mut self,
        ctx: &crate::storage::tickets::SaleContext,
        settled: &crate::domain::Settled,
    ) -> Result<crate::storage::tickets::Ticket> {
        let sink = self.sink.as_mut();
        let t = self.db.commit_sale_with(ctx, settled, |tx, t| {
            crate::documents::sink::queue_receipt(tx, t, sink)
        })?;
        self.wake_printer();
        Ok(t)
    }

    /// Commits a refund with its receipt's print job, as [`App::commit_sale`].
    pub fn commit_refund(
        &mut self,
        ctx: &crate::storage::tickets::SaleContext,
        original: &str,
        lines: &[(u32, rust_decimal::Decimal)],
        payouts: &[crate::domain::PaymentDraft],
    ) -> Result<crate::storage::tickets::Ticket> {
        let sink = self.sink.as_mut();
        let t = self
            .db
            .refund_with(ctx, original, lines, payouts, |tx, t| {
                crate::documents::sink::queue_receipt(tx, t, sink)
            })?;
        self.wake_printer();
        Ok(t)
    }

    /// The printer starts on what was committed; a failure only shows in the status bar.
    fn wake_printer(&mut self) {
        self.ask(Effect::WakePrinter);
    }

    /// Asks the loop for an effect, returned by this `update`.
    pub fn ask(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    /// The effects asked since the last call.
    pub(crate) fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Asks for a stored ticket printed again (a reprint: DUPLICATA); a failure shows in the status bar.
    pub fn print_ticket(&mut self, id: &str) {
        self.ask(Effect::Reprint(id.to_string()));
    }

    /// Asks for a document printed through the templates; a failure replaces "printed" in the status bar.
    pub fn print_paper(&mut self, paper: &crate::documents::paper::Paper) {
        self.info(self.tr.t("printed"));
        self.ask(Effect::Print(Box::new(paper.clone())));
    }

    /// Where a logged-in cashier lands: the sale screen, or opening a shift first.
    pub fn home(&mut self) -> Screen {
        // The organiser's database never sells: no shift to open, its reports and the tills' status at once.
        if self.read_only.is_some() || self.till == crate::storage::ORG_CHAIN {
            return Screen::Menu(MenuState::default());
        }
        self.shift = shifts::current_shift(self.db.conn(), &self.till).unwrap_or(None);
        if self.shift.is_some() {
            Screen::Sale(SaleState::default())
        } else {
            Screen::OpenShift(CountState::default())
        }
    }

    pub fn logout(&mut self) -> Screen {
        self.user = None;
        self.reload_people();
        Screen::Login(LoginState::default())
    }
}
