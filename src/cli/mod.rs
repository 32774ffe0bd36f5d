//! Dispatch of the command line. Exit 0 ok, 1 error (one-line reason first on stderr), 2 usage.
pub mod args;
mod phase;
mod pin;
mod report;
mod setup;
mod tills;

use crate::config::Config;
use crate::storage::Db;
use anyhow::Result;
use args::{Cli, Command};
use clap::Parser;
use std::path::PathBuf;

/// Who is named in the journal for command-line actions.
pub fn cli_actor() -> String {
    std::env::var("SOUK_USER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "organisateur (ligne de commande)".into())
}

pub fn main() -> i32 {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            let text = format!("{e:#}");
            let mut lines = text.lines();
            eprintln!("souk : {}", lines.next().unwrap_or("erreur"));
            for l in lines {
                eprintln!("  {l}");
            }
            1
        }
    }
}

pub struct Ctx {
    pub config: Config,
    pub db_path: PathBuf,
}

impl Ctx {
    pub fn open(&self) -> Result<Db> {
        Db::open(&self.db_path)
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(t) = cli.till {
        config.till = Some(t);
    }
    if let Some(d) = cli.printer_dir {
        config.printer_dir = d;
    }
    let db_path = cli.db.clone().unwrap_or_else(|| config.database.clone());
    let ctx = Ctx { config, db_path };
    match cli.command {
        None => setup::open_till(&ctx, None),
        Some(Command::Demo(a)) => setup::demo(&ctx, &a, cli.db.is_some()),
        Some(Command::Init(a)) => setup::init(&ctx, &a),
        Some(Command::Import { kind, file }) => setup::import(&ctx, kind, &file),
        Some(Command::Verify) => setup::verify(&ctx),
        Some(Command::Backup { out, provision }) => setup::backup(&ctx, &out, provision.as_deref()),
        Some(Command::People(cmd)) => setup::people(&ctx, cmd),
        Some(Command::Report(cmd)) => report::report(&ctx, cmd),
        Some(Command::Phase {
            action,
            number,
            by,
            force,
        }) => phase::phase(&ctx, action, number, by, force),
        Some(Command::Export {
            out,
            only_till,
            since_last,
        }) => tills::export(&ctx, &out, only_till.as_deref(), since_last),
        Some(Command::Merge { files }) => tills::merge(&ctx, &files),
        Some(Command::Receipt { ticket, out, text }) => {
            tills::receipt(&ctx, &ticket, out.as_deref(), text)
        }
        Some(Command::Printer { action, job }) => tills::printer(&ctx, action, job),
    }
}
