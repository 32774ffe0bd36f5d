//! XLSX read back with calamine: sheets, headers, figures, totals; stable bytes.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use souk::report::{Format, render_day, render_phase_totals, render_settlement, sample};

pub(crate) fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

pub(crate) fn num(range: &Range<Data>, row: usize, col: usize) -> f64 {
    match range.get_value((row as u32, col as u32)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("({row},{col}) is not a number: {other:?}"),
    }
}

fn string(range: &Range<Data>, row: usize, col: usize) -> String {
    range
        .get_value((row as u32, col as u32))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn money(d: Decimal) -> f64 {
    d.to_f64().unwrap()
}

fn assert_money(range: &Range<Data>, row: usize, col: usize, want: Decimal) {
    let got = num(range, row, col);
    assert!(
        (got - money(want)).abs() < 0.001,
        "({row},{col}): {got} != {want}"
    );
}

#[test]
fn settlement_workbook_reads_back() {
    let report = sample::settlement();
    let mut wb = open(render_settlement(&report, Format::Xlsx).unwrap());
    assert_eq!(wb.sheet_names(), ["Règlement", "Journalier", "Synthèse"]);

    let sheet = wb.worksheet_range("Règlement").unwrap();
    let header: Vec<String> = (0..19).map(|c| string(&sheet, 0, c)).collect();
    assert_eq!(&header[..3], ["Phase", "Code", "Exposant"]);
    assert_eq!(header[8], "Net");
    assert_eq!(header[18], "Solde dû à l'exposant");
    for (i, row) in report.rows.iter().enumerate() {
        let r = i + 1;
        assert_eq!(string(&sheet, r, 1), row.exhibitor_code);
        assert_eq!(string(&sheet, r, 2), row.exhibitor_name);
        assert_eq!(num(&sheet, r, 5), row.tickets as f64);
        assert_money(&sheet, r, 8, row.net);
        assert_money(&sheet, r, 14, row.commission);
        assert_money(&sheet, r, 18, row.due_to_exhibitor);
    }
    let t = report.totals();
    let tr = report.rows.len() + 1;
    assert_eq!(string(&sheet, tr, 0), "TOTAL");
    assert_eq!(num(&sheet, tr, 5), t.tickets as f64);
    let money_cols = [
        (6, t.gross),
        (7, t.refunds),
        (8, t.net),
        (9, t.cash),
        (10, t.card),
        (11, t.mobile),
        (12, t.other),
        (14, t.commission),
        (15, t.stall_fee),
        (16, t.collected_by_organiser),
        (17, t.collected_by_exhibitor),
        (18, t.due_to_exhibitor),
    ];
    for (c, want) in money_cols {
        assert_money(&sheet, tr, c, want);
    }
    assert_eq!(t.due_to_exhibitor, Decimal::new(1419462, 2));
    let formulas = wb.worksheet_formula("Règlement").unwrap();
    assert!(
        formulas
            .get_value((tr as u32, 8))
            .unwrap()
            .contains("SUM(I2:I5)")
    );

    let daily = wb.worksheet_range("Journalier").unwrap();
    assert_eq!(string(&daily, 0, 0), "Date");
    assert_eq!(string(&daily, 1, 1), "E003");
    assert_money(&daily, 1 + report.daily.len(), 4, t.net);

    let synth = wb.worksheet_range("Synthèse").unwrap();
    let text: Vec<String> = synth
        .rows()
        .flat_map(|r| r.iter().map(|d| d.to_string()))
        .collect();
    assert!(text.iter().any(|s| s == sample::CHAIN_HEAD));
    assert!(text.iter().any(|s| s == "Solde dû aux exposants"));
}

#[test]
fn workbooks_are_byte_identical_across_runs() {
    let report = sample::settlement();
    let a = render_settlement(&report, Format::Xlsx).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = render_settlement(&report, Format::Xlsx).unwrap();
    assert!(a == b, "settlement xlsx differs between runs");
    let day = sample::day();
    assert!(render_day(&day, Format::Xlsx).unwrap() == render_day(&day, Format::Xlsx).unwrap());
    let totals = sample::phase_totals();
    assert!(
        render_phase_totals(&totals, Format::Xlsx).unwrap()
            == render_phase_totals(&totals, Format::Xlsx).unwrap()
    );
}

#[test]
fn day_and_totals_workbooks_read_back() {
    let mut wb = open(render_day(&sample::day(), Format::Xlsx).unwrap());
    let sheet = wb.worksheet_range("Recettes").unwrap();
    assert_eq!(string(&sheet, 0, 3), "Exposant");
    assert_money(&sheet, 4, 7, Decimal::new(1202550, 2));

    let mut wb = open(render_phase_totals(&sample::phase_totals(), Format::Xlsx).unwrap());
    assert_eq!(wb.sheet_names(), ["Synthèse", "Répartition", "Produits"]);
    let products = wb.worksheet_range("Produits").unwrap();
    assert_eq!(string(&products, 1, 2), "زيت أركان");
    assert_eq!(num(&products, 3, 4), 2.5);
}

/// One part of the workbook's zip, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
    s
}

/// Printed from a spreadsheet, each table fits the page width in landscape A4 and repeats its header row
/// (LibreOffice printed the settlement on 28 pages without it).
#[test]
fn tables_print_one_page_wide_with_their_header_on_each_page() {
    let bytes = render_settlement(&sample::settlement(), Format::Xlsx).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{sheet}");
    assert!(sheet.contains(r#"paperSize="9""#), "{sheet}");
    assert!(sheet.contains(r#"orientation="landscape""#), "{sheet}");
    assert!(sheet.contains(r#"fitToHeight="0""#), "{sheet}");
    let book = part(&bytes, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Titles"), "{book}");
}
