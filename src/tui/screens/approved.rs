//! What a supervisor's PIN unlocks on the sale screen — a price override, a discount over the threshold, the
//! drawer without a sale — each applied and journalled with both names.
use crate::domain::JournalKind;
use crate::storage::journal::NewEntry;
use crate::tui::app::{App, ApprovalState, Overlay, Pending};
use rust_decimal::Decimal;

pub fn approval(pending: Pending) -> Overlay {
    Overlay::Approval(ApprovalState {
        pending,
        sel: 0,
        pin: String::new(),
        msg: None,
    })
}

/// A cashier's discount above the configured share of the line waits for a supervisor; a supervisor's does not.
pub fn needs_approval(app: &App, line: usize, discount: Decimal) -> bool {
    let Some(l) = app.basket.lines.get(line) else {
        return false;
    };
    let limit = crate::domain::money::round_money(
        l.quantity * l.unit_price * Decimal::from(app.discount_approval_percent)
            / Decimal::ONE_HUNDRED,
    );
    discount > limit && !app.user_role().can_approve()
}

/// One journal entry on this till's chain naming the cashier and the supervisor who approved.
fn journal(
    app: &mut App,
    kind: JournalKind,
    approver: &str,
    subject: &str,
    detail: &str,
) -> anyhow::Result<()> {
    let (till, actor, now) = (app.till.clone(), app.user_name(), app.now());
    let entry = NewEntry {
        chain: &till,
        kind,
        actor: &actor,
        approver,
        subject,
        detail,
        amount: 0,
    };
    app.db.journal_event(&now, &entry).map(|_| ())
}

/// The product (or, for a divers line, the exhibitor) a line is about.
fn line_subject(app: &App, i: usize) -> Option<String> {
    let l = app.basket.lines.get(i)?;
    Some(
        l.product_code
            .clone()
            .unwrap_or_else(|| l.exhibitor_code.clone()),
    )
}

/// Applies an approved discount and journals it with both names.
pub fn approve_discount(app: &mut App, i: usize, amount: Decimal, approver: &str) {
    let Some(subject) = line_subject(app, i) else {
        return;
    };
    let before = app.basket.lines[i].discount;
    super::sale::set_line(app, i, |l| l.discount = amount);
    if app.basket.lines[i].discount != amount {
        return; // refused by the domain (discount above the line): the error is shown, nothing journalled
    }
    match journal(
        app,
        JournalKind::Approval,
        approver,
        &subject,
        &format!("remise {amount}"),
    ) {
        Ok(()) => {
            app.basket.approver = Some(approver.to_string());
            app.info(app.tr.a("discount-approved", &[("approver", approver)]));
        }
        Err(e) => {
            app.basket.lines[i].discount = before;
            app.fail(e);
        }
    }
}

/// Applies an approved price override and journals it with both names.
pub fn override_price(app: &mut App, i: usize, price: Decimal, approver: &str) {
    let Some(subject) = line_subject(app, i) else {
        return;
    };
    let detail = format!("{} -> {}", app.basket.lines[i].unit_price, price);
    match journal(app, JournalKind::PriceOverride, approver, &subject, &detail) {
        Ok(()) => {
            app.basket.lines[i].unit_price = price;
            app.basket.approver = Some(approver.to_string());
            app.info(app.tr.a("price-changed", &[("approver", approver)]));
        }
        Err(e) => app.fail(e),
    }
}

/// Asks for the drawer opened without a sale; [`drawer_opened`] journals it once the pulse is on its way. A
/// till without a drawer says so and journals nothing.
pub fn open_drawer(app: &mut App, approver: &str) {
    app.ask(crate::tui::app::Effect::OpenDrawer {
        approver: approver.to_string(),
    });
}

/// The drawer pulse was queued: journalled with the supervisor who allowed it.
pub fn drawer_opened(app: &mut App, approver: &str) {
    let shift = app.shift.as_ref().map(|s| s.id.clone()).unwrap_or_default();
    match journal(app, JournalKind::Drawer, approver, &shift, "sans vente") {
        Ok(()) => app.info(app.tr.a("drawer-opened", &[("approver", approver)])),
        Err(e) => app.fail(e),
    }
}
