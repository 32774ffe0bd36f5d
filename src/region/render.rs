//! The region report as terminal text (French numbers) or machine CSV (long format, one row per figure group:
//! `section` is `phase`, `complement` (a phase's late tickets, `key` = the complement's number), `province`,
//! `sector` or `cooperative`). The `net` of the phase and complement rows adds up to the region's total.
use super::report::{GroupLine, RegionReport};
use crate::report::numbers::{fmt_fr, fmt_machine};
use crate::report::{Format, XlsxCell as Cell, XlsxSheet, xlsx_tables};
use anyhow::{Result, bail};
use rust_decimal::Decimal;
use std::fmt::Write;

pub const CSV_HEADER: &str = "section,market_uuid,market,phase,key,name,tickets,net,cash,card,mobile,other,exhibitors,women_led,markets";

pub fn render(r: &RegionReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Text => Ok(text(r).into_bytes()),
        Format::Csv => Ok(csv(r).into_bytes()),
        Format::Xlsx => xlsx(r),
        other => bail!("--format {other} : le rapport régional s'écrit en text, csv ou xlsx"),
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
            m.cash,
            m.card,
            m.mobile,
            m.other,
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

/// Sheet names of the region workbook (also used by tests).
pub const XLSX_SHEETS: [&str; 4] = ["Marchés et phases", "Provinces", "Secteurs", "Coopératives"];

const PHASE_COLUMNS: [&str; 15] = [
    "Marché",
    "Identifiant",
    "Phase",
    "Complément",
    "Nom",
    "État",
    "Tickets",
    "Net",
    "Espèces",
    "Carte",
    "Mobile",
    "Autre",
    "Exposants",
    "Dont femmes",
    "Part femmes",
];

fn xlsx(r: &RegionReport) -> Result<Vec<u8>> {
    let phases = r
        .phases
        .iter()
        .map(|p| {
            let share = Decimal::from(p.women_led)
                .checked_div(Decimal::from(p.exhibitors))
                .unwrap_or_default();
            let mut row = vec![
                Cell::Text(p.market.clone()),
                Cell::Text(p.market_uuid.clone()),
                Cell::Text(p.phase.to_string()),
                Cell::Text(p.complement.map(|n| n.to_string()).unwrap_or_default()),
                Cell::Text(p.phase_name.clone()),
                Cell::Text(if p.closed { "clôturé" } else { "provisoire" }.into()),
                Cell::Count(p.tickets),
                Cell::Money(p.net),
            ];
            row.extend(p.by_method.iter().map(|(_, d)| Cell::Money(d)));
            row.extend([
                Cell::Count(p.exhibitors),
                Cell::Count(p.women_led),
                Cell::Rate(share),
            ]);
            row
        })
        .collect();
    let groups = |lines: &[GroupLine], named: bool| -> Vec<Vec<Cell>> {
        lines
            .iter()
            .map(|g| {
                let mut row = vec![Cell::Text(if g.key.is_empty() && !named {
                    "(non renseigné)".into()
                } else {
                    g.key.clone()
                })];
                if named {
                    row.push(Cell::Text(g.name.clone()));
                }
                row.extend([
                    Cell::Money(g.net),
                    Cell::Count(g.exhibitors),
                    Cell::Count(g.markets),
                ]);
                row
            })
            .collect()
    };
    let sheets = [
        XlsxSheet {
            name: XLSX_SHEETS[0],
            headers: &PHASE_COLUMNS,
            rows: phases,
            // Exhibitors are counted per phase: their sum would count a cooperative once per phase.
            unsummed: &[12, 13],
        },
        XlsxSheet {
            name: XLSX_SHEETS[1],
            headers: &["Province", "Net", "Exposants", "Marchés"],
            rows: groups(&r.provinces, false),
            unsummed: &[3],
        },
        XlsxSheet {
            name: XLSX_SHEETS[2],
            headers: &["Secteur", "Net", "Exposants", "Marchés"],
            rows: groups(&r.sectors, false),
            unsummed: &[3],
        },
        XlsxSheet {
            name: XLSX_SHEETS[3],
            headers: &[
                "Clé (ICE, sinon marché/code/nom)",
                "Coopérative",
                "Net",
                "Exposants",
                "Marchés",
            ],
            rows: groups(&r.cooperatives, true),
            unsummed: &[4],
        },
    ];
    // A fixed date: the same server state gives the same bytes.
    Ok(xlsx_tables("Rapport régional souk", "2000-01-01", &sheets)?)
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
            fmt_fr(p.by_method.cash),
            fmt_fr(p.by_method.card),
            fmt_fr(p.by_method.mobile),
            fmt_fr(p.by_method.other),
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
    use super::super::report::{PhaseLine, RegionReport};
    use super::*;
    use crate::domain::ByMethod;
    use rust_decimal::dec;

    fn line(complement: Option<u32>, net: Decimal) -> PhaseLine {
        PhaseLine {
            market_uuid: "m1".into(),
            market: "Ifrane".into(),
            phase: 1,
            complement,
            phase_name: "Phase 1".into(),
            closed: complement.is_none(),
            tickets: 3,
            net,
            by_method: ByMethod {
                cash: net,
                ..Default::default()
            },
            exhibitors: 2,
            women_led: 1,
        }
    }

    #[test]
    fn complements_get_their_own_line_and_count_in_the_total() {
        let r = RegionReport {
            phases: vec![line(None, dec!(1000.50)), line(Some(1), dec!(20))],
            ..Default::default()
        };
        let text = String::from_utf8(render(&r, Format::Text).unwrap()).unwrap();
        assert!(text.contains("  complément 1 (ventes tardives)"), "{text}");
        assert!(
            text.contains("DH, dont compléments (ventes tardives) : 20,00 DH"),
            "{text}"
        );
        let csv = String::from_utf8(render(&r, Format::Csv).unwrap()).unwrap();
        let rows: Vec<&str> = csv.lines().collect();
        assert!(
            rows[1].starts_with("phase,m1,Ifrane,1,,Phase 1,3,1000.50,"),
            "{csv}"
        );
        assert!(
            rows[2].starts_with("complement,m1,Ifrane,1,1,Phase 1,3,20.00,"),
            "{csv}"
        );
        assert!(render(&r, Format::Pdf).is_err());
    }

    #[test]
    fn csv_cells_are_never_formulas_and_stay_one_field() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("Coop, Azrou"), "\"Coop, Azrou\"");
        assert_eq!(cell("Tighanimine"), "Tighanimine");
    }
}
