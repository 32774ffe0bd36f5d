//! A receipt's QR scanned at the till: a 2D scanner types `SOUK1|T01-000042|1a2b3c4d|182.50` then Enter.
//! The payload is checked against the journal here, in `update` (drawing runs no query), and opens that
//! ticket marked conforme or not; it never becomes a basket line.
use crate::storage::tickets::load_ticket;
use crate::storage::witness::{self, Outcome, Witness};
use crate::tui::app::{App, HistoryState, Screen, TicketState, Verdict};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const PREFIX: &str = "SOUK1|";

/// The text is a receipt's QR payload (at least its `SOUK1|` start).
pub fn is_witness(text: &str) -> bool {
    text.trim_start()
        .get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
}

/// The text could still become a payload as more keys come (`S`, `SOU`, `souk1|T0`…).
fn may_become(text: &str) -> bool {
    let n = text.len().min(PREFIX.len());
    text.get(..n)
        .is_some_and(|p| p.eq_ignore_ascii_case(&PREFIX[..n]))
}

/// What a key does to a screen's scan buffer (screens without a text field: history, ticket).
pub enum Scanned {
    /// Not part of a payload: the screen handles the key itself.
    NotMine,
    /// Taken into the buffer.
    Typing,
    /// Enter after a payload: check it.
    Submit(String),
}

pub fn buffer_key(app: &mut App, buf: &mut String, k: KeyEvent) -> Scanned {
    let plain = !k
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    let taken = match k.code {
        KeyCode::Char(c) if plain => {
            buf.push(c);
            if !may_become(buf) {
                buf.clear();
                return Scanned::NotMine;
            }
            true
        }
        KeyCode::Backspace if !buf.is_empty() => {
            buf.pop();
            true
        }
        KeyCode::Esc if !buf.is_empty() => {
            buf.clear();
            true
        }
        KeyCode::Enter if !buf.is_empty() => return Scanned::Submit(std::mem::take(buf)),
        _ => false,
    };
    if !taken {
        return Scanned::NotMine;
    }
    if !buf.is_empty() {
        app.info(app.tr.a("scan-reading", &[("text", buf)]));
    }
    Scanned::Typing
}

/// The scanned receipt's ticket marked conforme or not, over the shift's history; `None` (the reason in the
/// message line) when the payload cannot be read or the ticket is unknown to this till's database.
pub fn open(app: &mut App, text: &str, from_sale: bool) -> Option<Screen> {
    let w = match witness::parse(text) {
        Ok(w @ Witness::Receipt { .. }) => w,
        Ok(Witness::Head(_)) => return None,
        Err(e) => {
            app.error(app.tr.a("scan-unreadable", &[("error", &format!("{e:#}"))]));
            return None;
        }
    };
    let Witness::Receipt { ticket, .. } = &w else {
        return None;
    };
    let found = load_ticket(app.db.conn(), ticket);
    let t = match found {
        Ok(Some(t)) => t,
        Ok(None) => {
            let paper = ticket.starts_with(&format!("{}-", crate::storage::ORG_CHAIN));
            let key = if paper {
                "scan-unknown-paper"
            } else {
                "scan-unknown"
            };
            app.error(app.tr.a(key, &[("id", ticket)]));
            return None;
        }
        Err(e) => {
            app.fail(e);
            return None;
        }
    };
    let outcome = match witness::check(app.db.conn(), &w) {
        Ok(o) => o,
        Err(e) => {
            app.fail(e);
            return None;
        }
    };
    let back = match super::history::open(app) {
        Screen::History(h) => h,
        _ => HistoryState::default(),
    };
    let mut st: TicketState = super::ticket::state(app, t, back);
    st.verdict = Some(verdict(outcome));
    st.from_sale = from_sale;
    Some(Screen::Ticket(st))
}

/// The check's lines without their `conforme :` / `non conforme : ticket …` heading (the banner says it).
fn verdict(o: Outcome) -> Verdict {
    let details = if o.conforme {
        o.lines
            .iter()
            .map(|l| l.strip_prefix("conforme : ").unwrap_or(l).to_string())
            .collect()
    } else {
        o.lines.iter().skip(1).cloned().collect()
    };
    Verdict {
        conforme: o.conforme,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_a_payload_by_its_start() {
        assert!(is_witness("SOUK1|T01-000042|1a2b3c4d|182.50"));
        assert!(is_witness("souk1|"));
        assert!(!is_witness("SOUK1"));
        assert!(!is_witness("6111234500031"));
        assert!(!is_witness("ذذذذذذذ"));
        assert!(may_become("sou"));
        assert!(may_become("SOUK1|T0"));
        assert!(!may_become("SX"));
        assert!(!may_become(" "));
    }
}
