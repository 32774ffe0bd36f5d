//! Excel workbooks. Byte-identical for the same input: rust_xlsxwriter
//! stamps `docProps/core.xml` with the current UTC time unless a creation
//! date is set (zip entries already use a fixed date), so we set it from
//! the report's `generated_at`.
//!
//! Totals rows are `SUM` formulas with their cached result written too:
//! readers that do not recalculate (calamine, previews) still see the value.

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as XFormat, Formula, Workbook, Worksheet,
};

use super::Result;
use super::model::*;
use super::numbers::fmt_machine;
use super::text::{phase_line, status_line};

/// One cell of a table.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Count(u64),
    Money(Decimal),
    Rate(Decimal),
    /// A quantity (kg, l, pieces): up to 3 decimals.
    Qty(Decimal),
    /// `YYYY-MM-DD`, written as an Excel date when it parses.
    Date(String),
}

/// Sheet names (also used by tests).
pub const SETTLEMENT_SHEETS: [&str; 3] = ["Règlement", "Journalier", "Synthèse"];

struct Formats {
    header: XFormat,
    bold: XFormat,
    money: XFormat,
    money_bold: XFormat,
    count: XFormat,
    count_bold: XFormat,
    rate: XFormat,
    qty: XFormat,
    date: XFormat,
    // A text that a spreadsheet would take for a formula stays text, even when the cell is edited.
    quoted: XFormat,
}

impl Formats {
    fn new() -> Self {
        let header = XFormat::new().set_bold().set_background_color("D9E1F2");
        Formats {
            header,
            bold: XFormat::new().set_bold(),
            money: XFormat::new().set_num_format("#,##0.00"),
            money_bold: XFormat::new().set_num_format("#,##0.00").set_bold(),
            count: XFormat::new().set_num_format("#,##0"),
            count_bold: XFormat::new().set_num_format("#,##0").set_bold(),
            rate: XFormat::new().set_num_format("0.0%"),
            qty: XFormat::new().set_num_format("#,##0.###"),
            date: XFormat::new().set_num_format("dd/mm/yyyy"),
            quoted: XFormat::new().set_quote_prefix(),
        }
    }
}

/// A workbook whose metadata date comes from `generated_at`.
fn workbook(generated_at: &str, title: &str) -> Result<Workbook> {
    let mut wb = Workbook::new();
    let stamp = ExcelDateTime::parse_from_str(&generated_at.replace(' ', "T"))
        .or_else(|_| ExcelDateTime::parse_from_str("2000-01-01"))?;
    let props = DocProperties::new()
        .set_title(title)
        .set_author("souk")
        .set_creation_datetime(&stamp);
    wb.set_properties(&props);
    Ok(wb)
}

fn write_cell(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, cell: &Cell) -> Result<()> {
    match cell {
        Cell::Text(s) if super::csv::starts_formula(s) => {
            ws.write_string_with_format(row, col, s, &f.quoted)?
        }
        Cell::Text(s) => ws.write_string(row, col, s)?,
        Cell::Count(n) => ws.write_number_with_format(row, col, *n as f64, &f.count)?,
        Cell::Money(d) => ws.write_with_format(row, col, *d, &f.money)?,
        Cell::Rate(d) => ws.write_with_format(row, col, *d, &f.rate)?,
        Cell::Qty(d) => ws.write_with_format(row, col, *d, &f.qty)?,
        Cell::Date(s) => match ExcelDateTime::parse_from_str(s) {
            Ok(d) => ws.write_datetime_with_format(row, col, &d, &f.date)?,
            Err(_) => ws.write_string(row, col, s)?,
        },
    };
    Ok(())
}

/// A table at the top of `ws`: bold header, frozen header row, autofilter
/// over the data, then a TOTAL row summing every count and money column.
fn write_table(
    ws: &mut Worksheet,
    f: &Formats,
    headers: &[&str],
    rows: &[Vec<Cell>],
    totals: bool,
) -> Result<()> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, f, r as u32 + 1, c as u16, cell)?;
        }
    }
    let last_col = headers.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len().max(1) as u32, last_col)?;
    set_widths(ws, headers, rows)?;
    print_setup(ws)?;
    if totals && !rows.is_empty() {
        write_totals(ws, f, rows)?;
    }
    Ok(())
}

/// On paper: A4 landscape, all columns on one page width, the header row repeated on every page.
fn print_setup(ws: &mut Worksheet) -> Result<()> {
    const A4: u8 = 9;
    ws.set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// TOTAL under the data: `SUM` formulas with their exact cached results.
fn write_totals(ws: &mut Worksheet, f: &Formats, rows: &[Vec<Cell>]) -> Result<()> {
    let row = rows.len() as u32 + 1;
    ws.write_string_with_format(row, 0, "TOTAL", &f.bold)?;
    for c in 0..rows[0].len() {
        let col = column_letter(c);
        let sum = |fmt: &XFormat, result: String, ws: &mut Worksheet| {
            let formula = Formula::new(format!("=SUM({col}2:{col}{row})")).set_result(result);
            ws.write_formula_with_format(row, c as u16, formula, fmt)
                .map(|_| ())
        };
        match &rows[0][c] {
            Cell::Money(_) => sum(&f.money_bold, fmt_machine(column_sum(rows, c)), ws)?,
            Cell::Count(_) => sum(&f.count_bold, column_sum(rows, c).to_string(), ws)?,
            _ => {}
        }
    }
    Ok(())
}

/// Under a tickets column, the distinct tickets as a value, not a `SUM`: a ticket of several exhibitors (or
/// days' rows) is one ticket.
fn distinct_tickets(
    ws: &mut Worksheet,
    f: &Formats,
    rows: usize,
    col: u16,
    tickets: u64,
) -> Result<()> {
    if rows > 0 {
        ws.write_number_with_format(rows as u32 + 1, col, tickets as f64, &f.count_bold)?;
    }
    Ok(())
}

fn column_sum(rows: &[Vec<Cell>], c: usize) -> Decimal {
    rows.iter()
        .map(|r| match &r[c] {
            Cell::Money(d) => *d,
            Cell::Count(n) => Decimal::from(*n),
            _ => Decimal::ZERO,
        })
        .sum()
}

/// `0` → `A`, `26` → `AA`.
fn column_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn set_widths(ws: &mut Worksheet, headers: &[&str], rows: &[Vec<Cell>]) -> Result<()> {
    for (c, h) in headers.iter().enumerate() {
        let longest = rows
            .iter()
            .map(|r| match &r[c] {
                Cell::Text(s) => s.chars().count(),
                _ => 12,
            })
            .chain([h.chars().count() + 3])
            .max()
            .unwrap_or(10);
        ws.set_column_width(c as u16, longest.clamp(8, 60) as f64)?;
    }
    Ok(())
}

/// `label | value` lines, from row `start`; returns the next free row.
fn write_pairs(ws: &mut Worksheet, f: &Formats, start: u32, pairs: &[(&str, Cell)]) -> Result<u32> {
    for (i, (label, value)) in pairs.iter().enumerate() {
        let row = start + i as u32;
        ws.write_string_with_format(row, 0, *label, &f.bold)?;
        write_cell(ws, f, row, 1, value)?;
    }
    Ok(start + pairs.len() as u32)
}

fn header_pairs(
    m: &MarketHeader,
    p: &PhaseHeader,
    generated_at: &str,
) -> Vec<(&'static str, Cell)> {
    vec![
        ("Marché", Cell::Text(m.name.clone())),
        ("Organisateur", Cell::Text(m.organiser.clone())),
        ("Ville", Cell::Text(m.city.clone())),
        ("Phase", Cell::Text(phase_line(p))),
        ("Statut", Cell::Text(status_line(p))),
        ("Édité le", Cell::Text(generated_at.to_string())),
    ]
}

const SETTLEMENT_COLUMNS: [&str; 19] = [
    "Phase",
    "Code",
    "Exposant",
    "ICE",
    "Forme",
    "Tickets",
    "Ventes brutes",
    "Remboursements",
    "Net",
    "Espèces",
    "Carte",
    "Mobile",
    "Autre",
    "Taux commission",
    "Commission",
    "Droit de stand",
    "Encaissé par l'organisateur",
    "Encaissé par l'exposant",
    "Solde dû à l'exposant",
];

fn settlement_cells(r: &SettlementRow) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Count(r.phase.into()),
        Cell::Text(r.exhibitor_code.clone()),
        Cell::Text(r.exhibitor_name.clone()),
        Cell::Text(r.ice.clone().unwrap_or_default()),
        Cell::Text(crate::domain::labels::kind_label(&r.kind)),
        Cell::Count(r.tickets),
    ];
    cells.extend([r.gross, r.refunds, r.net, r.cash, r.card, r.mobile, r.other].map(Cell::Money));
    cells.push(Cell::Rate(r.commission_rate));
    let rest = [
        r.commission,
        r.stall_fee,
        r.collected_by_organiser,
        r.collected_by_exhibitor,
        r.due_to_exhibitor,
    ];
    cells.extend(rest.map(Cell::Money));
    cells
}

pub(crate) fn settlement(r: &SettlementReport) -> Result<Vec<u8>> {
    let title = format!("Règlement — phase {} — {}", r.phase.number, r.market.name);
    let mut wb = workbook(&r.generated_at, &title)?;
    let f = Formats::new();
    let rows: Vec<Vec<Cell>> = r.rows.iter().map(settlement_cells).collect();
    let ws = wb.add_worksheet().set_name(SETTLEMENT_SHEETS[0])?;
    write_table(ws, &f, &SETTLEMENT_COLUMNS, &rows, true)?;
    // The phase column is not a quantity: no sum under it.
    ws.write_string(rows.len() as u32 + 1, 0, "TOTAL")?;
    distinct_tickets(ws, &f, rows.len(), 5, r.tickets)?;

    let daily: Vec<Vec<Cell>> = r.daily.iter().map(|d| daily_cells(r, d)).collect();
    let ws = wb.add_worksheet().set_name(SETTLEMENT_SHEETS[1])?;
    let headers = [
        "Date", "Code", "Exposant", "Tickets", "Net", "Espèces", "Carte", "Mobile", "Autre",
    ];
    write_table(ws, &f, &headers, &daily, true)?;
    distinct_tickets(ws, &f, daily.len(), 3, r.tickets)?;

    let ws = wb.add_worksheet().set_name(SETTLEMENT_SHEETS[2])?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 70)?;
    let next = write_pairs(
        ws,
        &f,
        0,
        &header_pairs(&r.market, &r.phase, &r.generated_at),
    )?;
    let t = r.totals();
    let figures = [
        ("Exposants", Cell::Count(r.rows.len() as u64)),
        ("Tickets", Cell::Count(t.tickets)),
        ("Ventes brutes", Cell::Money(t.gross)),
        ("Remboursements", Cell::Money(t.refunds)),
        ("Net", Cell::Money(t.net)),
        ("Espèces", Cell::Money(t.cash)),
        ("Carte", Cell::Money(t.card)),
        ("Mobile", Cell::Money(t.mobile)),
        ("Autre", Cell::Money(t.other)),
        ("Commissions", Cell::Money(t.commission)),
        ("Droits de stand", Cell::Money(t.stall_fee)),
        (
            "Encaissé par l'organisateur",
            Cell::Money(t.collected_by_organiser),
        ),
        (
            "Encaissé par les exposants",
            Cell::Money(t.collected_by_exhibitor),
        ),
        ("Solde dû aux exposants", Cell::Money(t.due_to_exhibitor)),
    ];
    let next = write_pairs(ws, &f, next + 1, &figures)?;
    write_pairs(
        ws,
        &f,
        next + 1,
        &[("Empreinte du journal", Cell::Text(r.chain_head.clone()))],
    )?;
    Ok(wb.save_to_buffer()?)
}

fn daily_cells(r: &SettlementReport, d: &DailyRow) -> Vec<Cell> {
    let name = r.rows.iter().find(|x| x.exhibitor_code == d.exhibitor_code);
    let mut cells = vec![
        Cell::Date(d.date.clone()),
        Cell::Text(d.exhibitor_code.clone()),
        Cell::Text(name.map(|x| x.exhibitor_name.clone()).unwrap_or_default()),
        Cell::Count(d.tickets),
    ];
    cells.extend([d.net, d.cash, d.card, d.mobile, d.other].map(Cell::Money));
    cells
}

pub(crate) fn day(r: &DayReport) -> Result<Vec<u8>> {
    let mut wb = workbook(&r.generated_at, &format!("Recettes du {}", r.date))?;
    let f = Formats::new();
    let till = r.till.clone().unwrap_or_else(|| "toutes".into());
    let rows: Vec<Vec<Cell>> = r
        .rows
        .iter()
        .map(|d| {
            let mut c = vec![Cell::Date(r.date.clone()), Cell::Text(till.clone())];
            c.extend([&d.exhibitor_code, &d.exhibitor_name].map(|s| Cell::Text(s.clone())));
            c.push(Cell::Count(d.tickets));
            c.extend(
                [d.gross, d.refunds, d.net, d.cash, d.card, d.mobile, d.other].map(Cell::Money),
            );
            c
        })
        .collect();
    let headers = [
        "Date",
        "Caisse",
        "Code",
        "Exposant",
        "Tickets",
        "Ventes brutes",
        "Remboursements",
        "Net",
        "Espèces",
        "Carte",
        "Mobile",
        "Autre",
    ];
    let ws = wb.add_worksheet().set_name("Recettes")?;
    write_table(ws, &f, &headers, &rows, true)?;
    Ok(wb.save_to_buffer()?)
}

pub(crate) fn phase_totals(p: &PhaseTotals) -> Result<Vec<u8>> {
    let mut wb = workbook(&p.generated_at, &format!("Totaux phase {}", p.phase.number))?;
    let f = Formats::new();
    let ws = wb.add_worksheet().set_name("Synthèse")?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 70)?;
    let next = write_pairs(
        ws,
        &f,
        0,
        &header_pairs(&p.market, &p.phase, &p.generated_at),
    )?;
    let mut figures = vec![
        ("Exposants", Cell::Count(p.exhibitors)),
        ("Tickets", Cell::Count(p.tickets)),
        ("Ventes nettes", Cell::Money(p.net)),
        ("Panier moyen", Cell::Money(p.average_basket)),
    ];
    if !p.late.is_empty() {
        figures.extend([
            (
                "Dont tickets tardifs (compléments)",
                Cell::Count(p.late.tickets),
            ),
            (
                "Dont ventes tardives (compléments)",
                Cell::Money(p.late.net),
            ),
        ]);
    }
    figures.extend(p.by_method.labelled().map(|(l, v)| (l, Cell::Money(v))));
    figures.push(("Empreinte du journal", Cell::Text(p.chain_head.clone())));
    write_pairs(ws, &f, next + 1, &figures)?;

    let headers = ["Regroupement", "Libellé", "Exposants", "Tickets", "Net"];
    let groups: Vec<Vec<Cell>> = p
        .groups()
        .iter()
        .flat_map(|(title, group, rows)| {
            rows.iter().map(|g| {
                let label = super::group_label(group, &g.label);
                let (t, l) = (Cell::Text(title.to_string()), Cell::Text(label));
                vec![
                    t,
                    l,
                    Cell::Count(g.exhibitors),
                    Cell::Count(g.tickets),
                    Cell::Money(g.net),
                ]
            })
        })
        .collect();
    write_table(
        wb.add_worksheet().set_name("Répartition")?,
        &f,
        &headers,
        &groups,
        false,
    )?;

    let headers = [
        "Code",
        "Produit",
        "Nom arabe",
        "Exposant",
        "Quantité",
        "Unité",
        "Net",
    ];
    let products: Vec<Vec<Cell>> = p
        .top_products
        .iter()
        .map(|t| {
            let texts = [
                &t.code,
                &t.name_fr,
                &t.name_ar.clone().unwrap_or_default(),
                &t.exhibitor_code,
            ];
            let mut c: Vec<Cell> = texts.map(|s| Cell::Text(s.clone())).into();
            c.extend([
                Cell::Qty(t.quantity),
                Cell::Text(super::unit_label(&t.unit)),
                Cell::Money(t.net),
            ]);
            c
        })
        .collect();
    write_table(
        wb.add_worksheet().set_name("Produits")?,
        &f,
        &headers,
        &products,
        false,
    )?;
    Ok(wb.save_to_buffer()?)
}

/// One sheet of a workbook of tables: a table in the house style (header, filter, widths, A4 landscape), with a
/// TOTAL row summing its count and money columns except `unsummed` (e.g. a phase number).
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: &'a [&'a str],
    pub rows: Vec<Vec<Cell>>,
    pub unsummed: &'a [usize],
}

/// A workbook of tables, one sheet each, styled and set up for print as the organiser's workbooks.
pub fn tables(title: &str, generated_at: &str, sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut wb = workbook(generated_at, title)?;
    let f = Formats::new();
    for sheet in sheets {
        let ws = wb.add_worksheet().set_name(sheet.name)?;
        write_table(ws, &f, sheet.headers, &sheet.rows, true)?;
        if !sheet.rows.is_empty() {
            let total = sheet.rows.len() as u32 + 1;
            for c in sheet.unsummed.iter().filter(|c| **c > 0) {
                ws.clear_cell(total, *c as u16);
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}
