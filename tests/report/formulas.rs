//! Exports that people open in a spreadsheet never start a formula from data: in XLSX such a text is a string
//! cell marked "quote prefix" (shown as typed, still text when edited), never a formula.
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use souk::report::{Format, render_settlement, sample};
use std::io::Cursor;

#[test]
fn xlsx_keeps_formula_looking_names_as_text() {
    let mut r = sample::settlement();
    let names = [
        "=HYPERLINK(\"http://x\",\"clic\")",
        "+cmd|' /C calc'!A0",
        "@SUM(A1)",
    ];
    for (row, name) in r.rows.iter_mut().zip(names) {
        row.figures.exhibitor_name = name.to_string();
    }
    let bytes = render_settlement(&r, Format::Xlsx).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    let formulas = wb.worksheet_formula(&sheet).unwrap();
    for name in names {
        let (row, col) = range
            .cells()
            .find(|(_, _, v)| matches!(v, Data::String(s) if s == name))
            .map(|(r, c, _)| (r, c))
            .unwrap_or_else(|| panic!("{name} is not a text cell"));
        let at = (
            range.start().unwrap().0 + row as u32,
            range.start().unwrap().1 + col as u32,
        );
        let f = formulas.get_value(at).cloned().unwrap_or_default();
        assert!(f.is_empty(), "{name} became the formula {f}");
    }
}
