//! The reports menu (F10): the shift's X report, the cooperatives' takings, and for a supervisor or the
//! organiser the day over all tills, a phase's settlement, the region's phase totals and the tills' status.
use crate::documents::{paper::Paper, slips};
use crate::storage::{catalogue, reports};
use crate::tui::app::{App, MenuState, ReportState, Screen};
use crate::tui::keys::{self, Hint};
use crate::tui::widgets::{block, selected};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    X,
    Coop,
    Day,
    Settlement,
    Totals,
    Tills,
}

pub const ITEMS: [Item; 6] = [
    Item::X,
    Item::Coop,
    Item::Day,
    Item::Settlement,
    Item::Totals,
    Item::Tills,
];

impl Item {
    fn label(self) -> &'static str {
        match self {
            Item::X => "menu-x",
            Item::Coop => "menu-coop",
            Item::Day => "menu-day",
            Item::Settlement => "menu-settlement",
            Item::Totals => "menu-totals",
            Item::Tills => "menu-tills",
        }
    }
    /// Market-wide figures are for a supervisor or the organiser; a cashier sees the shift and the stall slips.
    fn allowed(self, app: &App) -> bool {
        match self {
            Item::X => app.shift.is_some(),
            Item::Coop => true,
            _ => app.user_role().can_approve(),
        }
    }
}

pub fn open(_app: &mut App) -> Screen {
    Screen::Menu(MenuState::default())
}

pub fn key(app: &mut App, mut st: MenuState, k: KeyEvent) -> Screen {
    match k.code {
        KeyCode::Esc => return app.home(),
        KeyCode::Enter => {
            let item = ITEMS[st.sel];
            return choose(app, st, item);
        }
        KeyCode::Char(c @ '1'..='6') => {
            st.sel = c as usize - '1' as usize;
            let item = ITEMS[st.sel];
            return choose(app, st, item);
        }
        _ => {
            keys::nav(&mut st.sel, ITEMS.len(), k);
        }
    }
    Screen::Menu(st)
}

fn choose(app: &mut App, st: MenuState, item: Item) -> Screen {
    if !item.allowed(app) {
        let why = if item == Item::X {
            "no-shift"
        } else {
            "menu-not-allowed"
        };
        app.error(app.tr.t(why));
        return Screen::Menu(st);
    }
    match item {
        Item::X => match super::report::x_report(app) {
            Screen::Report(mut r) => {
                r.from_menu = true;
                Screen::Report(r)
            }
            other => other,
        },
        Item::Coop => super::coop::open(app),
        Item::Day => day(app, st),
        Item::Settlement => super::settle::open(app),
        Item::Totals => totals(app, st),
        Item::Tills => super::tills::open(app),
    }
}

/// A report shown as its paper will print it (80 mm), F2 printing it.
fn paper_screen(title: String, paper: Paper) -> Screen {
    Screen::Report(ReportState {
        title,
        lines: paper.preview(),
        scroll: 0,
        logout_after: false,
        from_menu: true,
        paper: Some(paper),
    })
}

/// Today's takings per exhibitor over every till recorded in this database (merged ones included).
fn day(app: &mut App, st: MenuState) -> Screen {
    let date = app.now().date().to_string();
    // Dated by the till's clock, like everything else it prints.
    let report = reports::day_report(app.db.conn(), &date, None).map(|mut r| {
        r.generated_at = app.now().display_iso();
        r
    });
    match report {
        Ok(r) => paper_screen(
            app.tr
                .a("menu-day-title", &[("date", &super::coop::fr_date(&date))]),
            slips::day_slip(&r),
        ),
        Err(e) => {
            app.fail(e);
            Screen::Menu(st)
        }
    }
}

/// The phase of today, or else the last one that started.
pub fn current_phase(app: &App) -> Option<u32> {
    let today = app.now().date();
    let phases = catalogue::phases(app.db.conn()).ok()?;
    phases
        .iter()
        .find(|p| p.contains(today))
        .or_else(|| phases.iter().rfind(|p| p.starts <= today))
        .or(phases.first())
        .map(|p| p.number)
}

fn totals(app: &mut App, st: MenuState) -> Screen {
    let Some(n) = current_phase(app) else {
        app.error(app.tr.t("menu-no-phase"));
        return Screen::Menu(st);
    };
    let totals = reports::phase_totals(app.db.conn(), n).map(|mut p| {
        if p.phase.closed_at.is_none() {
            p.generated_at = app.now().display_iso();
        }
        p
    });
    match totals {
        Ok(p) => paper_screen(
            app.tr.a("menu-totals-title", &[("n", &n.to_string())]),
            slips::phase_totals(&p),
        ),
        Err(e) => {
            app.fail(e);
            Screen::Menu(st)
        }
    }
}

pub fn hints(_st: &MenuState) -> Vec<Hint> {
    vec![
        ("key-arrows", "hint-choose-row"),
        ("key-enter", "hint-open-report"),
        ("1-6", "hint-open-report"),
        ("key-esc", "hint-back"),
        ("F1", "hint-help"),
    ]
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, st: &MenuState) {
    let items: Vec<ListItem> = ITEMS
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = format!("{}  {}", i + 1, app.tr.t(item.label()));
            let line = if item.allowed(app) {
                Line::from(text)
            } else {
                Line::from(text).style(Style::new().dim())
            };
            ListItem::new(line)
        })
        .collect();
    let mut ls = ListState::default().with_selected(Some(st.sel));
    f.render_stateful_widget(
        List::new(items)
            .block(block(app.tr.t("menu-title")))
            .highlight_style(selected()),
        area,
        &mut ls,
    );
}
