//! `souk.toml`: which database, which till, language, idle lock, printer. Every key has a default.
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database: PathBuf,
    /// The till this laptop sells under. Optional: a till's database knows its own id (it was provisioned with
    /// `souk backup --out FILE --till ID`); when given, it must be that id, or the till refuses to open.
    pub till: Option<String>,
    pub language: String,
    pub idle_lock_minutes: u32,
    /// A line discount above this percentage of the line needs a supervisor's PIN (100 = never asked).
    pub discount_approval_percent: u32,
    /// Where the file printer writes its jobs (raw ESC/POS + text).
    pub printer_dir: PathBuf,
    /// Printer section, read by the printing module (driver, profile, port…).
    pub printer: toml::Table,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: PathBuf::from("souk.db"),
            till: None,
            language: "fr".into(),
            idle_lock_minutes: 5,
            discount_approval_percent: 10,
            printer_dir: PathBuf::from("imprimante"),
            printer: toml::Table::new(),
        }
    }
}

impl Config {
    /// Reads the file if given (an error if it is missing), else `souk.toml` if present, else defaults.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("souk.toml"), false),
        };
        if !path.exists() {
            if required {
                anyhow::bail!("fichier de configuration introuvable : {}", path.display());
            }
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("lecture de {}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{} : {}", path.display(), e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let c: Config = toml::from_str(include_str!("../config/souk.toml")).unwrap();
        assert_eq!(c.till, None);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("tll = \"T01\"").is_err());
    }
}
