//! The start screen of a laptop whose database has no identity: « Ce poste n'a pas encore d'identité ». An
//! organiser types which till it is and their PIN; the database becomes that till (its own key, journalled) and
//! the till opens. Its own small state, `update` and pure `draw`, run before the till's `App` exists.
use crate::domain::catalogue::Till;
use crate::i18n::I18n;
use crate::storage::identify::{Identified, organisers, till_problem};
use crate::storage::people::{LOCK_AFTER, PinCheck};
use crate::storage::{Clock, Db, LocalTime, catalogue};
use anyhow::Result;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Till,
    Organiser,
    Pin,
}

pub struct IdentifyState {
    pub db: Db,
    pub tr: I18n,
    pub market: String,
    pub tills: Vec<Till>,
    pub organisers: Vec<String>,
    pub field: Field,
    pub till: String,
    pub organiser: usize,
    pub pin: String,
    pub msg: Option<String>,
    /// After repeated wrong PINs, that organiser's next try waits (as at login).
    pub wait_until: HashMap<String, Instant>,
    /// Fixed time for tests and snapshots; `None` = the clock.
    pub fixed_now: Option<LocalTime>,
}

/// What a key leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Stay,
    /// Leave without an identity: nothing was changed.
    Quit,
    /// The database is now this till's.
    Done(String),
}

impl IdentifyState {
    /// `requested`: the till named by `--till` or the configuration, offered in the field.
    pub fn new(db: Db, language: &str, requested: Option<&str>) -> Result<IdentifyState> {
        Ok(IdentifyState {
            tr: I18n::new(language),
            market: catalogue::market(db.conn())?.name,
            tills: catalogue::tills(db.conn())?,
            organisers: organisers(db.conn())?,
            field: Field::Till,
            till: requested.unwrap_or_default().to_uppercase(),
            organiser: 0,
            pin: String::new(),
            msg: None,
            wait_until: HashMap::new(),
            fixed_now: None,
            db,
        })
    }

    fn now(&self) -> Result<LocalTime> {
        match &self.fixed_now {
            Some(t) => Ok(t.clone()),
            None => Clock::market()?.now(),
        }
    }
}

pub fn update(st: &mut IdentifyState, k: KeyEvent) -> Effect {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(k.code, KeyCode::Char('q' | 'c')) {
        return Effect::Quit;
    }
    match (st.field, k.code) {
        (Field::Till, KeyCode::Enter | KeyCode::Tab) => check_till(st),
        (Field::Till, KeyCode::Backspace) => {
            st.till.pop();
        }
        (Field::Till, KeyCode::Char(c)) if c.is_ascii_alphanumeric() || c == '_' => {
            if st.till.len() < 16 {
                st.till.push(c.to_ascii_uppercase());
            }
            st.msg = None;
        }
        (Field::Organiser, KeyCode::Up) => st.organiser = st.organiser.saturating_sub(1),
        (Field::Organiser, KeyCode::Down) => {
            st.organiser = (st.organiser + 1).min(st.organisers.len().saturating_sub(1))
        }
        (Field::Organiser, KeyCode::Enter | KeyCode::Tab) => st.field = Field::Pin,
        (Field::Organiser | Field::Pin, KeyCode::BackTab | KeyCode::Esc) => {
            st.pin.clear();
            st.field = if st.field == Field::Pin {
                Field::Organiser
            } else {
                Field::Till
            };
        }
        (Field::Pin, KeyCode::Enter) => return submit(st),
        (Field::Pin, _) => crate::tui::keys::pin_key(&mut st.pin, k),
        _ => {}
    }
    Effect::Stay
}

fn check_till(st: &mut IdentifyState) {
    match till_problem(st.db.conn(), st.till.trim()) {
        Ok(None) => {
            st.msg = None;
            st.field = Field::Organiser;
        }
        Ok(Some(why)) => st.msg = Some(why),
        Err(e) => st.msg = Some(explain(st, &e)),
    }
}

fn explain(st: &IdentifyState, e: &anyhow::Error) -> String {
    crate::files::explain::explain(e, &[st.db.path()]).unwrap_or_else(|| st.tr.explain(e))
}

fn submit(st: &mut IdentifyState) -> Effect {
    let Some(name) = st.organisers.get(st.organiser).cloned() else {
        st.msg = Some(st.tr.t("identify-no-organiser"));
        return Effect::Stay;
    };
    if let Some(&until) = st.wait_until.get(&name)
        && Instant::now() < until
    {
        let secs = (until - Instant::now()).as_secs() + 1;
        st.msg = Some(st.tr.a("login-wait", &[("secs", &secs.to_string())]));
        return Effect::Stay;
    }
    let pin = std::mem::take(&mut st.pin);
    let till = st.till.trim().to_string();
    let outcome = st
        .now()
        .and_then(|now| st.db.identify_as_till(&till, &name, &pin, &now));
    match outcome {
        Ok(Identified::Done(till)) => return Effect::Done(till),
        Ok(Identified::Refused(why)) => st.msg = Some(why),
        Ok(Identified::Pin(PinCheck::Wrong {
            failures,
            wait_secs,
        })) => {
            let left = LOCK_AFTER.saturating_sub(failures).to_string();
            let mut msg = st.tr.a("login-wrong", &[("left", &left)]);
            if wait_secs > 0 {
                st.wait_until
                    .insert(name, Instant::now() + Duration::from_secs(wait_secs));
                msg.push_str(" — ");
                msg.push_str(&st.tr.a("login-wait", &[("secs", &wait_secs.to_string())]));
            }
            st.msg = Some(msg);
        }
        Ok(Identified::Pin(_)) => st.msg = Some(st.tr.t("login-locked")),
        Err(e) => st.msg = Some(explain(st, &e)),
    }
    Effect::Stay
}

pub fn draw(f: &mut Frame, st: &IdentifyState) {
    let area = crate::tui::widgets::centered(f.area(), 76, 20);
    let b = crate::tui::widgets::block(st.tr.t("identify-title"));
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [intro, tills, till, organisers, pin, msg, hints] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(2),
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(inner);
    let intro_text = format!(
        "{}\n{}",
        st.tr.a("identify-market", &[("market", &st.market)]),
        st.tr.t("identify-intro")
    );
    f.render_widget(Paragraph::new(intro_text).wrap(Wrap { trim: true }), intro);
    let ids: Vec<&str> = st.tills.iter().map(|t| t.id.as_str()).collect();
    f.render_widget(
        Paragraph::new(st.tr.a("identify-tills", &[("tills", &ids.join(", "))]))
            .wrap(Wrap { trim: true })
            .style(Style::new().dim()),
        tills,
    );
    let cursor = |on: bool| if on { "▏" } else { "" };
    f.render_widget(
        Paragraph::new(field_line(
            &st.tr.t("identify-till"),
            format!("{}{}", st.till, cursor(st.field == Field::Till)),
            st.field == Field::Till,
        )),
        till,
    );
    let mut lines = Vec::new();
    for (i, name) in st.organisers.iter().enumerate() {
        let label = if i == 0 {
            st.tr.t("identify-organiser")
        } else {
            String::new()
        };
        let mark = if i == st.organiser { "▶ " } else { "  " };
        lines.push(field_line(
            &label,
            format!("{mark}{name}"),
            st.field == Field::Organiser && i == st.organiser,
        ));
    }
    f.render_widget(Paragraph::new(lines), organisers);
    f.render_widget(
        Paragraph::new(field_line(
            &st.tr.t("identify-pin"),
            format!(
                "{}{}",
                "•".repeat(st.pin.len()),
                cursor(st.field == Field::Pin)
            ),
            st.field == Field::Pin,
        )),
        pin,
    );
    if let Some(m) = &st.msg {
        f.render_widget(
            Paragraph::new(m.as_str())
                .wrap(Wrap { trim: true })
                .style(Style::new().red().bold()),
            msg,
        );
    }
    let keys: Vec<Span> = [
        (st.tr.t("key-tab"), st.tr.t("hint-next-field")),
        (st.tr.t("key-enter"), st.tr.t("hint-identify")),
        ("Ctrl+Q".to_string(), st.tr.t("hint-quit")),
    ]
    .into_iter()
    .flat_map(|(k, w)| {
        [
            Span::raw(format!(" {k} ")).reversed(),
            Span::raw(format!(" {w} ")),
        ]
    })
    .collect();
    f.render_widget(Paragraph::new(Line::from(keys)), hints);
}

fn field_line(label: &str, value: String, focused: bool) -> Line<'static> {
    let value = if focused {
        Span::styled(value, Style::new().bold())
    } else {
        Span::raw(value)
    };
    Line::from(vec![Span::raw(format!("{label:<16}")), value])
}
