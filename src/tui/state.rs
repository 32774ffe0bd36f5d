//! Per-screen state. Each screen's file reads keys into it and draws from it.
use crate::domain::{PaymentDraft, PaymentMethod};
use crate::storage::settlement::DaySums;
use crate::storage::shifts::TicketSummary;
use crate::storage::tickets::Ticket;
use rust_decimal::Decimal;
use std::time::Instant;
use tui_input::Input;

/// Moroccan notes and coins, largest first.
pub use crate::domain::money::DENOMINATIONS;

// One screen exists at a time and moves once per key: boxing the larger states would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Screen {
    /// Placeholder while a handler owns the real screen.
    Blank,
    Login(LoginState),
    OpenShift(CountState),
    Sale(SaleState),
    Payment(PayState),
    History(HistoryState),
    Ticket(TicketState),
    Report(ReportState),
    Close(CountState),
    Coop(CoopState),
    Menu(MenuState),
    Settle(SettleState),
    Tills(TillsState),
    Locked(LockState),
}

#[derive(Default)]
pub struct LoginState {
    pub sel: usize,
    pub pin: String,
    pub msg: Option<String>,
    /// After repeated wrong PINs, that person's next try is not accepted before this instant; the others
    /// sign in at once.
    pub wait_until: std::collections::HashMap<String, Instant>,
}

/// A cash count by denomination, or a total typed directly (last row).
#[derive(Default)]
pub struct CountState {
    pub sel: usize,
    pub counts: [u32; DENOMINATIONS.len()],
    pub total: String,
    /// Closing only: the count was entered, the difference is shown, Enter closes.
    pub confirm: bool,
    /// Closing only: the cash the shift should hold, read when the count is checked.
    pub expected: Decimal,
}

impl CountState {
    pub fn rows() -> usize {
        DENOMINATIONS.len() + 1
    }
    /// The count as (denomination, number); a typed total counts as one "denomination" of that amount.
    pub fn counted(&self) -> Vec<(Decimal, u32)> {
        match crate::domain::money::parse_human_amount(&self.total) {
            Ok(t) if !self.total.trim().is_empty() => vec![(t, 1)],
            _ => DENOMINATIONS
                .iter()
                .zip(self.counts)
                .map(|(d, n)| (*d, n))
                .collect(),
        }
    }
    pub fn total(&self) -> Decimal {
        crate::storage::shifts::count_total(&self.counted())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Search,
    Basket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Quantity,
    Discount,
    Price,
    /// Weight of a product sold by kg/l, before its line is added (index into the catalogue).
    Weight(usize),
}

pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
}

#[derive(Default)]
pub struct SaleState {
    pub input: Input,
    pub sel: usize,
    pub focus: Focus,
    pub line: usize,
    pub prompt: Option<Prompt>,
}

pub struct PayState {
    pub method: PaymentMethod,
    pub amount: Input,
    pub reference: Input,
    pub on_reference: bool,
    pub payments: Vec<PaymentDraft>,
}

impl Default for PayState {
    fn default() -> Self {
        PayState {
            method: PaymentMethod::Cash,
            amount: Input::default(),
            reference: Input::default(),
            on_reference: false,
            payments: Vec::new(),
        }
    }
}

#[derive(Default)]
pub struct HistoryState {
    pub tickets: Vec<TicketSummary>,
    pub sel: usize,
    /// What a 2D scanner is typing (a receipt's QR payload), read on Enter.
    pub scan: String,
}

pub struct TicketState {
    pub ticket: Ticket,
    pub sel: usize,
    /// Lines chosen for a refund (space toggles); refunds the whole remaining quantity of each.
    pub marked: Vec<bool>,
    /// The quantity of each line already refunded by earlier refund tickets.
    pub refunded: Vec<Decimal>,
    /// How a refund is paid back: the sale's own method when it was paid one way, else cash; `m` changes it.
    pub refund_method: crate::domain::PaymentMethod,
    pub back: HistoryState,
    /// Opened by scanning its receipt: whether the receipt matches the journal, and what differs.
    pub verdict: Option<Verdict>,
    /// Opened from the sale screen (a scan): Esc goes back to the basket.
    pub from_sale: bool,
    /// What a 2D scanner is typing on this screen (another receipt), read on Enter.
    pub scan: String,
}

/// A scanned receipt checked against the journal (`souk check`, at the till).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub conforme: bool,
    /// What was checked, or what differs.
    pub details: Vec<String>,
}

pub struct ReportState {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: u16,
    /// Where Esc leads: back to the sale, or to the login after a Z report.
    pub logout_after: bool,
    /// Opened from the reports menu: Esc goes back to it.
    pub from_menu: bool,
    /// The document F2 prints through the templates at the printer's width.
    pub paper: Option<crate::documents::paper::Paper>,
}

/// The reports menu (F10): what this person may see, one line each.
#[derive(Default)]
pub struct MenuState {
    pub sel: usize,
}

/// A phase's settlement at the till: one row per exhibitor, statements printed one by one.
pub struct SettleState {
    /// Every phase of the market; ←/→ move between them.
    pub phases: Vec<u32>,
    pub phase: usize,
    pub report: Option<crate::report::SettlementReport>,
    pub sel: usize,
}

/// The organiser's view of the market's tills: what was merged from each, when, and their gaps.
pub struct TillsState {
    pub rows: Vec<crate::sync::TillMergeStatus>,
    pub sel: usize,
}

pub struct CoopState {
    /// Local `YYYY-MM-DD` (as stored); shown as JJ/MM/AAAA.
    pub date: String,
    pub rows: Vec<DaySums>,
    /// Exhibitors' names by code, shown when the width allows.
    pub names: std::collections::HashMap<String, String>,
    /// Distinct sale tickets of the day at this till (a ticket of three exhibitors counts once).
    pub tickets: u64,
    pub sel: usize,
}

pub struct LockState {
    pub prev: Box<Screen>,
    pub pin: String,
    pub msg: Option<String>,
}

/// Modal layers over the current screen.
pub enum Overlay {
    Help,
    ConfirmQuit,
    ConfirmAbandon,
    Approval(ApprovalState),
}

/// What a supervisor's PIN unlocks; it serves this one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    PriceOverride {
        line: usize,
        price: Decimal,
    },
    /// A line discount above the configured share of the line.
    Discount {
        line: usize,
        amount: Decimal,
    },
    Refund {
        ticket: String,
        lines: Vec<(u32, Decimal)>,
        method: crate::domain::PaymentMethod,
        /// What will be paid back, shown to the supervisor before the PIN.
        amount: Decimal,
    },
    /// Opening the cash drawer without a sale (change for a neighbour, a count).
    Drawer,
    CloseShift {
        counted: Vec<(Decimal, u32)>,
    },
    Unlock {
        name: String,
    },
}

pub struct ApprovalState {
    pub pending: Pending,
    pub sel: usize,
    pub pin: String,
    pub msg: Option<String>,
}
