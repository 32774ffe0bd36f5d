//! Reading a PIN: from the terminal without echo, or from SOUK_PIN when there is no terminal.
use anyhow::{Result, bail};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;
use std::io::{IsTerminal, Write};

pub fn read_pin(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return match std::env::var("SOUK_PIN") {
            Ok(p) if !p.is_empty() => Ok(p),
            _ => bail!("pas de terminal pour saisir le code : donnez-le dans la variable SOUK_PIN"),
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
