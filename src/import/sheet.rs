//! XLSX and ODS workbooks (and old XLS): the sheet named like the kind, else the first; cells read as the person
//! typed them; positions are the sheet's cells (`Produits!G12`).
use super::csv_text::{duplicate, lower_names};
use super::reader::{ImportError, Issue, MAX_ISSUES, Row, Source, Table, column_letters};
use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use std::borrow::Cow;
use std::io::Cursor;

/// What the file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Zip,
    Ole,
    Other,
}

pub fn container(bytes: &[u8]) -> Container {
    if bytes.starts_with(b"PK\x03\x04") {
        Container::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Container::Ole
    } else {
        Container::Other
    }
}

/// Sheet names that hold each kind, compared without case or accents.
fn sheet_names_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "phases" => &["phases", "phase"],
        "tills" => &["tills", "caisses", "caisse"],
        "exhibitors" => &["exhibitors", "exposants", "exposant"],
        "products" => &["products", "produits", "produit", "catalogue"],
        "sales" => &["sales", "ventes", "ventes_papier"],
        _ => &[],
    }
}

/// The sheet named like the kind, else the first.
pub(super) fn pick(names: &[String], kind: &str) -> Option<String> {
    let wanted = sheet_names_for(kind);
    names
        .iter()
        .find(|n| wanted.contains(&crate::domain::labels::slug(n).as_str()))
        .or(names.first())
        .cloned()
}

pub fn parse(file: &str, bytes: &[u8], kind: &str) -> Result<Table, ImportError> {
    let fail = |message: String| ImportError::one(file, None, 0, 0, message);
    if container(bytes) == Container::Other {
        let msg = "ce n'est pas un classeur XLSX ou ODS (pas une archive zip) : ré-enregistrez-le depuis le tableur, \
                   ou en CSV UTF-8";
        return Err(fail(msg.into()));
    }
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        fail(format!(
            "classeur illisible ({e}) : ré-enregistrez-le depuis le tableur"
        ))
    })?;
    let format = match book {
        Sheets::Xlsx(_) => "XLSX",
        Sheets::Ods(_) => "ODS",
        Sheets::Xls(_) => "XLS",
        Sheets::Xlsb(_) => "XLSB",
    };
    let name = pick(&book.sheet_names(), kind)
        .ok_or_else(|| fail("le classeur n'a aucune feuille".into()))?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| fail(format!("feuille « {name} » illisible ({e})")))?;
    let sheet_fail = |row: u64, col: usize, message: String| {
        ImportError::one(file, Some(&name), row, col, message)
    };
    let Some((top, left)) = range.start() else {
        return Err(sheet_fail(0, 0, format!("la feuille « {name} » est vide")));
    };
    let mut grid = range.rows().enumerate().map(|(i, cells)| {
        let row = top as u64 + i as u64 + 1;
        (row, cells)
    });
    let Some((header_row, header_cells)) =
        grid.find(|(_, cells)| cells.iter().any(|c| !is_blank(c)))
    else {
        return Err(sheet_fail(0, 0, format!("la feuille « {name} » est vide")));
    };
    if let Sheets::Xlsx(x) = &mut book
        && may_have_merges(bytes)
        && let Some(Ok(merged)) = x.worksheet_merge_cells(&name)
        && let Some(m) = merged.first()
    {
        let (r0, c0, r1, c1) = (
            m.start.0 as u64 + 1,
            m.start.1 as usize + 1,
            m.end.0 as u64 + 1,
            m.end.1 as usize + 1,
        );
        let place = if r0 == header_row {
            "dans l'en-tête"
        } else {
            "dans le tableau"
        };
        let msg = format!(
            "cellules fusionnées {place} ({}{r0}:{}{r1}) : défusionnez-les et écrivez la valeur dans chaque cellule",
            column_letters(c0),
            column_letters(c1)
        );
        return Err(sheet_fail(r0, c0, msg));
    }
    let header: Vec<String> = header_cells
        .iter()
        .map(|c| text(c).0.into_owned())
        .collect();
    let mut headers = lower_names(&header);
    let width = headers
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);
    headers.truncate(width);
    let col_offset = left as usize;
    if let Some((i, first)) = duplicate(&headers) {
        let msg = format!(
            "colonne « {} » en double (déjà en {}{header_row})",
            headers[i],
            column_letters(first + 1 + col_offset)
        );
        return Err(sheet_fail(header_row, i + 1 + col_offset, msg));
    }
    // ODS keeps no merge in what calamine reads: a merged header shows as a nameless cell between named ones.
    if let Some(i) = headers.iter().position(|h| h.is_empty()) {
        let msg = "cellule d'en-tête vide entre deux colonnes (cellules fusionnées ?) : défusionnez-les et nommez \
                   chaque colonne";
        return Err(sheet_fail(header_row, i + 1 + col_offset, msg.into()));
    }
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    for (row_no, cells) in grid {
        let mut fields = Vec::with_capacity(width);
        let mut numeric = Vec::with_capacity(width);
        for (i, cell) in cells.iter().enumerate() {
            if i >= width {
                break;
            }
            if let Data::Error(e) = cell
                && issues.len() < MAX_ISSUES
            {
                issues.push(Issue {
                    line: row_no,
                    column: i + 1 + col_offset,
                    field: headers[i].clone(),
                    message: format!("la cellule affiche une erreur de formule ({e})"),
                });
            }
            let (t, is_number) = text(cell);
            fields.push(match t.trim() {
                trimmed if trimmed.len() == t.len() => t.into_owned(),
                trimmed => trimmed.to_string(),
            });
            numeric.push(is_number);
        }
        fields.resize(width, String::new());
        numeric.resize(width, false);
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        let mut row = Row::new(row_no, fields);
        row.numeric = numeric;
        rows.push(row);
    }
    if !issues.is_empty() {
        return Err(ImportError {
            file: file.into(),
            sheet: Some(name),
            issues,
        });
    }
    Ok(Table {
        file: file.into(),
        source: Source::Sheet { format, name },
        headers,
        col_offset,
        rows,
    })
}

/// Whether any part of an XLSX that can hold a sheet mentions merged cells. Reading the merges parses the
/// sheet's XML a second time; searching the inflated bytes costs a small part of that, so only a workbook that
/// may have merges pays it (an unreadable archive is taken to have some: the precise check then decides).
pub(super) fn may_have_merges(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    let finder = memchr::memmem::Finder::new(b"mergeCell");
    let mut xml = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            return true;
        };
        let Ok(name) = part.name().map(|n| n.to_ascii_lowercase()) else {
            return true;
        };
        let holds_cells = name.ends_with(".xml")
            && !name.ends_with("sharedstrings.xml")
            && !name.ends_with("styles.xml")
            && !name.contains("theme");
        if !holds_cells {
            continue;
        }
        xml.clear();
        if part.read_to_end(&mut xml).is_err() || finder.find(&xml).is_some() {
            return true;
        }
    }
    false
}

pub(super) fn is_blank(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the person typed it, and whether it was a number (whose leading zeros the sheet dropped).
pub(super) fn text(cell: &Data) -> (Cow<'_, str>, bool) {
    match cell {
        Data::Empty | Data::Error(_) => (Cow::Borrowed(""), false),
        Data::String(s) => (Cow::Borrowed(s), false),
        Data::Int(i) => (i.to_string().into(), true),
        Data::Float(f) => (float_text(*f).into(), true),
        Data::Bool(b) => (Cow::Borrowed(if *b { "oui" } else { "non" }), false),
        Data::DateTime(d) if d.is_datetime() => match date_text(d) {
            Some(t) => (t.into(), false),
            None => (float_text(d.as_f64()).into(), true),
        },
        Data::DateTime(d) => (float_text(d.as_f64()).into(), true),
        Data::DateTimeIso(s) => {
            let s = s.strip_suffix("T00:00:00").unwrap_or(s);
            (s.replacen('T', " ", 1).into(), false)
        }
        Data::DurationIso(s) => (Cow::Borrowed(s), false),
    }
}

/// A date cell as `2025-08-07` or `2025-08-07 10:00`, the time rounded to the second (a serial of 10:00 may
/// hold 09:59:59.9999).
fn date_text(d: &calamine::ExcelDateTime) -> Option<String> {
    let (y, mo, da, ..) = d.to_ymd_hms_milli();
    let mut date = jiff::civil::Date::new(y as i16, mo as i8, da as i8).ok()?;
    let mut secs = (d.as_f64().fract() * 86_400.0).round() as i64;
    if secs >= 86_400 {
        date = date.tomorrow().ok()?;
        secs -= 86_400;
    }
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    Some(match (h, mi, s) {
        (0, 0, 0) => date.to_string(),
        (h, mi, 0) => format!("{date} {h:02}:{mi:02}"),
        (h, mi, s) => format!("{date} {h:02}:{mi:02}:{s:02}"),
    })
}

/// A number cell as its digits: `12.5`, `7313275406246`; binary noise below 1e-10 (0.1 + 0.2) is not typed.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(float_text(12.5), "12.5");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(7313275406246.0), "7313275406246");
        assert_eq!(float_text(0.05), "0.05");
        assert_eq!(float_text(1500.0), "1500");
    }

    #[test]
    fn date_cells_round_to_the_second() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        // 2025-08-07 is serial 45876; 10:00 is 0.41666…, stored a hair short.
        let d = ExcelDateTime::new(45876.0 + 10.0 / 24.0 - 1e-9, DateTime, false);
        assert_eq!(date_text(&d).unwrap(), "2025-08-07 10:00");
        let d = ExcelDateTime::new(45876.0, DateTime, false);
        assert_eq!(date_text(&d).unwrap(), "2025-08-07");
        let d = ExcelDateTime::new(45876.0 - 1e-9, DateTime, false);
        assert_eq!(date_text(&d).unwrap(), "2025-08-07");
    }

    fn workbook(merge: bool) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "code").unwrap();
        ws.write_string(1, 0, "mergeCell est un texte comme un autre")
            .unwrap();
        if merge {
            let f = rust_xlsxwriter::Format::new();
            ws.merge_range(0, 1, 0, 2, "name", &f).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn only_a_workbook_that_mentions_merges_is_read_twice() {
        assert!(may_have_merges(&workbook(true)));
        // The text of a cell lives in the shared strings, not in the sheet: it is not a merge.
        assert!(!may_have_merges(&workbook(false)));
        assert!(may_have_merges(b"PK\x03\x04 not really a zip"));
        let e = parse("p.xlsx", &workbook(true), "products").err().unwrap();
        assert!(e.to_string().contains("p.xlsx:Sheet1!B1"), "{e}");
        assert!(e.to_string().contains("fusionnées dans l'en-tête"), "{e}");
    }

    #[test]
    fn a_file_that_is_not_a_zip_is_refused() {
        let e = parse("p.xlsx", b"code,name\n", "products").err().unwrap();
        assert!(e.to_string().contains("pas une archive zip"), "{e}");
    }
}
