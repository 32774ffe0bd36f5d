//! An XLSX sheet read cell by cell on a reader thread, its rows sent in batches while the importing thread checks
//! and writes those already read (calamine's cell reader: no grid of the whole sheet, no second copy of each
//! text). Only the plain case is streamed: a workbook that may have merged cells, a formula error, a header the
//! plain reader refuses, or cells out of order make the reader give up, and the import then runs the plain path,
//! which names the refusal as it always has.
use super::csv_text::{duplicate, lower_names};
use super::reader::{Row, Source, Table};
use super::sheet::{Container, container, is_blank, may_have_merges, pick, text};
use calamine::{Data, DataRef, Reader, Xlsx};
use std::io::Cursor;
use std::sync::mpsc::Sender;

/// What the reader sends: the sheet's frame (its header, no rows), rows in file order, then `End` once the
/// whole sheet was read as the plain reader would read it. Without `End`, what was sent is to be thrown away.
pub enum Msg {
    Head(Table),
    Rows(Vec<Row>),
    End,
}

const BATCH: usize = 1024;

/// Reads the sheet of `kind` and sends it; stops early (without `End`) when the plain path must decide.
pub fn stream(file: &str, bytes: &[u8], kind: &str, out: &Sender<Msg>) {
    if read(file, bytes, kind, &mut |m| out.send(m).ok()).is_some() {
        let _ = out.send(Msg::End);
    }
}

/// The sheet as [`super::sheet::parse`] reads it, or `None` when that reader must decide.
pub fn collect(file: &str, bytes: &[u8], kind: &str) -> Option<Table> {
    let mut table: Option<Table> = None;
    read(file, bytes, kind, &mut |m| {
        match (m, &mut table) {
            (Msg::Head(t), None) => table = Some(t),
            (Msg::Rows(rows), Some(t)) => t.rows.extend(rows),
            _ => return None,
        }
        Some(())
    })?;
    table
}

/// Where the reader's messages go; `None` stops it.
pub type Sink<'s> = dyn FnMut(Msg) -> Option<()> + 's;

/// Only a zip can be an XLSX; the reader finds out whether it is one.
pub fn may_stream(bytes: &[u8]) -> bool {
    container(bytes) == Container::Zip
}

/// Reads the sheet of `kind` into `out` (its frame, then its rows; never `End`); `None` when the grid reader must
/// decide, or when `out` stopped it.
pub fn read(file: &str, bytes: &[u8], kind: &str, out: &mut Sink) -> Option<()> {
    if may_have_merges(bytes) {
        return None;
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).ok()?;
    let name = pick(&book.sheet_names(), kind)?;
    let mut cells = book.worksheet_cells_reader(&name).ok()?;
    let mut sheet = Sheet {
        file,
        name: &name,
        out,
        left: u32::MAX,
        width: 0,
        header: false,
        batch: Vec::with_capacity(BATCH),
    };
    let mut row: Vec<(u32, DataRef)> = Vec::new();
    let (mut row_no, mut last_col) = (0u32, None::<u32>);
    while let Some(cell) = cells.next_cell().ok()? {
        let ((r, c), value) = (cell.get_position(), cell.get_value().clone());
        if value == DataRef::Empty {
            continue;
        }
        if r != row_no && !row.is_empty() {
            sheet.row(row_no, std::mem::take(&mut row))?;
            last_col = None;
        }
        // The plain reader places cells by position: cells out of order are left to it.
        if r < row_no || last_col.is_some_and(|l| c <= l) {
            return None;
        }
        (row_no, last_col) = (r, Some(c));
        row.push((c, value));
    }
    if !row.is_empty() {
        sheet.row(row_no, row)?;
    }
    sheet.flush()?;
    sheet.header.then_some(())
}

struct Sheet<'a, 's> {
    file: &'a str,
    name: &'a str,
    out: &'a mut Sink<'s>,
    /// The sheet's first used column (0-based), from the cells up to the header row.
    left: u32,
    width: usize,
    header: bool,
    batch: Vec<Row>,
}

impl Sheet<'_, '_> {
    fn row(&mut self, r: u32, cells: Vec<(u32, DataRef)>) -> Option<()> {
        let first = cells.iter().map(|(c, _)| *c).min()?;
        if !self.header {
            self.left = self.left.min(first);
            if cells.iter().all(|(_, v)| is_blank(&Data::from(v.clone()))) {
                return Some(());
            }
            return self.head(cells);
        }
        // A cell left of the header's first column would shift the plain reader's grid.
        if first < self.left {
            return None;
        }
        let mut fields = vec![String::new(); self.width];
        let mut numeric = vec![false; self.width];
        for (c, value) in cells {
            let i = (c - self.left) as usize;
            if i >= self.width {
                break;
            }
            if matches!(value, DataRef::Error(_)) {
                return None;
            }
            (fields[i], numeric[i]) = owned_text(value);
        }
        if fields.iter().all(|f| f.is_empty()) {
            return Some(());
        }
        let mut row = Row::new(r as u64 + 1, fields);
        row.numeric = numeric;
        self.batch.push(row);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Some(())
    }

    fn head(&mut self, cells: Vec<(u32, DataRef)>) -> Option<()> {
        let last = cells.iter().map(|(c, _)| *c).max()?;
        let mut header = vec![String::new(); (last - self.left) as usize + 1];
        for (c, value) in cells {
            header[(c - self.left) as usize] = owned_text(value).0;
        }
        let mut headers = lower_names(&header);
        self.width = headers
            .iter()
            .rposition(|h| !h.is_empty())
            .map_or(0, |i| i + 1);
        headers.truncate(self.width);
        if duplicate(&headers).is_some() || headers.iter().any(|h| h.is_empty()) {
            return None;
        }
        self.header = true;
        let table = Table {
            file: self.file.into(),
            source: Source::Sheet {
                format: "XLSX",
                name: self.name.into(),
            },
            headers,
            col_offset: self.left as usize,
            rows: Vec::new(),
        };
        (self.out)(Msg::Head(table))
    }

    fn flush(&mut self) -> Option<()> {
        if self.batch.is_empty() {
            return Some(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        (self.out)(Msg::Rows(batch))
    }
}

/// A cell's text as the plain reader reads it (trimmed), without copying a text twice.
fn owned_text(cell: DataRef) -> (String, bool) {
    let (t, number) = match cell {
        DataRef::SharedString(s) => (s.to_string(), false),
        DataRef::String(s) => (s, false),
        other => {
            let data = Data::from(other);
            let (t, number) = text(&data);
            (t.into_owned(), number)
        }
    };
    match t.trim() {
        trimmed if trimmed.len() == t.len() => (t, number),
        trimmed => (trimmed.to_string(), number),
    }
}

#[cfg(test)]
mod tests {
    use super::super::reader::Table;
    use super::super::sheet::parse;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn rows(t: &Table) -> Vec<(u64, Vec<String>, Vec<bool>)> {
        t.rows
            .iter()
            .map(|r| (r.line, r.fields.clone(), r.numeric.clone()))
            .collect()
    }

    /// Blank text above the table, a blank row and a blank column inside it, cells right of the header, dates,
    /// booleans, numbers, text with spaces around, an error-free formula's value: read as the grid reader reads.
    #[test]
    fn cell_by_cell_reads_what_the_grid_reader_reads() {
        let mut book = Workbook::new();
        let ws = book.add_worksheet().set_name("Ventes").unwrap();
        let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
        ws.write_string(0, 2, "   ").unwrap();
        for (c, h) in ["Ticket_Ref", " datetime ", "till", "quantity", "note"]
            .iter()
            .enumerate()
        {
            ws.write_string(2, c as u16 + 1, *h).unwrap();
        }
        for r in 3..700u32 {
            if r % 50 == 0 {
                continue;
            }
            ws.write_string(r, 1, format!("  R{r}  ")).unwrap();
            let at = ExcelDateTime::parse_from_str("2025-08-07 10:00:00").unwrap();
            ws.write_datetime_with_format(r, 2, &at, &date).unwrap();
            ws.write_string(r, 3, "T01").unwrap();
            match r % 3 {
                0 => ws.write_number(r, 4, 0.5).map(|_| ()),
                1 => ws.write_boolean(r, 4, true).map(|_| ()),
                _ => ws.write_number(r, 4, 7313275406246.0).map(|_| ()),
            }
            .unwrap();
            ws.write_string(r, 8, "hors tableau").unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let grid = parse("v.xlsx", &bytes, "sales").unwrap();
        let cells = super::collect("v.xlsx", &bytes, "sales").expect("a plain sheet");
        assert_eq!(cells.headers, grid.headers);
        assert_eq!(cells.col_offset, grid.col_offset);
        assert_eq!(cells.source, grid.source);
        assert_eq!(rows(&cells).len(), 697 - 13);
        assert_eq!(rows(&cells), rows(&grid));
    }

    /// LibreOffice's own workbook of paper sales (a notes sheet first) is one the cells reader takes, as the
    /// grid reader reads it.
    #[test]
    fn a_libreoffice_workbook_is_read_cell_by_cell() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/imports/ventes.xlsx"
        );
        let bytes = std::fs::read(path).unwrap();
        let grid = parse("ventes.xlsx", &bytes, "sales").unwrap();
        let cells = super::collect("ventes.xlsx", &bytes, "sales").expect("a plain sheet");
        assert_eq!(cells.source, grid.source);
        assert_eq!(rows(&cells).len(), 3);
        assert_eq!(rows(&cells), rows(&grid));
    }
}
