//! `souk refund TICKET --by NAME [--line N[:QTY]]…`: the organiser refunds a paper sale entered in its own
//! database (no till has it), with a supervisor's PIN, as the till does for its own sales.
use super::{Ctx, pin::read_pin, setup::supervisor};
use crate::domain::money::{format_dh, parse_quantity};
use crate::storage::Clock;
use crate::storage::paper_refund::PaperRefund;
use anyhow::{Result, anyhow};
use rust_decimal::Decimal;

pub fn refund(ctx: &Ctx, ticket: &str, lines: &[String], by: &str) -> Result<()> {
    let lines = lines
        .iter()
        .map(|l| parse_line(l))
        .collect::<Result<Vec<_>>>()?;
    let mut db = ctx.open()?;
    let at = Clock::market()?.now()?;
    let actor = super::cli_actor();
    let mut asked = PaperRefund {
        original: ticket,
        lines: &lines,
        by: &actor,
        approver: by,
        at: &at,
    };
    db.check_paper_refund(&asked)?;
    let pin = read_pin(&format!("Code de {by}"))?;
    let approver = supervisor(&mut db, by, &pin, &at)?;
    asked.approver = &approver;
    let t = db.refund_paper(&asked)?;
    let how = t
        .payments
        .first()
        .map_or("espèces", |p| p.method.label_fr());
    println!(
        "remboursement {} de {ticket} : {} ({how}), {} ligne(s), caisse {}, approuvé par {approver}",
        t.head.id,
        format_dh(t.head.total.abs()),
        t.lines.len(),
        t.head.till
    );
    Ok(())
}

/// `2` (the whole line) or `2:1,5` (a quantity of it).
fn parse_line(text: &str) -> Result<(u32, Option<Decimal>)> {
    let bad = || {
        anyhow!(
            "--line {text} : attendu un numéro de ligne (2) ou une ligne et une quantité (2:1,5)"
        )
    };
    let (line, qty) = match text.split_once(':') {
        Some((l, q)) => (l, Some(q)),
        None => (text, None),
    };
    let line: u32 = line.trim().parse().map_err(|_| bad())?;
    let qty = qty
        .map(|q| parse_quantity(&q.replace(',', ".")).map_err(|_| bad()))
        .transpose()?;
    Ok((line, qty))
}
