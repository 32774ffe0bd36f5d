//! `souk export`, `souk merge`, `souk receipt`, `souk printer`: moving and printing what the tills recorded.
use super::Ctx;
use super::args::PrinterAction;
use super::setup::printer_config;
use crate::print::{self, Templates, TestPage};
use crate::storage::journal::NewEntry;
use crate::storage::{Clock, ORG_CHAIN};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

pub fn export(
    ctx: &Ctx,
    out: &Path,
    till: Option<&str>,
    since_last: bool,
    force: bool,
) -> Result<()> {
    let db = ctx.open()?;
    let s = crate::sync::export_with(&db, out, till, since_last, &ctx.out_rules(force))?;
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
pub fn receipt(ctx: &Ctx, ticket: &str, out: Option<&Path>, text: bool, force: bool) -> Result<()> {
    // Only a reprint on the printer is journalled: writing the bytes or the text reads the database only.
    let mut db = if out.is_some() || text {
        ctx.open_read()?
    } else {
        ctx.open()?
    };
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
            crate::files::write_atomic(path, &bytes, &ctx.out_rules(force))?;
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

pub fn printer(ctx: &Ctx, action: PrinterAction, job: Option<i64>) -> Result<()> {
    match action {
        PrinterAction::Retry => retry(ctx, job),
        PrinterAction::Status => status(ctx),
        PrinterAction::Test => test_page(ctx),
    }
}

/// Puts a failed job back in the queue; the till prints it at its next start.
fn retry(ctx: &Ctx, job: Option<i64>) -> Result<()> {
    let Some(job) = job else {
        bail!("souk printer retry N : donnez le numéro du travail (voir « souk printer status »)");
    };
    let db = ctx.open()?;
    if !print::queue::retry(db.conn(), job)? {
        bail!(
            "travail n° {job} : rien à remettre dans la file (inconnu, pas en échec, ou jamais mis en page : \
             réimprimez le ticket avec « souk receipt »)"
        );
    }
    println!(
        "travail n° {job} remis dans la file : il s'imprimera à la prochaine ouverture de la caisse"
    );
    Ok(())
}

/// The printer's real-time state (DLE EOT where it answers) and the queue: waiting and failed jobs.
fn status(ctx: &Ctx) -> Result<()> {
    let config = printer_config(ctx)?;
    let status = print::open_driver(&config)?.status()?;
    println!("imprimante ({:?}) : {}", config.driver, status.label());
    // The queue is in the market database; without one (a bare printer check) there is nothing to list.
    if let Ok(db) = ctx.open_read() {
        println!("{}", print::queue::summary(db.conn())?);
    }
    if matches!(
        status,
        print::PrinterStatus::PaperOut
            | print::PrinterStatus::CoverOpen
            | print::PrinterStatus::Offline
    ) {
        bail!("imprimante non prête : {}", status.label());
    }
    Ok(())
}

fn test_page(ctx: &Ctx) -> Result<()> {
    let config = printer_config(ctx)?;
    let mut driver = print::open_driver(&config)?;
    let market = ctx
        .open_read()
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
    Ok(())
}
