//! `souk export`, `souk merge`, `souk receipt`, `souk printer`: moving and printing what the tills recorded.
use super::Ctx;
use super::args::PrinterAction;
use super::setup::printer_config;
use crate::domain::JournalKind;
use crate::print::{self, TestPage};
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
        "lot écrit dans {} : {} du journal, {}, {} octets, empreinte {}",
        s.file.display(),
        crate::i18n::count_fr("count-entry", s.entries),
        crate::i18n::count_fr("count-ticket", s.tickets),
        s.bytes,
        &s.sha[..16]
    );
    Ok(())
}

pub fn merge(ctx: &Ctx, files: &[PathBuf]) -> Result<()> {
    let mut db = ctx.open()?;
    // Tills' sales go into this file for good: the whole file is checked first.
    db.quick_check()?;
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
    for n in &s.notes {
        println!("{n}");
    }
    println!(
        "fusion terminée : {}",
        crate::i18n::count_fr("count-new-ticket", s.new_tickets())
    );
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
    let templates = crate::documents::sink::local_templates();
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
            send(
                driver.as_mut(),
                print::Document::kind(&receipt),
                ticket,
                &rendered,
            )?;
            let at = Clock::market()?.now()?;
            let actor = super::cli_actor();
            db.journal_event(
                &at,
                &NewEntry {
                    chain: ORG_CHAIN,
                    kind: JournalKind::Reprint,
                    actor: &actor,
                    subject: ticket,
                    approver: "",
                    detail: "",
                    amount: 0,
                },
            )?;
            println!("ticket {ticket} réimprimé (DUPLICATA)");
        }
    }
    Ok(())
}

pub fn printer(ctx: &Ctx, action: PrinterAction, job: Option<String>) -> Result<()> {
    let job = job
        .map(|j| {
            j.trim().parse::<i64>().map_err(|_| {
                anyhow::anyhow!(
                    "« {j} » n'est pas un numéro de travail (voir « souk printer status »)"
                )
            })
        })
        .transpose()?;
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

/// A document straight to the printer, as one job: the file printer writes its text beside its bytes.
fn send(
    driver: &mut dyn print::PrinterDriver,
    kind: &str,
    subject: &str,
    rendered: &print::Rendered,
) -> Result<()> {
    let job = print::driver::JobRef {
        id: 0,
        kind,
        subject,
        bytes: &rendered.bytes,
        text: &rendered.text,
    };
    let sent = driver.send_job(&job);
    driver.finish();
    Ok(sent?)
}

/// The queue (waiting, sent without confirmation, failed jobs), whatever the printer does, then the printer's
/// real-time state (DLE EOT where it answers); exit 1 when the printer cannot print.
fn status(ctx: &Ctx) -> Result<()> {
    let config = printer_config(ctx)?;
    // The queue is in the market database; without one (a bare printer check) there is nothing to list.
    if ctx.db_path.exists() {
        match ctx.open_read() {
            Ok(db) => println!("{}", print::queue::summary(db.conn())?),
            Err(e) => println!("file d'impression illisible : {e:#}"),
        }
    }
    let driver = config.driver.label();
    let status = print::open_driver(&config)
        .map_err(anyhow::Error::from)
        .and_then(|mut d| Ok(d.status()?));
    match status {
        Err(e) => bail!("imprimante ({driver}) : {e}"),
        Ok(s) if s.blocks_printing() => bail!("imprimante ({driver}) non prête : {}", s.label()),
        Ok(print::PrinterStatus::Unknown) => println!(
            "imprimante ({driver}) : état inconnu (liaison sans retour d'état : les travaux envoyés ne sont pas confirmés)"
        ),
        Ok(s) => println!("imprimante ({driver}) : {}", s.label()),
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
    let rendered = print::render_test_page(
        &page,
        &config.load_profile()?,
        &crate::documents::sink::local_templates(),
    )?;
    send(driver.as_mut(), "test", "test", &rendered)?;
    println!("page de test envoyée ({} octets)", rendered.bytes.len());
    Ok(())
}
