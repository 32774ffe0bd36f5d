//! Opening the till: on a database without identity, the identity start screen first; on a full disk or a
//! read-only medium, read-only with the reports screens only.
use super::Ctx;
use super::setup::printer_config;
use crate::storage::identity;
use anyhow::Result;

/// Opens the till; `demo_codes` (the demo's people and PINs) are shown on the login screen.
pub fn open_till(ctx: &Ctx, demo_codes: Option<String>) -> Result<()> {
    let mut db = match ctx.open() {
        Ok(db) => db,
        Err(e) => return open_till_read_only(ctx, e),
    };
    let mut requested = ctx.config.till.clone();
    if crate::storage::identify::needs_identity(db.conn())? {
        // The organiser's answer on the start screen wins over a --till given before it.
        match crate::tui::identify(db, &ctx.config.language, requested.as_deref())? {
            Some(till) => requested = Some(till),
            None => return Ok(()),
        }
        db = ctx.open()?;
    }
    let till_id = identity::till_to_sell(db.conn(), requested.as_deref())?;
    let printer = printer_config(ctx)?;
    let sink = crate::documents::sink::QueueSink::start(&db, &printer)?;
    let config = crate::tui::TillConfig {
        till_id,
        language: ctx.config.language.clone(),
        idle_lock_minutes: ctx.config.idle_lock_minutes,
        discount_approval_percent: ctx.config.discount_approval_percent,
        demo_codes,
        printer: Box::new(sink),
    };
    crate::tui::run(db, config)
}

/// A till that cannot open its database for writing because the disk is full or the medium read-only opens it
/// read-only, for the reports screens only; any other failure is said as it is.
fn open_till_read_only(ctx: &Ctx, failure: anyhow::Error) -> Result<()> {
    use crate::files::explain::{Trouble, media_trouble};
    let trouble = match media_trouble(&failure, &[&ctx.db_path]) {
        Some(t @ (Trouble::DiskFull | Trouble::ReadOnly)) => t,
        _ => return Err(failure),
    };
    let Ok(db) = ctx.open_read() else {
        return Err(failure);
    };
    let till_id = identity::till_to_sell(db.conn(), ctx.config.till.as_deref())?;
    let config = crate::tui::TillConfig {
        till_id,
        language: ctx.config.language.clone(),
        idle_lock_minutes: ctx.config.idle_lock_minutes,
        discount_approval_percent: ctx.config.discount_approval_percent,
        demo_codes: None,
        printer: Box::new(crate::tui::read_only::ReadOnlySink),
    };
    crate::tui::run_read_only(db, config, crate::tui::read_only::banner(trouble))
}
