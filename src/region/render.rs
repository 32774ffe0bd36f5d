//! The region report as terminal text (French numbers) or machine CSV (long format, one row per figure group:
//! `section` is `phase`, `complement` (a phase's late tickets, `key` = the complement's number), `province`,
//! `sector` or `cooperative`). The `net` of the phase and complement rows adds up to the region's total.
use super::report::{GroupLine, RegionReport};
use crate::report::Format;
use crate::report::numbers::{fmt_fr, fmt_machine};
use anyhow::{Result, bail};
use std::fmt::Write;

pub const CSV_HEADER: &str = "section,market_uuid,market,phase,key,name,tickets,net,cash,card,mobile,other,exhibitors,women_led,markets";

pub fn render(r: &RegionReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Text => Ok(text(r).into_bytes()),
        Format::Csv => Ok(csv(r).into_bytes()),
        other => bail!("--format {other} : le rapport régional s'écrit en text ou csv"),
    }
}

/// A text cell a spreadsheet must not evaluate, quoted when it holds a comma, quote or line end.
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(r: &RegionReport) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for p in &r.phases {
        let m = p.by_method.map(fmt_machine);
        let (section, key) = match p.complement {
            None => ("phase", String::new()),
            Some(n) => ("complement", n.to_string()),
        };
        let _ = writeln!(
            out,
            "{section},{},{},{},{key},{},{},{},{},{},{},{},{},{},",
            cell(&p.market_uuid),
            cell(&p.market),
            p.phase,
            cell(&p.phase_name),
            p.tickets,
            fmt_machine(p.net),
            m[0],
            m[1],
            m[2],
            m[3],
            p.exhibitors,
            p.women_led
        );
    }
    for (section, lines) in [
        ("province", &r.provinces),
        ("sector", &r.sectors),
        ("cooperative", &r.cooperatives),
    ] {
        for g in lines {
            let _ = writeln!(
                out,
                "{section},,,,{},{},,{},,,,,{},,{}",
                cell(&g.key),
                cell(&g.name),
                fmt_machine(g.net),
                g.exhibitors,
                g.markets
            );
        }
    }
    out
}

fn text(r: &RegionReport) -> String {
    let mut out = String::from("Marchés et phases\n");
    let _ = writeln!(
        out,
        "{:<28} {:>5} {:>8} {:>14} {:>14} {:>14} {:>14} {:>14} {:>10} {:>8}",
        "Marché",
        "Phase",
        "Tickets",
        "Net",
        "Espèces",
        "Carte",
        "Mobile",
        "Autre",
        "Exposants",
        "Femmes"
    );
    for p in &r.phases {
        let women = (p.women_led * 100)
            .checked_div(p.exhibitors)
            .map_or_else(|| "—".to_string(), |pct| format!("{pct} %"));
        let state = if p.closed { "" } else { " (provisoire)" };
        let label = match p.complement {
            None => clip(&p.market, 28),
            Some(n) => format!("  complément {n} (ventes tardives)"),
        };
        let _ = writeln!(
            out,
            "{:<28} {:>5} {:>8} {:>14} {:>14} {:>14} {:>14} {:>14} {:>10} {:>8}{state}",
            label,
            p.phase,
            p.tickets,
            fmt_fr(p.net),
            fmt_fr(p.by_method[0]),
            fmt_fr(p.by_method[1]),
            fmt_fr(p.by_method[2]),
            fmt_fr(p.by_method[3]),
            p.exhibitors,
            women
        );
    }
    let late = r.complements_net();
    if r.phases.iter().any(|p| p.complement.is_some()) {
        let _ = writeln!(
            out,
            "Total net : {} DH, dont compléments (ventes tardives) : {} DH",
            fmt_fr(r.net()),
            fmt_fr(late)
        );
    } else {
        let _ = writeln!(out, "Total net : {} DH", fmt_fr(r.net()));
    }
    group(&mut out, "Par province", &r.provinces, false);
    group(&mut out, "Par secteur", &r.sectors, false);
    group(
        &mut out,
        "Par coopérative (ICE, sinon code et nom dans un marché)",
        &r.cooperatives,
        true,
    );
    out
}

fn group(out: &mut String, title: &str, lines: &[GroupLine], named: bool) {
    let _ = writeln!(out, "\n{title}");
    for g in lines {
        let label = match (named, g.key.is_empty()) {
            (true, _) => format!("{} — {}", g.name, g.key),
            (false, true) => "(non renseigné)".to_string(),
            (false, false) => g.key.clone(),
        };
        let _ = writeln!(
            out,
            "{:<60} {:>14} {:>4} exposant(s) {:>3} marché(s)",
            clip(&label, 60),
            fmt_fr(g.net),
            g.exhibitors,
            g.markets
        );
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn csv_cells_are_never_formulas_and_stay_one_field() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("Coop, Azrou"), "\"Coop, Azrou\"");
        assert_eq!(cell("Tighanimine"), "Tighanimine");
    }
}
