//! Reading a PIN: from the terminal without echo, or from SOUK_PIN when there is no terminal.
use anyhow::{Result, bail};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;
use std::io::{IsTerminal, Write};

pub fn read_pin(prompt: &str) -> Result<String> {
    read_pin_or_env(prompt, &["SOUK_PIN"])
}

/// The PIN of the person who authorises (`--by`): SOUK_BY_PIN without a terminal (SOUK_PIN then holds the
/// PIN being set, for `people add`).
pub fn read_by_pin(prompt: &str, also_souk_pin: bool) -> Result<String> {
    let vars: &[&str] = if also_souk_pin {
        &["SOUK_BY_PIN", "SOUK_PIN"]
    } else {
        &["SOUK_BY_PIN"]
    };
    read_pin_or_env(prompt, vars)
}

fn read_pin_or_env(prompt: &str, vars: &[&str]) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return match vars
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|p| !p.is_empty()))
        {
            Some(p) => Ok(p),
            None => bail!(
                "pas de terminal pour saisir le code : donnez-le dans la variable {}",
                vars[0]
            ),
        };
    }
    eprint!("{prompt} : ");
    std::io::stderr().flush().ok();
    terminal::enable_raw_mode()?;
    let typed = read_masked();
    terminal::disable_raw_mode()?;
    eprintln!();
    typed
}

fn read_masked() -> Result<String> {
    let mut pin = String::new();
    loop {
        if let Event::Key(k) = event::read()? {
            if k.kind != KeyEventKind::Press {
                continue;
            }
            match k.code {
                KeyCode::Enter => return Ok(pin),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    bail!("saisie du code annulée")
                }
                KeyCode::Esc => bail!("saisie du code annulée"),
                KeyCode::Backspace => {
                    pin.pop();
                }
                KeyCode::Char(c) if c.is_ascii_digit() && pin.len() < 8 => {
                    pin.push(c);
                    eprint!("*");
                    std::io::stderr().flush().ok();
                }
                _ => {}
            }
        }
    }
}
