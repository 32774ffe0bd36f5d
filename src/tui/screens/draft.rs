//! The basket in progress mirrored in the database after each key that changes it, and offered back at the
//! next login on this till after a crash or a power cut.
use crate::storage::drafts;
use crate::tui::app::App;

/// Writes the basket's draft when a key changed it; a failure shows but never stops the sale.
pub fn keep(app: &mut App) {
    if app.basket.no_draft || !app.basket.unsaved() {
        return;
    }
    let (till, who, at) = (app.till.clone(), app.user_name(), app.now().at_utc);
    let approver = app.basket.approver.clone();
    let basket = drafts::Basket {
        lines: &app.basket.lines,
        payments: &app.basket.payments,
    };
    match app
        .db
        .save_draft_paid(&till, &who, approver.as_deref(), &basket, &at)
    {
        Ok(()) => app.basket.mark_saved(),
        // The key's own refusal (a sale that could not commit) says more than the draft's.
        Err(_) if app.status.as_ref().is_some_and(|s| s.error) => {}
        Err(e) => app.error(app.tr.a("draft-failed", &[("error", &app.tr.explain(&e))])),
    }
}

/// At login: an empty basket takes back the draft left at this till, and the cashier is told.
pub fn recover(app: &mut App) {
    if !app.basket.is_empty() {
        return;
    }
    match drafts::load(app.db.conn(), &app.till) {
        Ok(Some(d)) => {
            let n = d.lines.len();
            app.basket.lines = d.lines;
            app.basket.approver = d.approver;
            app.basket.payments = d.payments;
            app.basket.mark_saved();
            let mut msg = app.tr.a("draft-recovered", &[("n", &n.to_string())]);
            if !app.basket.payments.is_empty() {
                msg.push_str(
                    &app.tr
                        .a("draft-recovered-payments", &[("list", &paid(app))]),
                );
            }
            app.info(msg);
        }
        Ok(None) => {}
        Err(e) => app.fail(e),
    }
}

/// `Carte 200,00 DH réf. AUTH123 + Espèces 50,00 DH`: the payments typed before the till stopped.
fn paid(app: &App) -> String {
    app.basket
        .payments
        .iter()
        .map(|p| {
            let m = app.tr.t(&format!("method-{}", p.method.as_str()));
            let r = p
                .reference
                .as_deref()
                .map(|r| format!(" réf. {r}"))
                .unwrap_or_default();
            format!("{m} {}{r}", crate::domain::money::format_dh(p.amount))
        })
        .collect::<Vec<_>>()
        .join(" + ")
}
