//! Terminal renderings, French number format, at most [`WIDTH`] columns.
//! The settlement is two tables: settlement figures, then payment methods
//! (all 13 money columns side by side cannot fit 120 columns legibly).

use rust_decimal::Decimal;

use super::model::*;
use super::numbers::{fmt_count, fmt_date_fr, fmt_datetime_fr, fmt_dh, fmt_fr, fmt_qty};
use super::table::{Column, Table};

/// Widest line of a terminal report.
pub(crate) const WIDTH: usize = 120;

/// `Phase 1 « Printemps » du 01/05/2025 au 10/05/2025`
pub(crate) fn phase_line(p: &PhaseHeader) -> String {
    format!(
        "{} du {} au {}",
        phase_name(p),
        fmt_date_fr(&p.starts),
        fmt_date_fr(&p.ends)
    )
}

/// `Phase 2 « Printemps »`, or `Phase 2` when the name says nothing more.
pub(crate) fn phase_name(p: &PhaseHeader) -> String {
    let plain = format!("Phase {}", p.number);
    let name = p.name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case(&plain) {
        plain
    } else {
        format!("{plain} « {name} »")
    }
}

/// `PHASE 2` for titles: the phase's name follows on its own line ([`phase_line`]).
pub(crate) fn phase_title(p: &PhaseHeader) -> String {
    format!("PHASE {}", p.number)
}

/// Closed (when, by whom) or the provisional warning.
pub(crate) fn status_line(p: &PhaseHeader) -> String {
    match (&p.closed_at, &p.closed_by) {
        (Some(at), Some(by)) => format!("Clôturée le {} par {by}", fmt_datetime_fr(at)),
        (Some(at), None) => format!("Clôturée le {}", fmt_datetime_fr(at)),
        _ => p.provisional(),
    }
}

/// `Salon … — Ifrane`; the name alone when there is no city or the name already says it.
pub(crate) fn market_line(m: &MarketHeader) -> String {
    let city = m.city.trim();
    if city.is_empty() || m.name.contains(city) {
        m.name.clone()
    } else {
        format!("{} — {city}", m.name)
    }
}

pub(crate) fn chain_line(chain_head: &str) -> String {
    format!("Empreinte du journal : {chain_head}")
}

/// `Dont compléments (ventes tardives) : 1 ticket, 190,00 DH`, or `None` when nothing came late.
pub(crate) fn late_line(late: &LateShare) -> Option<String> {
    (!late.is_empty()).then(|| {
        let s = if late.tickets > 1 { "s" } else { "" };
        format!(
            "Dont compléments (ventes tardives) : {} ticket{s}, {}",
            fmt_count(late.tickets),
            fmt_dh(late.net)
        )
    })
}

/// Share of `part` in `whole`, `73,9 %`; a dash when the whole is zero.
pub(crate) fn share(part: Decimal, whole: Decimal) -> String {
    if whole.is_zero() {
        return "–".to_string();
    }
    let pct = (part * Decimal::ONE_HUNDRED / whole)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{} %", format!("{pct:.1}").replace('.', ","))
}

fn header(title: &str, market: &MarketHeader, phase: &PhaseHeader, generated_at: &str) -> String {
    let organiser = (!market.organiser.trim().is_empty())
        .then(|| format!("Organisateur : {}", market.organiser));
    let lines = [
        Some(title.to_string()),
        Some(market_line(market)),
        organiser,
        Some(phase_line(phase)),
        Some(status_line(phase)),
        Some(format!("Édité le {}", fmt_datetime_fr(generated_at))),
    ];
    lines.into_iter().flatten().map(|l| l + "\n").collect()
}

/// The journal witness on one line, or its label over the hash when that is too wide.
fn chain_text(head: &str, width: usize) -> String {
    let line = chain_line(head);
    if line.chars().count() <= width {
        line
    } else {
        format!("Empreinte du journal :\n{head}")
    }
}

/// `a · b · c` on one line when it fits `width`, else one per line.
fn joined(parts: &[String], width: usize) -> String {
    let line = parts.join(" · ");
    if line.chars().count() <= width {
        line + "\n"
    } else {
        parts.iter().map(|p| format!("{p}\n")).collect()
    }
}

/// Below this many columns the wide tables are printed in two narrower ones.
const SPLIT_BELOW: usize = 110;

/// The settlement of a phase, at most `width` columns wide (the terminal's).
pub(crate) fn settlement(r: &SettlementReport, width: usize) -> String {
    let title = format!("RÈGLEMENT DES EXPOSANTS — {}", phase_title(&r.phase));
    let mut out = header(&title, &r.market, &r.phase, &r.generated_at);
    let totals = r.totals();
    out.push('\n');
    if width >= SPLIT_BELOW {
        out.push_str(&figures_table(&r.rows, &totals, FIGURES_ALL).render(width));
    } else {
        out.push_str("Ventes\n");
        out.push_str(&figures_table(&r.rows, &totals, FIGURES_SALES).render(width));
        out.push_str("\nRèglement\n");
        out.push_str(&figures_table(&r.rows, &totals, FIGURES_DUE).render(width));
    }
    out.push_str("Dû expo. : solde dû à l'exposant ; négatif, montant dû par l'exposant\n");
    out.push_str("à l'organisateur.\n\n");
    out.push_str("Moyens de paiement\n");
    out.push_str(&methods_table(&r.rows, &totals).render(width));
    out.push('\n');
    out.push_str(&joined(
        &[
            format!("Ventes nettes : {}", fmt_dh(totals.net)),
            format!("Commissions : {}", fmt_dh(totals.commission)),
            format!("Droits de stand : {}", fmt_dh(totals.stall_fee)),
        ],
        width,
    ));
    out.push_str(&format!(
        "Solde dû aux exposants : {}\n",
        fmt_dh(totals.due_to_exhibitor)
    ));
    out.push_str(&chain_text(&r.chain_head, width));
    out.push('\n');
    out
}

/// The settlement's figure columns after code and name: tickets (0), then the eight amounts (1..=8).
const FIGURE_HEADERS: [&str; 9] = [
    "Tick.",
    "Brut",
    "Remb.",
    "Net",
    "Comm.",
    "Stand",
    "Enc. org.",
    "Enc. exp.",
    "Dû expo.",
];
const FIGURES_ALL: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7, 8];
const FIGURES_SALES: &[usize] = &[0, 1, 2, 3];
const FIGURES_DUE: &[usize] = &[3, 4, 5, 6, 7, 8];

fn figures_table(rows: &[SettlementRow], totals: &SettlementRow, which: &[usize]) -> Table {
    let mut cols = vec![Column::left("Code"), Column::name("Exposant")];
    cols.extend(which.iter().map(|&i| Column::right(FIGURE_HEADERS[i])));
    let mut t = Table::new(cols);
    let cells = |code: &str, name: &str, r: &SettlementRow| {
        let money = [
            r.gross,
            r.refunds,
            r.net,
            r.commission,
            r.stall_fee,
            r.collected_by_organiser,
            r.collected_by_exhibitor,
            r.due_to_exhibitor,
        ];
        let mut all = vec![fmt_count(r.tickets)];
        all.extend(money.map(fmt_fr));
        let mut c = vec![code.to_string(), name.to_string()];
        c.extend(which.iter().map(|&i| all[i].clone()));
        c
    };
    for r in rows {
        t.row(cells(&r.exhibitor_code, &r.exhibitor_name, r));
    }
    t.footer(cells("TOTAL", "", totals));
    t
}

fn methods_table(rows: &[SettlementRow], totals: &SettlementRow) -> Table {
    let mut t = Table::new(vec![
        Column::left("Code"),
        Column::name("Exposant"),
        Column::right("Espèces"),
        Column::right("Carte"),
        Column::right("Mobile"),
        Column::right("Autre"),
        Column::right("Net"),
    ]);
    let cells = |code: &str, name: &str, r: &SettlementRow| {
        let mut c = vec![code.to_string(), name.to_string()];
        c.extend([r.cash, r.card, r.mobile, r.other, r.net].map(fmt_fr));
        c
    };
    for r in rows {
        t.row(cells(&r.exhibitor_code, &r.exhibitor_name, r));
    }
    t.footer(cells("TOTAL", "", totals));
    t
}

/// Takings per exhibitor for one day, at most `width` columns wide.
pub(crate) fn day(r: &DayReport, width: usize) -> String {
    let till = r
        .till
        .as_deref()
        .map_or("toutes caisses".to_string(), |t| format!("caisse {t}"));
    let mut out = format!("RECETTES DU {} — {till}\n", fmt_date_fr(&r.date));
    out.push_str(&market_line(&r.market));
    out.push('\n');
    if !r.market.organiser.trim().is_empty() {
        out.push_str(&format!("Organisateur : {}\n", r.market.organiser));
    }
    out.push_str(&format!(
        "Édité le {}\n\n",
        fmt_datetime_fr(&r.generated_at)
    ));
    if width >= SPLIT_BELOW {
        out.push_str(&day_table(r, DAY_ALL).render(width));
    } else {
        out.push_str("Ventes\n");
        out.push_str(&day_table(r, DAY_SALES).render(width));
        out.push_str("\nMoyens de paiement\n");
        out.push_str(&day_table(r, DAY_METHODS).render(width));
    }
    if !r.chain_head.is_empty() {
        out.push('\n');
        out.push_str(&chain_text(&r.chain_head, width));
        out.push('\n');
    }
    out
}

/// The day's columns after code and name: tickets (0), then seven amounts (1..=7).
const DAY_HEADERS: [&str; 8] = [
    "Tick.", "Brut", "Remb.", "Net", "Espèces", "Carte", "Mobile", "Autre",
];
const DAY_ALL: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7];
const DAY_SALES: &[usize] = &[0, 1, 2, 3];
const DAY_METHODS: &[usize] = &[4, 5, 6, 7, 3];

fn day_table(r: &DayReport, which: &[usize]) -> Table {
    let mut cols = vec![Column::left("Code"), Column::name("Exposant")];
    cols.extend(which.iter().map(|&i| Column::right(DAY_HEADERS[i])));
    let mut t = Table::new(cols);
    let cells = |code: &str, name: &str, d: &DayReportRow| {
        let mut all = vec![fmt_count(d.tickets)];
        all.extend([d.gross, d.refunds, d.net, d.cash, d.card, d.mobile, d.other].map(fmt_fr));
        let mut c = vec![code.to_string(), name.to_string()];
        c.extend(which.iter().map(|&i| all[i].clone()));
        c
    };
    for d in &r.rows {
        t.row(cells(&d.exhibitor_code, &d.exhibitor_name, d));
    }
    t.footer(cells("TOTAL", "", &r.totals()));
    t
}

/// The phase totals for the region, at most `width` columns wide.
pub(crate) fn phase_totals(p: &PhaseTotals, width: usize) -> String {
    let title = format!("TOTAUX DE LA {}", phase_title(&p.phase));
    let mut out = header(&title, &p.market, &p.phase, &p.generated_at);
    out.push('\n');
    out.push_str(&joined(
        &[
            format!("Exposants : {}", fmt_count(p.exhibitors)),
            format!("Tickets : {}", fmt_count(p.tickets)),
            format!("Ventes nettes : {}", fmt_dh(p.net)),
            format!("Panier moyen : {}", fmt_dh(p.average_basket)),
        ],
        width,
    ));
    if let Some(line) = late_line(&p.late) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    let mut methods = Table::new(vec![
        Column::left("Moyen de paiement"),
        Column::right("Montant"),
        Column::right("Part"),
    ]);
    for (label, amount) in p.by_method.labelled() {
        methods.row(vec![label.into(), fmt_fr(amount), share(amount, p.net)]);
    }
    out.push_str(&methods.render(width));
    for (title, group, rows) in p.groups() {
        out.push('\n');
        out.push_str(title);
        out.push('\n');
        out.push_str(&group_table(group, rows, p.net).render(width));
    }
    out.push_str("\nProduits les plus vendus\n");
    out.push_str(&products_table(&p.top_products).render(width));
    out.push('\n');
    out.push_str(&chain_text(&p.chain_head, width));
    out.push('\n');
    out
}

fn group_table(group: &str, rows: &[GroupRow], whole: Decimal) -> Table {
    let mut t = Table::new(vec![
        Column::name("Libellé"),
        Column::right("Exposants"),
        Column::right("Tickets"),
        Column::right("Net"),
        Column::right("Part"),
    ]);
    for g in rows {
        t.row(vec![
            super::group_label(group, &g.label),
            fmt_count(g.exhibitors),
            fmt_count(g.tickets),
            fmt_fr(g.net),
            share(g.net, whole),
        ]);
    }
    t
}

fn products_table(rows: &[ProductRow]) -> Table {
    let mut t = Table::new(vec![
        Column::right("Rang"),
        Column::left("Code"),
        Column::name("Produit"),
        Column::left("Exposant"),
        Column::right("Quantité"),
        Column::left("Unité"),
        Column::right("Net"),
    ]);
    for (i, p) in rows.iter().enumerate() {
        t.row(vec![
            (i + 1).to_string(),
            p.code.clone(),
            p.name_fr.clone(),
            p.exhibitor_code.clone(),
            fmt_qty(p.quantity),
            super::unit_label(&p.unit),
            fmt_fr(p.net),
        ]);
    }
    t
}
