//! `souk check WITNESS`: exit 0 « conforme », 1 with what differs.
use super::Ctx;
use crate::storage::witness;
use anyhow::{Result, bail};

pub fn check(ctx: &Ctx, text: &str) -> Result<()> {
    let w = witness::parse(text)?;
    let db = ctx.open_read()?;
    let outcome = witness::check(db.conn(), &w)?;
    if outcome.conforme {
        for l in &outcome.lines {
            println!("{l}");
        }
        return Ok(());
    }
    bail!("{}", outcome.lines.join("\n"))
}
