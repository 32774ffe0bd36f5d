//! `souk push` and `souk region init|report`: the region's PostgreSQL server.
use super::Ctx;
use super::args::RegionCmd;
use crate::region::{self, RegionFilter};
use crate::report::{self, Format};
use anyhow::{Result, anyhow, bail};
use std::io::{IsTerminal, Write};

/// The URL from the option, else `SOUK_PUSH_URL`.
fn url(given: Option<String>, option: &str) -> Result<String> {
    given
        .or_else(|| {
            std::env::var("SOUK_PUSH_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .ok_or_else(|| {
            anyhow!("{option} postgresql://utilisateur@hôte/base manquant (ou SOUK_PUSH_URL)")
        })
}

pub fn push(ctx: &Ctx, to: Option<String>) -> Result<()> {
    let url = url(to, "--to")?;
    let db = ctx.open_read()?;
    let tty = std::io::stderr().is_terminal();
    let mut progress = |chain: &str, done: u64, total: u64| {
        if tty {
            let width = 30;
            let filled = (done * width / total.max(1)) as usize;
            eprint!(
                "\r{chain} [{}{}] {done}/{total} entrées",
                "#".repeat(filled),
                " ".repeat(width as usize - filled)
            );
            if done == total {
                eprintln!();
            }
        }
    };
    let s = region::push(&db, &url, &mut progress)?;
    if s.sent.is_empty() && s.keys.is_empty() {
        println!("marché {} : le serveur avait déjà tout", s.market);
    }
    for (chain, from, replaced) in &s.keys {
        if *replaced {
            println!(
                "{chain} : clé de signature remplacée à partir de l'entrée n°{from} (caisse préparée une nouvelle fois \
                 avant d'avoir vendu)"
            );
        } else {
            println!("{chain} : clé de signature enregistrée à partir de l'entrée n°{from}");
        }
    }
    for (chain, entries, tickets) in &s.sent {
        println!("{chain} : {entries} entrée(s), {tickets} ticket(s) envoyés");
    }
    for why in &s.refused {
        eprintln!("refusé : {why}");
    }
    if !s.refused.is_empty() {
        bail!(
            "{} journal(aux) refusé(s) par les contrôles (noté(s) dans la table refused du serveur) ; le reste est envoyé",
            s.refused.len()
        );
    }
    Ok(())
}

pub fn region(cmd: RegionCmd) -> Result<()> {
    match cmd {
        RegionCmd::Init { to } => {
            let mut client = region::connect(&url(to, "--to")?)?;
            let v = region::init(&mut client)?;
            println!("schéma souk du serveur : version {v}");
            Ok(())
        }
        RegionCmd::Report {
            from,
            year,
            market,
            phase,
            complement,
            format,
        } => {
            let f: Format = format.parse()?;
            if f == Format::Pdf {
                bail!("--format {format} : le rapport régional s'écrit en text, csv ou xlsx");
            }
            let mut client = region::connect(&url(from, "--from")?)?;
            let bytes = match (phase, &market) {
                (Some(n), Some(m)) => {
                    let s = if complement {
                        region::complement_settlement(&mut client, m, n)?
                    } else {
                        region::phase_settlement(&mut client, m, n)?
                    };
                    report::render_settlement(&s, f)?
                }
                _ => {
                    let filter = RegionFilter { year, market };
                    region::render(&region::region_report(&mut client, &filter)?, f)?
                }
            };
            std::io::stdout().write_all(&bytes)?;
            Ok(())
        }
    }
}
