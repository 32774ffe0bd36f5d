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
    match app
        .db
        .save_draft(&till, &who, approver.as_deref(), &app.basket.lines, &at)
    {
        Ok(()) => app.basket.mark_saved(),
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
            app.basket.mark_saved();
            app.info(app.tr.a("draft-recovered", &[("n", &n.to_string())]));
        }
        Ok(None) => {}
        Err(e) => app.fail(e),
    }
}
