//! `souk phase open|close N`: close needs a supervisor or organiser, named with --by, and their PIN. Before
//! closing, every till that sold in the phase must have delivered a bundle covering its end (or --force).
use super::args::PhaseAction;
use super::{Ctx, pin::read_pin, setup::supervisor};
use crate::storage::preflight::{Preflight, TillCover, preflight};
use crate::storage::{Clock, late};
use anyhow::{Result, bail};

pub fn phase(
    ctx: &Ctx,
    action: PhaseAction,
    number: u32,
    by: Option<String>,
    force: bool,
) -> Result<()> {
    let mut db = ctx.open()?;
    let at = Clock::market()?.now()?;
    match action {
        PhaseAction::Open => {
            let who = by.unwrap_or_else(super::cli_actor);
            db.open_phase(number, &who, &at)?;
            println!("phase {number} ouverte");
        }
        PhaseAction::Close => {
            let Some(by) = by else {
                bail!("--by NOM : indiquez qui clôture la phase (superviseur ou organisateur)")
            };
            if late::is_closed(db.conn(), number)? {
                let pin = read_pin(&format!("Code de {by}"))?;
                let approver = supervisor(&mut db, &by, &pin, &at)?;
                let (n, hash) = db.close_complement(number, &approver, &approver, &at)?;
                println!(
                    "phase {number} : complément {n} clôturé par {approver}, empreinte {}",
                    &hash[..16]
                );
                return Ok(());
            }
            let check = preflight(db.conn(), number, at.date())?;
            for t in &check.tills {
                println!("{}", cover_line(t));
            }
            let note = refusal(&check);
            if !note.is_empty() && !force {
                bail!(
                    "{note} : clôture refusée (--force pour clôturer quand même ; leurs ventes iront alors au complément)"
                );
            }
            let pin = read_pin(&format!("Code de {by}"))?;
            let approver = supervisor(&mut db, &by, &pin, &at)?;
            // A settlement is frozen for good: the whole file is checked first.
            db.quick_check()?;
            let note = if note.is_empty() {
                note
            } else {
                format!("forcée : {note}")
            };
            let closed = db.close_phase_noting(number, &approver, &approver, &at, &note)?;
            if !note.is_empty() {
                eprintln!("attention : clôture {note}");
            }
            println!(
                "phase {number} clôturée par {approver} : règlement de {} exposants, empreinte {}",
                closed.exhibitors,
                &closed.settlement_hash[..16]
            );
            println!("témoin du journal : {}", &closed.witness[..16]);
        }
    }
    Ok(())
}

/// `caisse T02 : 41 tickets, dernier T02-000041, dernier lot exporté le … — couvre la fin de la phase`
fn cover_line(t: &TillCover) -> String {
    let last = t.last_ticket.as_deref().unwrap_or("aucun");
    let bundle = t
        .last_bundle_at
        .as_deref()
        .map_or("aucun lot fusionné".to_string(), |at| {
            format!(
                "dernier lot exporté le {}",
                crate::storage::clock::local_display(at)
            )
        });
    let verdict = if t.covered {
        "couvre la fin de la phase"
    } else {
        "NE COUVRE PAS la fin de la phase"
    };
    format!(
        "caisse {} : {} de la phase, dernier {last}, {bundle} — {verdict}",
        t.till,
        crate::i18n::count_fr("count-ticket", t.tickets)
    )
}

/// Why the phase should not close yet (empty when it may).
fn refusal(p: &Preflight) -> String {
    let mut why = Vec::new();
    if !p.day_over {
        why.push(format!(
            "le dernier jour de la phase {} ({}) n'est pas terminé",
            p.phase.number,
            p.phase.ends.strftime("%d/%m/%Y")
        ));
    }
    let missing: Vec<&str> = p.missing().iter().map(|t| t.till.as_str()).collect();
    if !missing.is_empty() {
        why.push(format!(
            "sans lot exporté après le {} : {}",
            p.phase.ends.strftime("%d/%m/%Y"),
            missing.join(", ")
        ));
    }
    why.join(" ; ")
}
