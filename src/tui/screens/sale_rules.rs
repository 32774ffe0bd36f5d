//! What the sale screen refuses to add, and why, in words a cashier reads: a divers line of an unknown exhibitor
//! or one not in today's phase, the first line on a day no open phase covers, amounts beyond the bounds.
use crate::tui::app::App;

/// The market's own spelling of a divers entry's exhibitor, or why it cannot sell today.
pub(super) fn divers_exhibitor(app: &App, typed: &str) -> Result<String, String> {
    use crate::storage::phases::{DayPhase, day_phase};
    let all = crate::storage::catalogue::exhibitors(app.db.conn()).map_err(|e| e.to_string())?;
    let Some(ex) = all.iter().find(|e| e.code.eq_ignore_ascii_case(typed)) else {
        return Err(app.tr.a("divers-unknown", &[("code", typed)]));
    };
    let date = app.now().date().to_string();
    match day_phase(app.db.conn(), &date) {
        Ok(DayPhase::Open(n)) if !ex.phases.contains(&n) => Err(app.tr.a(
            "divers-not-in-phase",
            &[("code", &ex.code), ("phase", &n.to_string())],
        )),
        _ => Ok(ex.code.clone()),
    }
}

/// Why no line can be added today (a day outside every phase, or in a closed one); `None` when selling is open.
pub fn day_refusal(app: &App) -> Option<String> {
    use crate::storage::phases::{DayPhase, day_phase};
    let day = app.now().date();
    let date = day.strftime("%d/%m/%Y").to_string();
    match day_phase(app.db.conn(), &day.to_string()) {
        Ok(DayPhase::Open(_)) => None,
        Ok(DayPhase::Closed(n)) => Some(app.tr.a(
            "day-phase-closed",
            &[("phase", &n.to_string()), ("date", &date)],
        )),
        Ok(DayPhase::Outside) => Some(app.tr.a("day-no-phase", &[("date", &date)])),
        Err(e) => Some(format!("{e:#}")),
    }
}

/// A line the till must not take: the first of a basket on a day no open phase covers, or beyond the bounds.
pub(super) fn refusal(app: &App, line: &crate::domain::LineDraft) -> Option<String> {
    use crate::domain::bounds;
    if !crate::storage::identity::sells_here(&app.till) {
        return Some(crate::storage::identity::NOT_A_TILL.to_string());
    }
    if app.basket.is_empty()
        && let Some(day) = day_refusal(app)
    {
        return Some(day);
    }
    bounds::check_quantity(line.quantity)
        .and_then(|_| bounds::check_amount("prix unitaire", line.unit_price))
        .and_then(|_| bounds::check_amount("ligne", line.unit_price * line.quantity))
        .err()
}
