//! A4 PDF reports. The settlement is a summary of all exhibitors (first
//! page; more for large markets) then one statement page per exhibitor, to
//! hand over and sign. Deterministic: krilla derives the document id from
//! the content and writes no date unless told; we give it `generated_at`.

use krilla::metadata::{DateTime, Metadata};
use rust_decimal::Decimal;

use super::Result;
use super::model::*;
use super::numbers::{fmt_count, fmt_date_fr, fmt_datetime_fr, fmt_dh, fmt_fr, fmt_qty, fmt_rate};
use super::pdf_layout::{Col, Fonts, Layout, Style, render};
use super::text::{
    chain_line, late_line, market_line, phase_line, phase_title, share, status_line,
};

const fn col(header: &'static str, width: f32, right: bool) -> Col {
    Col {
        header,
        width,
        right,
    }
}

/// The market's UTC offset at a local `YYYY-MM-DD HH:MM`, in minutes.
fn market_offset_minutes(local: &str) -> Option<i32> {
    let civil: jiff::civil::DateTime = local.replacen(' ', "T", 1).parse().ok()?;
    let tz = jiff::tz::TimeZone::get(crate::storage::clock::MARKET_TZ).ok()?;
    let zoned = civil.to_zoned(tz).ok()?;
    Some(zoned.offset().seconds() / 60)
}

/// `YYYY-MM-DD HH:MM` (market time) as a PDF date with the market's UTC offset, so that a reader does not take
/// local time for UTC; unparsable parts are left out.
fn pdf_date(local: &str) -> Option<DateTime> {
    let digits: Vec<u16> = local
        .split(['-', ' ', 'T', ':'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [y, mo, d, rest @ ..] = digits.as_slice() else {
        return None;
    };
    let mut dt = DateTime::new(*y).month(*mo as u8).day(*d as u8);
    if let [h, mi, ..] = rest {
        dt = dt.hour(*h as u8).minute(*mi as u8);
        if let Some(off) = market_offset_minutes(local) {
            dt = dt
                .utc_offset_hour((off / 60) as i8)
                .utc_offset_minute((off % 60).unsigned_abs() as u8);
        }
    }
    Some(dt)
}

fn metadata(title: String, generated_at: &str) -> Metadata {
    let meta = Metadata::new()
        .title(title)
        .creator("souk".into())
        .language("fr".into());
    match pdf_date(generated_at) {
        Some(date) => meta.creation_date(date),
        None => meta,
    }
}

/// Title, market, organiser, phase and status lines.
fn head(
    l: &mut Layout,
    title: &str,
    market: &MarketHeader,
    phase: &PhaseHeader,
    generated_at: &str,
) {
    l.text(title, Style::bold(14.0));
    if !phase.is_closed() {
        l.text(&phase.provisional(), Style::bold(10.0));
    }
    l.text(&market_line(market), Style::bold(10.0));
    if !market.organiser.trim().is_empty() {
        l.text(
            &format!("Organisateur : {}", market.organiser),
            Style::regular(9.0),
        );
    }
    l.text(&phase_line(phase), Style::regular(9.0));
    if phase.is_closed() {
        l.text(&status_line(phase), Style::regular(9.0));
    }
    l.text(
        &format!("Édité le {}", fmt_datetime_fr(generated_at)),
        Style::regular(9.0),
    );
    l.rule();
}

const SUMMARY_COLS: [Col; 9] = [
    col("Code", 36.0, false),
    col("Exposant", 135.0, false),
    col("Tick.", 30.0, true),
    col("Net", 50.0, true),
    col("Comm.", 42.0, true),
    col("Stand", 40.0, true),
    col("Enc. org.", 54.0, true),
    col("Enc. exp.", 54.0, true),
    col("Solde dû", 54.0, true),
];

fn summary_cells(code: &str, name: &str, r: &SettlementRow) -> Vec<String> {
    let mut cells = vec![code.to_string(), name.to_string(), fmt_count(r.tickets)];
    let money = [
        r.net,
        r.commission,
        r.stall_fee,
        r.collected_by_organiser,
        r.collected_by_exhibitor,
        r.due_to_exhibitor,
    ];
    cells.extend(money.map(fmt_fr));
    cells
}

fn summary(l: &mut Layout, r: &SettlementReport) {
    l.page();
    let title = format!("RÈGLEMENT DES EXPOSANTS — {}", phase_title(&r.phase));
    head(l, &title, &r.market, &r.phase, &r.generated_at);
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|x| summary_cells(&x.exhibitor_code, &x.exhibitor_name, x))
        .collect();
    let totals = r.totals();
    l.table(
        &SUMMARY_COLS,
        &rows,
        Some(&summary_cells("TOTAL", "", &totals)),
        7.5,
    );
    l.text(
        "Solde dû négatif : montant dû par l'exposant à l'organisateur.",
        Style::regular(7.5),
    );
    l.gap(6.0);
    l.pair("Ventes nettes", &fmt_dh(totals.net), Style::regular(10.0));
    l.pair(
        "Commissions",
        &fmt_dh(totals.commission),
        Style::regular(10.0),
    );
    l.pair(
        "Droits de stand",
        &fmt_dh(totals.stall_fee),
        Style::regular(10.0),
    );
    l.pair(
        "Solde dû aux exposants",
        &fmt_dh(totals.due_to_exhibitor),
        Style::bold(10.0),
    );
    l.gap(8.0);
    l.text(&chain_line(&r.chain_head), Style::regular(7.5));
}

/// The settlement figures of one exhibitor, label → amount.
fn figures(l: &mut Layout, x: &SettlementRow) {
    let s = Style::regular(10.0);
    l.pair("Tickets", &fmt_count(x.tickets), s);
    l.pair("Ventes brutes", &fmt_dh(x.gross), s);
    l.pair("Remboursements", &fmt_dh(x.refunds), s);
    l.pair("Net", &fmt_dh(x.net), Style::bold(10.0));
    l.gap(4.0);
    for (label, v) in [
        ("Espèces", x.cash),
        ("Carte", x.card),
        ("Mobile", x.mobile),
        ("Autre", x.other),
    ] {
        l.pair(label, &fmt_dh(v), s);
    }
    l.gap(4.0);
    l.pair(
        &format!("Commission ({})", fmt_rate(x.commission_rate)),
        &fmt_dh(x.commission),
        s,
    );
    l.pair("Droit de stand", &fmt_dh(x.stall_fee), s);
    l.pair(
        "Encaissé par l'organisateur",
        &fmt_dh(x.collected_by_organiser),
        s,
    );
    l.pair(
        "Encaissé par l'exposant",
        &fmt_dh(x.collected_by_exhibitor),
        s,
    );
    l.rule();
    let (label, amount) = due_label(x.due_to_exhibitor);
    l.pair(label, &fmt_dh(amount), Style::bold(12.0));
}

/// Negative due reads as what the exhibitor owes, in a positive amount.
fn due_label(due: Decimal) -> (&'static str, Decimal) {
    if due < Decimal::ZERO {
        ("Solde dû par l'exposant", -due)
    } else {
        ("Solde dû à l'exposant", due)
    }
}

const DAILY_COLS: [Col; 7] = [
    col("Date", 80.0, false),
    col("Tickets", 50.0, true),
    col("Net", 75.0, true),
    col("Espèces", 75.0, true),
    col("Carte", 70.0, true),
    col("Mobile", 70.0, true),
    col("Autre", 75.0, true),
];

fn daily_cells(date: String, d: &DailyRow) -> Vec<String> {
    let mut cells = vec![date, fmt_count(d.tickets)];
    cells.extend([d.net, d.cash, d.card, d.mobile, d.other].map(fmt_fr));
    cells
}

fn statement(l: &mut Layout, r: &SettlementReport, x: &SettlementRow) {
    l.page();
    let title = format!("RELEVÉ DE RÈGLEMENT — {}", phase_title(&r.phase));
    head(l, &title, &r.market, &r.phase, &r.generated_at);
    l.text(
        &format!("Exposant {}", x.exhibitor_code),
        Style::regular(9.0),
    );
    l.text(&x.exhibitor_name, Style::bold(13.0));
    let ice = x.ice.as_deref().unwrap_or("non renseigné");
    l.text(
        &format!(
            "ICE : {ice} · Forme : {}",
            crate::domain::labels::kind_label(&x.kind)
        ),
        Style::regular(9.0),
    );
    l.rule();
    figures(l, x);
    l.gap(10.0);
    l.text("Détail journalier", Style::bold(10.0));
    let days: Vec<&DailyRow> = r.daily_of(&x.exhibitor_code).collect();
    if days.is_empty() {
        l.text(
            "Aucune vente enregistrée sur la phase.",
            Style::regular(9.0),
        );
    } else {
        let rows: Vec<Vec<String>> = days
            .iter()
            .map(|d| daily_cells(fmt_date_fr(&d.date), d))
            .collect();
        let total = daily_cells("Total".into(), &DailyRow::totals(days.iter().copied()));
        l.table(&DAILY_COLS, &rows, Some(&total), 8.0);
    }
    l.gap(6.0);
    l.text(&chain_line(&r.chain_head), Style::regular(7.0));
    l.text(
        "Solde = encaissé par l'organisateur − commission − droit de stand.",
        Style::regular(7.0),
    );
    l.signatures(&["L'exposant", "L'organisateur"]);
}

fn footer(market: &MarketHeader, generated_at: &str) -> String {
    format!(
        "souk · {} · édité le {}",
        market.name,
        fmt_datetime_fr(generated_at)
    )
}

pub(crate) fn settlement(r: &SettlementReport) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let mut l = Layout::new(&fonts);
    summary(&mut l, r);
    for x in &r.rows {
        statement(&mut l, r, x);
    }
    let title = format!("Règlement — phase {} — {}", r.phase.number, r.market.name);
    render(
        &fonts,
        &l.into_pages(),
        &footer(&r.market, &r.generated_at),
        metadata(title, &r.generated_at),
    )
}

const DAY_COLS: [Col; 10] = [
    col("Code", 34.0, false),
    col("Exposant", 130.0, false),
    col("Tick.", 28.0, true),
    col("Brut", 48.0, true),
    col("Remb.", 42.0, true),
    col("Net", 48.0, true),
    col("Espèces", 45.0, true),
    col("Carte", 40.0, true),
    col("Mobile", 40.0, true),
    col("Autre", 40.0, true),
];

pub(crate) fn day(r: &DayReport) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let mut l = Layout::new(&fonts);
    l.page();
    let till = r
        .till
        .as_deref()
        .map_or("toutes caisses".to_string(), |t| format!("caisse {t}"));
    l.text(
        &format!("RECETTES DU {} — {till}", fmt_date_fr(&r.date)),
        Style::bold(14.0),
    );
    l.text(&market_line(&r.market), Style::bold(10.0));
    if !r.market.organiser.trim().is_empty() {
        l.text(
            &format!("Organisateur : {}", r.market.organiser),
            Style::regular(9.0),
        );
    }
    l.text(
        &format!("Édité le {}", fmt_datetime_fr(&r.generated_at)),
        Style::regular(9.0),
    );
    l.rule();
    let cells = |code: &str, name: &str, d: &DayReportRow| {
        let mut c = vec![code.to_string(), name.to_string(), fmt_count(d.tickets)];
        c.extend([d.gross, d.refunds, d.net, d.cash, d.card, d.mobile, d.other].map(fmt_fr));
        c
    };
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|d| cells(&d.exhibitor_code, &d.exhibitor_name, d))
        .collect();
    l.table(
        &DAY_COLS,
        &rows,
        Some(&cells("TOTAL", "", &r.totals())),
        7.0,
    );
    if !r.chain_head.is_empty() {
        l.text(&chain_line(&r.chain_head), Style::regular(7.0));
    }
    let title = format!("Recettes du {}", r.date);
    render(
        &fonts,
        &l.into_pages(),
        &footer(&r.market, &r.generated_at),
        metadata(title, &r.generated_at),
    )
}

const GROUP_COLS: [Col; 5] = [
    col("Libellé", 215.0, false),
    col("Exposants", 70.0, true),
    col("Tickets", 70.0, true),
    col("Net", 85.0, true),
    col("Part", 55.0, true),
];

const PRODUCT_COLS: [Col; 8] = [
    col("N°", 26.0, true),
    col("Code", 52.0, false),
    col("Produit", 150.0, false),
    col("Nom arabe", 86.0, false),
    col("Exp.", 36.0, false),
    col("Quantité", 46.0, true),
    col("Unité", 34.0, false),
    col("Net", 65.0, true),
];

pub(crate) fn phase_totals(p: &PhaseTotals) -> Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let mut l = Layout::new(&fonts);
    l.page();
    let title = format!("TOTAUX DE LA {}", phase_title(&p.phase));
    head(&mut l, &title, &p.market, &p.phase, &p.generated_at);
    let s = Style::regular(10.0);
    l.pair("Exposants", &fmt_count(p.exhibitors), s);
    l.pair("Tickets", &fmt_count(p.tickets), s);
    l.pair("Ventes nettes", &fmt_dh(p.net), Style::bold(10.0));
    l.pair("Panier moyen", &fmt_dh(p.average_basket), s);
    if let Some(line) = late_line(&p.late) {
        l.text(&line, Style::regular(9.0));
    }
    for (label, amount) in p.by_method.labelled() {
        l.pair(
            label,
            &format!("{} ({})", fmt_dh(amount), share(amount, p.net)),
            s,
        );
    }
    for (title, group, rows) in p.groups() {
        l.gap(6.0);
        l.text(title, Style::bold(10.0));
        let cells = |g: &GroupRow| {
            vec![
                super::group_label(group, &g.label),
                fmt_count(g.exhibitors),
                fmt_count(g.tickets),
                fmt_fr(g.net),
                share(g.net, p.net),
            ]
        };
        l.table(
            &GROUP_COLS,
            &rows.iter().map(cells).collect::<Vec<_>>(),
            None,
            8.0,
        );
    }
    l.gap(6.0);
    l.text("Produits les plus vendus", Style::bold(10.0));
    let products: Vec<Vec<String>> = p
        .top_products
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ar = t.name_ar.clone().unwrap_or_default();
            vec![
                (i + 1).to_string(),
                t.code.clone(),
                t.name_fr.clone(),
                ar,
                t.exhibitor_code.clone(),
                fmt_qty(t.quantity),
                super::unit_label(&t.unit),
                fmt_fr(t.net),
            ]
        })
        .collect();
    l.table(&PRODUCT_COLS, &products, None, 8.0);
    l.gap(6.0);
    l.text(&chain_line(&p.chain_head), Style::regular(7.0));
    let title = format!("Totaux — phase {} — {}", p.phase.number, p.market.name);
    render(
        &fonts,
        &l.into_pages(),
        &footer(&p.market, &p.generated_at),
        metadata(title, &p.generated_at),
    )
}
