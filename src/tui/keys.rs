//! Key helpers shared by the screens: text fields, digits, and the key hints each screen lists.
use ratatui::crossterm::event::{Event as CtEvent, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// One key and what it does on the current screen: (key label id or literal, message id).
pub type Hint = (&'static str, &'static str);

/// Feeds a key to a text field; returns whether the text changed.
pub fn edit(input: &mut Input, k: KeyEvent) -> bool {
    input
        .handle_event(&CtEvent::Key(k))
        .is_some_and(|c| c.value)
}

/// Typing a PIN: digits only, at most 8.
pub fn pin_key(pin: &mut String, k: KeyEvent) {
    match k.code {
        KeyCode::Char(c) if c.is_ascii_digit() && pin.len() < 8 => pin.push(c),
        KeyCode::Backspace => {
            pin.pop();
        }
        _ => {}
    }
}

/// Moves a selection within `len` items.
pub fn nav(sel: &mut usize, len: usize, k: KeyEvent) -> bool {
    match k.code {
        KeyCode::Up => *sel = sel.saturating_sub(1),
        KeyCode::Down => *sel = (*sel + 1).min(len.saturating_sub(1)),
        KeyCode::PageUp => *sel = sel.saturating_sub(10),
        KeyCode::PageDown => *sel = (*sel + 10).min(len.saturating_sub(1)),
        KeyCode::Home => *sel = 0,
        KeyCode::End => *sel = len.saturating_sub(1),
        _ => return false,
    }
    true
}
