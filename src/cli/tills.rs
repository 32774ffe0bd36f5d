//! `souk export`, `souk merge`, `souk receipt`, `souk printer`: moving and printing what the tills recorded.
use super::Ctx;
use super::args::PrinterAction;
use super::setup::printer_config;
use crate::print::{self, Templates, TestPage};
use crate::storage::journal::NewEntry;
use crate::storage::{Clock, ORG_CHAIN};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

pub fn export(ctx: &Ctx, out: &Path, till: Option<&str>, since_last: bool) -> Result<()> {
    let db = ctx.open()?;
    let s = crate::sync::export(&db, out, till, since_last)?;
    println!(
        "lot écrit dans {} : {} entrées du journal, {} tickets, {} octets, empreinte {}",
        s.file.display(),
        s.entries,
        s.tickets,
        s.bytes,
        &s.sha[..16]
    );
    Ok(())
}

pub fn merge(ctx: &Ctx, files: &[PathBuf]) -> Result<()> {
    let mut db = ctx.open()?;
    let s = crate::sync::merge(&mut db, files)?;
    for b in &s.bundles {
        println!(
            "{} : {} tickets et {} entrées nouveaux, {} déjà présents",
            b.file.display(),
            b.new_tickets,
            b.new_entries,
            b.skipped_entries
        );
    }
    println!("fusion terminée : {} tickets ajoutés", s.new_tickets());
    Ok(())
}

/// Reprints a ticket ("DUPLICATA", journalled), or writes its bytes or text to a file.
pub fn receipt(ctx: &Ctx, ticket: &str, out: Option<&Path>, text: bool) -> Result<()> {
    let mut db = ctx.open()?;
    let config = printer_config(ctx)?;
    let profile = config.load_profile()?.without_drawer();
    let templates = templates();
    let receipt = crate::documents::sale_receipt(db.conn(), ticket, true)?;
    let rendered = print::render(&receipt, &profile, &templates)?;
    match out {
        Some(path) => {
            let bytes = if text {
                rendered.text.into_bytes()
            } else {
                rendered.bytes
            };
            std::fs::write(path, bytes)
                .map_err(|e| anyhow::anyhow!("{} : écriture impossible ({e})", path.display()))?;
            eprintln!("ticket {ticket} écrit dans {}", path.display());
        }
        None if text => print!("{}", rendered.text),
        None => {
            let mut driver = print::open_driver(&config)?;
            driver.write_all(&rendered.bytes)?;
            let at = Clock::market()?.now()?;
            let actor = super::cli_actor();
            db.journal_event(
                &at,
                &NewEntry {
                    chain: ORG_CHAIN,
                    kind: "reprint",
                    actor: &actor,
                    subject: ticket,
                    ..Default::default()
                },
            )?;
            println!("ticket {ticket} réimprimé (DUPLICATA)");
        }
    }
    Ok(())
}

fn templates() -> Templates {
    if Path::new("receipts").is_dir() {
        Templates::from_dir("receipts")
    } else {
        Templates::embedded()
    }
}

pub fn printer(ctx: &Ctx, action: PrinterAction) -> Result<()> {
    let config = printer_config(ctx)?;
    let mut driver = print::open_driver(&config)?;
    match action {
        PrinterAction::Status => {
            let status = driver.status()?;
            println!("imprimante ({:?}) : {}", config.driver, status.label());
            if matches!(
                status,
                print::PrinterStatus::PaperOut
                    | print::PrinterStatus::CoverOpen
                    | print::PrinterStatus::Offline
            ) {
                bail!("imprimante non prête : {}", status.label());
            }
        }
        PrinterAction::Test => {
            let market = ctx
                .open()
                .ok()
                .and_then(|db| crate::documents::market_info(db.conn()).ok());
            let page = TestPage {
                market,
                printed_at: Clock::market()?.now()?.display(),
                duplicate: false,
            };
            let rendered = print::render_test_page(&page, &config.load_profile()?, &templates())?;
            driver.write_all(&rendered.bytes)?;
            println!("page de test envoyée ({} octets)", rendered.bytes.len());
        }
    }
    Ok(())
}
