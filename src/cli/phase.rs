//! `souk phase open|close N`: close needs a supervisor or organiser, named with --by, and their PIN.
use super::args::PhaseAction;
use super::{Ctx, pin::read_pin, setup::supervisor};
use crate::storage::Clock;
use anyhow::{Result, bail};

pub fn phase(ctx: &Ctx, action: PhaseAction, number: u32, by: Option<String>) -> Result<()> {
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
            let pin = read_pin(&format!("Code de {by}"))?;
            let approver = supervisor(&mut db, &by, &pin, &at)?;
            // A settlement is frozen for good: the whole file is checked first.
            db.quick_check()?;
            let closed = db.close_phase(number, &approver, &approver, &at)?;
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
