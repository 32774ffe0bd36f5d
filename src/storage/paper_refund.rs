//! Refunding a paper sale at the organiser's: a sale entered with `import sales` after the tills were
//! provisioned exists only in the organiser's database, so no till can refund it. The refund is numbered in the
//! organiser's own series, collected by the till that collected the sale, and approved by a supervisor.
use super::tickets::{SaleContext, Ticket, insert_ticket_on, refund_lines};
use super::{Db, LocalTime, StorageResult};
use crate::domain::{PaymentDraft, TicketKind};
use rust_decimal::Decimal;

/// What to refund of a paper sale: `lines` `(line_no, quantity)`, or everything still unrefunded when empty.
pub struct PaperRefund<'a> {
    pub original: &'a str,
    pub lines: &'a [(u32, Option<Decimal>)],
    pub by: &'a str,
    pub approver: &'a str,
    pub at: &'a LocalTime,
}

impl Db {
    /// Refunds a sale of this database's own series (a paper sale entered here), paid back the way it was
    /// paid (a sale paid several ways, in cash).
    pub fn refund_paper(&mut self, r: &PaperRefund) -> StorageResult<Ticket> {
        let tx = self.write_tx()?;
        let ticket = refund_in(&tx, r)?;
        tx.commit()?;
        Ok(ticket)
    }

    /// Whether [`Db::refund_paper`] would refuse, without writing anything (checked before a PIN is asked,
    /// so that a refused refund journals no approval).
    pub fn check_paper_refund(&mut self, r: &PaperRefund) -> StorageResult<Ticket> {
        let tx = self.write_tx()?;
        let ticket = refund_in(&tx, r)?;
        tx.rollback()?;
        Ok(ticket)
    }
}

fn refund_in(tx: &rusqlite::Connection, r: &PaperRefund) -> StorageResult<Ticket> {
    let chain = super::identity::own_chain(tx)?;
    let Some(orig) = super::ticket_rows::load_ticket(tx, r.original)? else {
        Err(super::Error::NotFound {
            what: "ticket",
            key: r.original.into(),
        })?
    };
    if orig.head.chain != chain {
        crate::refuse!(
            "{} a été vendu à la caisse {} : il se rembourse à cette caisse (touche F3 de son historique)",
            r.original,
            orig.head.chain
        );
    }
    let request = request(tx, &orig, r.lines)?;
    let (orig, lines) = refund_lines(tx, r.original, &request)?;
    let total: Decimal = lines.iter().map(|l| l.total).sum();
    let payout = [PaymentDraft::new(orig.refund_method(), total)];
    let settled = crate::domain::sale::build_refund(lines, &payout)?;
    let ctx = SaleContext {
        till: orig.head.till.clone(),
        cashier: r.by.to_string(),
        shift: None,
        at: r.at.clone(),
        manual: true,
        ticket_ref: None,
        approver: Some(r.approver.to_string()),
    };
    Ok(insert_ticket_on(
        tx,
        &chain,
        &ctx,
        &settled,
        TicketKind::Refund,
        Some(r.original),
    )?)
}

/// The lines asked, each whole line meaning what is left of it; no line asked: every line with something left.
fn request(
    conn: &rusqlite::Connection,
    orig: &Ticket,
    asked: &[(u32, Option<Decimal>)],
) -> StorageResult<Vec<(u32, Decimal)>> {
    let done = super::tickets::refunded_so_far(conn, &orig.head.id)?;
    let left = |line_no: u32| -> Option<Decimal> {
        let l = orig.lines.iter().find(|l| l.line_no == line_no)?;
        Some(l.quantity - done.get(&line_no).map_or(Decimal::ZERO, |d| d.0))
    };
    let out: Vec<(u32, Decimal)> = if asked.is_empty() {
        orig.lines
            .iter()
            .filter_map(|l| Some((l.line_no, left(l.line_no)?)))
            .filter(|(_, q)| *q > Decimal::ZERO)
            .collect()
    } else {
        let mut out = Vec::new();
        for &(line_no, qty) in asked {
            let Some(rest) = left(line_no) else {
                crate::refuse!(
                    "{} n'a pas de ligne {line_no} (lignes 1 à {})",
                    orig.head.id,
                    orig.lines.len()
                );
            };
            out.push((line_no, qty.unwrap_or(rest)));
        }
        out
    };
    if out.is_empty() || out.iter().all(|(_, q)| *q <= Decimal::ZERO) {
        crate::refuse!("{} est déjà entièrement remboursé", orig.head.id);
    }
    Ok(out)
}
