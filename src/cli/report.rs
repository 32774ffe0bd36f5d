//! `souk report settlement|day|totals`: rendered by the report module, written to --out or the terminal.
use super::Ctx;
use super::args::ReportCmd;
use crate::report::{self, Format};
use crate::storage::{Clock, reports};
use anyhow::{Result, bail};
use std::io::Write;
use std::path::Path;

pub fn report(ctx: &Ctx, cmd: ReportCmd) -> Result<()> {
    let db = ctx.open_read()?;
    let conn = db.conn();
    let (bytes, out, force) = match cmd {
        ReportCmd::Settlement {
            phase,
            complement,
            format,
            out,
            force,
        } => {
            let f = format_for(&format, out.as_deref())?;
            let model = match complement {
                Some(number) => reports::complement_report(conn, phase, number)?,
                None => reports::settlement_report_with(conn, phase, f.settlement_parts())?,
            };
            let text = report::TextReport::Settlement(&model);
            let bytes = render(f, out.as_deref(), text, || {
                report::render_settlement(&model, f)
            })?;
            (bytes, out, force)
        }
        ReportCmd::Day {
            date,
            till_id,
            format,
            out,
            force,
        } => {
            let f = format_for(&format, out.as_deref())?;
            let date = match date {
                Some(d) => check_date(&d)?,
                None => Clock::market()?.now()?.date().to_string(),
            };
            let model = reports::day_report(conn, &date, till_id.as_deref())?;
            let text = report::TextReport::Day(&model);
            let bytes = render(f, out.as_deref(), text, || report::render_day(&model, f))?;
            (bytes, out, force)
        }
        ReportCmd::Totals {
            phase,
            format,
            out,
            force,
        } => {
            let f = format_for(&format, out.as_deref())?;
            let model = reports::phase_totals(conn, phase)?;
            let text = report::TextReport::PhaseTotals(&model);
            let bytes = render(f, out.as_deref(), text, || {
                report::render_phase_totals(&model, f)
            })?;
            (bytes, out, force)
        }
    };
    match out {
        Some(path) => {
            crate::files::write_atomic(&path, &bytes, &ctx.out_rules(force))?;
            eprintln!("rapport écrit dans {}", path.display());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(())
}

/// Text shown in the terminal fits its width; files and other formats as the format says.
fn render(
    f: Format,
    out: Option<&Path>,
    text: report::TextReport<'_>,
    other: impl FnOnce() -> report::Result<Vec<u8>>,
) -> Result<Vec<u8>> {
    match (f, out) {
        (Format::Text, None) => Ok(report::render_text(text, terminal_width()).into_bytes()),
        _ => Ok(other()?),
    }
}

/// The terminal's width; when the output is not a terminal, `COLUMNS` if set, else the widest layout.
fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Ok((cols, _)) = ratatui::crossterm::terminal::size()
    {
        return cols as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(report::TEXT_WIDTH)
}

/// Binary formats go to a file, never to the terminal.
fn format_for(name: &str, out: Option<&Path>) -> Result<Format> {
    let f: Format = name.parse()?;
    if matches!(f, Format::Xlsx | Format::Pdf) && out.is_none() {
        bail!("--format {name} : précisez --out FICHIER");
    }
    Ok(f)
}

fn check_date(d: &str) -> Result<String> {
    crate::domain::parse::parse_date(d)
        .map(|date| date.to_string())
        .map_err(|e| anyhow::anyhow!("--date {e}"))
}
