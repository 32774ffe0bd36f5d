//! Temporary till binary until `souk` (src/main.rs) calls `souk::tui::run` with the same flags.
use anyhow::Result;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "souk: the till (cashier screen)")]
struct Args {
    /// Market database
    #[arg(long)]
    db: PathBuf,
    /// This till's id in the market
    #[arg(long, default_value = "T01")]
    till: String,
    /// Directory where receipts and reports are written as text files
    #[arg(long, default_value = "receipts-out")]
    printer_dir: PathBuf,
    /// Language of the screens: fr or en
    #[arg(long, default_value = "fr")]
    lang: String,
    /// Lock the screen after this many idle minutes (0 = never)
    #[arg(long, default_value_t = 5)]
    idle_lock: u32,
}

fn main() -> Result<()> {
    let a = Args::parse();
    let db = souk::storage::Db::open(&a.db)?;
    let config = souk::tui::TillConfig {
        till_id: a.till,
        printer: Box::new(souk::tui::FileSink::new(a.printer_dir, &a.lang)),
        language: a.lang,
        idle_lock_minutes: a.idle_lock,
    };
    souk::tui::run(db, config)
}
