//! Narrow renderings of the reports for the till's printer (a 48-column 80 mm roll, 40 used, as the X and Z
//! reports): one label and one amount per line, never a wide table. Pure functions of the [`super::model`] data.
use super::model::*;
use super::numbers::{fmt_count, fmt_date_fr, fmt_datetime_fr, fmt_dh, fmt_rate};
use super::text::{chain_line, market_line, phase_line, status_line};
use rust_decimal::Decimal;

/// Width of a slip line.
pub const SLIP_WIDTH: usize = 40;

/// `label ........ value` on one line; a long label is cut so that the value always shows.
pub fn pair(label: &str, value: &str) -> String {
    let room = SLIP_WIDTH.saturating_sub(value.chars().count() + 1);
    let label: String = if label.chars().count() > room {
        let mut cut: String = label.chars().take(room.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        label.to_string()
    };
    let pad = SLIP_WIDTH.saturating_sub(label.chars().count() + value.chars().count());
    format!("{label}{}{value}", " ".repeat(pad.max(1)))
}

fn rule() -> String {
    "-".repeat(SLIP_WIDTH)
}

/// Long header lines (market name, chain hash) wrapped at the slip width, between words where there are some.
fn wrapped(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let (have, add) = (line.chars().count(), word.chars().count());
        if have > 0 && have + 1 + add > SLIP_WIDTH {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        // A word longer than the roll (a hash) is cut where the roll ends.
        while line.chars().count() > SLIP_WIDTH {
            let head: String = line.chars().take(SLIP_WIDTH).collect();
            line = line.chars().skip(SLIP_WIDTH).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn header(title: &str, market: &MarketHeader) -> Vec<String> {
    let mut v = vec![title.to_string()];
    v.extend(wrapped(&market_line(market)));
    if !market.organiser.trim().is_empty() {
        v.extend(wrapped(&format!("Organisateur : {}", market.organiser)));
    }
    v
}

/// One exhibitor's statement for a phase: what it sold, what it owes or is owed, and the signatures.
pub fn statement(r: &SettlementReport, code: &str) -> Option<Vec<String>> {
    let row = r.rows.iter().find(|x| x.exhibitor_code == code)?;
    let mut v = header("RELEVÉ DE RÈGLEMENT", &r.market);
    v.extend(wrapped(&phase_line(&r.phase)));
    v.extend(wrapped(&status_line(&r.phase)));
    v.push(rule());
    v.extend(wrapped(&format!(
        "{} {}",
        row.exhibitor_code, row.exhibitor_name
    )));
    if let Some(ice) = row.ice.as_deref().filter(|s| !s.is_empty()) {
        v.push(format!("ICE {ice}"));
    }
    v.push(rule());
    v.extend(figures(row));
    v.push(rule());
    v.push("Par jour :".into());
    for d in r.daily_of(code) {
        v.push(pair(
            &format!("  {} ({} t.)", fmt_date_fr(&d.date), d.tickets),
            &fmt_dh(d.net),
        ));
    }
    v.push(rule());
    v.extend(wrapped(&chain_line(&r.chain_head)));
    v.push(pair("Édité le", &fmt_datetime_fr(&r.generated_at)));
    v.extend(
        [
            "",
            "Signature de l'organisateur :",
            "",
            "",
            "Signature de l'exposant :",
            "",
            "",
        ]
        .map(String::from),
    );
    Some(v)
}

fn figures(row: &SettlementRow) -> Vec<String> {
    let due_label = if row.due_to_exhibitor < Decimal::ZERO {
        "DÛ PAR L'EXPOSANT"
    } else {
        "DÛ À L'EXPOSANT"
    };
    vec![
        pair("Tickets", &fmt_count(row.tickets)),
        pair("Ventes brutes", &fmt_dh(row.gross)),
        pair("Remboursements", &fmt_dh(row.refunds)),
        pair("Ventes nettes", &fmt_dh(row.net)),
        pair("  Espèces", &fmt_dh(row.cash)),
        pair("  Carte", &fmt_dh(row.card)),
        pair("  Mobile", &fmt_dh(row.mobile)),
        pair("  Autre", &fmt_dh(row.other)),
        pair(
            "Encaissé par l'organisateur",
            &fmt_dh(row.collected_by_organiser),
        ),
        pair(
            "Encaissé par l'exposant",
            &fmt_dh(row.collected_by_exhibitor),
        ),
        pair(
            &format!("Commission ({})", fmt_rate(row.commission_rate)),
            &fmt_dh(row.commission),
        ),
        pair("Frais de stand", &fmt_dh(row.stall_fee)),
        pair(due_label, &fmt_dh(row.due_to_exhibitor.abs())),
    ]
}

/// The whole phase on a roll: per exhibitor its net and what is due, then the totals.
pub fn settlement_summary(r: &SettlementReport) -> Vec<String> {
    let mut v = header(&format!("RÈGLEMENT — PHASE {}", r.phase.number), &r.market);
    v.extend(wrapped(&phase_line(&r.phase)));
    v.extend(wrapped(&status_line(&r.phase)));
    v.push(rule());
    for row in &r.rows {
        v.extend(wrapped(&format!(
            "{} {}",
            row.exhibitor_code, row.exhibitor_name
        )));
        v.push(pair("  net", &fmt_dh(row.net)));
        v.push(pair("  dû à l'exposant", &fmt_dh(row.due_to_exhibitor)));
    }
    v.push(rule());
    let t = SettlementRow::totals(&r.rows);
    v.push(pair("Exposants", &fmt_count(r.rows.len() as u64)));
    v.extend(figures(&t));
    v.push(rule());
    v.extend(wrapped(&chain_line(&r.chain_head)));
    v.push(pair("Édité le", &fmt_datetime_fr(&r.generated_at)));
    v
}

/// Takings of one day per exhibitor (all tills of this database, or one).
pub fn day(r: &DayReport) -> Vec<String> {
    let scope = match &r.till {
        Some(t) => format!("caisse {t}"),
        None => "toutes caisses".to_string(),
    };
    let mut v = header(
        &format!("RECETTES DU {} — {scope}", fmt_date_fr(&r.date)),
        &r.market,
    );
    v.push(rule());
    for row in &r.rows {
        v.push(pair(
            &format!("{} {}", row.exhibitor_code, row.exhibitor_name),
            &fmt_dh(row.net),
        ));
    }
    let t = r.totals();
    v.push(rule());
    v.push(pair("Tickets", &fmt_count(t.tickets)));
    v.push(pair("Ventes brutes", &fmt_dh(t.gross)));
    v.push(pair("Remboursements", &fmt_dh(t.refunds)));
    v.push(pair("NET", &fmt_dh(t.net)));
    for (label, amount) in [
        ("  Espèces", t.cash),
        ("  Carte", t.card),
        ("  Mobile", t.mobile),
        ("  Autre", t.other),
    ] {
        v.push(pair(label, &fmt_dh(amount)));
    }
    if !r.chain_head.is_empty() {
        v.extend(wrapped(&chain_line(&r.chain_head)));
    }
    v.push(pair("Édité le", &fmt_datetime_fr(&r.generated_at)));
    v
}

/// The figures a region publishes after a fair, on a roll.
pub fn phase_totals(p: &PhaseTotals) -> Vec<String> {
    let mut v = header(&format!("TOTAUX DE LA PHASE {}", p.phase.number), &p.market);
    v.extend(wrapped(&phase_line(&p.phase)));
    v.extend(wrapped(&status_line(&p.phase)));
    v.push(rule());
    v.push(pair("Exposants", &fmt_count(p.exhibitors)));
    v.push(pair("Tickets", &fmt_count(p.tickets)));
    v.push(pair("Ventes nettes", &fmt_dh(p.net)));
    v.push(pair("Panier moyen", &fmt_dh(p.average_basket)));
    for (label, amount) in p.by_method.labelled() {
        v.push(pair(&format!("  {label}"), &fmt_dh(amount)));
    }
    for (title, group, rows) in p.groups() {
        v.push(rule());
        v.push(format!("{title} :"));
        for g in rows {
            v.push(pair(
                &format!(
                    "  {} ({})",
                    super::group_label(group, &g.label),
                    g.exhibitors
                ),
                &fmt_dh(g.net),
            ));
        }
    }
    v.push(rule());
    v.push("Meilleures ventes :".into());
    for pr in &p.top_products {
        v.push(pair(
            &format!("  {} {}", pr.code, pr.name_fr),
            &fmt_dh(pr.net),
        ));
    }
    v.push(rule());
    v.extend(wrapped(&chain_line(&p.chain_head)));
    v.push(pair("Édité le", &fmt_datetime_fr(&p.generated_at)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn fits(lines: &[String]) {
        for l in lines {
            assert!(l.chars().count() <= SLIP_WIDTH, "trop large : {l:?}");
        }
    }

    #[test]
    fn every_slip_fits_the_roll() {
        let s = sample::settlement();
        let code = s.rows[0].exhibitor_code.clone();
        fits(&statement(&s, &code).unwrap());
        fits(&settlement_summary(&s));
        fits(&day(&sample::day()));
        fits(&phase_totals(&sample::phase_totals()));
    }

    #[test]
    fn statement_shows_the_exhibitor_figures() {
        let s = sample::settlement();
        let row = &s.rows[0];
        let lines = statement(&s, &row.exhibitor_code).unwrap();
        let text = lines.join("\n");
        assert!(text.contains(&row.exhibitor_code));
        assert!(text.contains(&fmt_dh(row.net)));
        assert!(text.contains(&fmt_dh(row.due_to_exhibitor.abs())));
        assert!(text.contains("Signature de l'exposant"));
        assert!(statement(&s, "E999").is_none());
    }

    #[test]
    fn summary_totals_add_the_rows() {
        let s = sample::settlement();
        let text = settlement_summary(&s).join("\n");
        let t = SettlementRow::totals(&s.rows);
        assert!(text.contains(&pair("Ventes nettes", &fmt_dh(t.net))));
    }

    #[test]
    fn header_lines_wrap_between_words() {
        let w = wrapped("Organisateur : Conseil de la région Fès-Meknès et partenaires");
        assert_eq!(w[0], "Organisateur : Conseil de la région");
        assert_eq!(w[1], "Fès-Meknès et partenaires");
        let h = wrapped(&format!("Empreinte : {}", "a".repeat(64)));
        assert!(h.iter().all(|l| l.chars().count() <= SLIP_WIDTH));
        assert_eq!(h.concat().matches('a').count(), 64);
    }

    #[test]
    fn a_long_label_keeps_its_amount() {
        let l = pair(&"x".repeat(60), "1.234,50 DH");
        assert_eq!(l.chars().count(), SLIP_WIDTH);
        assert!(l.ends_with(" 1.234,50 DH"));
    }
}
