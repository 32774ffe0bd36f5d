//! CSV as spreadsheets write it: UTF-8 with or without BOM, LF or CRLF, `,` `;` or tab detected from the header
//! line. Positions are rows as a spreadsheet shows the file (header = 1): counted here (not by the csv crate, which
//! counts a CRLF record from its previous line), blank lines included, a record whose quoted cell holds line
//! breaks being one row.
use super::reader::{ImportError, Issue, Row, Source, Table};

/// A field longer than this is not something a person typed: a lost quote or a file that is not a table.
pub const MAX_FIELD_BYTES: usize = 10_000;

const SAVE_AS_UTF8: &str = "enregistrez-le en « CSV UTF-8 » (Excel) ou avec le jeu de caractères « Unicode (UTF-8) » \
                            (LibreOffice)";

pub fn parse(file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    let fail = |line, column, message: String| ImportError::one(file, None, line, column, message);
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(fail(0, 0, format!("fichier en UTF-16 : {SAVE_AS_UTF8}")));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let msg =
            "octet nul : ce n'est pas un fichier texte CSV (classeur renommé, fichier abîmé ?)";
        return Err(fail(line_at(bytes, at), 0, msg.into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = line_at(bytes, e.valid_up_to());
        fail(
            line,
            0,
            format!(
                "caractère qui n'est pas de l'UTF-8 (fichier en Windows-1252 ?) : {SAVE_AS_UTF8}"
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(fail(0, 0, "fichier vide : aucun en-tête".into()));
    }
    let separator = detect_separator(text);
    if let Some((line, column)) = unclosed_quote(text.as_bytes(), separator) {
        let msg = "guillemet ouvert ici et jamais refermé : le reste du fichier serait lu comme une seule valeur";
        return Err(fail(line, column, msg.into()));
    }
    let records = read_records(file, text, separator)?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(fail(0, 0, "fichier vide : aucun en-tête".into()));
    };
    let headers = header_names(file, &header)?;
    let source = Source::Csv { separator };
    let rows = check_widths(file, &headers, separator, records.collect())?;
    Ok(Table {
        file: file.into(),
        source,
        headers,
        col_offset: 0,
        rows,
    })
}

/// 1-based line of a byte offset.
fn line_at(bytes: &[u8], at: usize) -> u64 {
    1 + bytes[..at].iter().filter(|b| **b == b'\n').count() as u64
}

/// The candidate that cuts the header line into the most columns (`,` when none does).
pub fn detect_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// Where a quote opens that is never closed (line, 1-based column), read as the csv crate reads quotes.
fn unclosed_quote(bytes: &[u8], sep: u8) -> Option<(u64, usize)> {
    let (mut line, mut column, mut start) = (1u64, 1usize, true);
    let mut open: Option<(u64, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if open.is_some() {
            match b {
                b'"' if bytes.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => open = None,
                b'\n' => line += 1,
                _ => {}
            }
        } else {
            match b {
                b'"' if start => {
                    open = Some((line, column));
                    start = false;
                }
                b'\n' => {
                    line += 1;
                    (column, start) = (1, true);
                }
                b'\r' => {}
                _ if b == sep => {
                    column += 1;
                    start = true;
                }
                _ => start = false,
            }
        }
        i += 1;
    }
    open
}

struct Record {
    /// The row a spreadsheet shows the record on.
    line: u64,
    fields: Vec<String>,
}

fn read_records(file: &str, text: &str, sep: u8) -> Result<Vec<Record>, ImportError> {
    let bytes = text.as_bytes();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sep)
        .from_reader(bytes);
    let (mut scanned, mut line) = (0usize, 1u64);
    // Line breaks inside the quoted cells of the records before: a spreadsheet keeps them inside one row.
    let mut inside = 0u64;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let at = e.position().map_or(0, |p| p.byte() as usize);
            ImportError::one(
                file,
                None,
                line_at(bytes, at.min(bytes.len())),
                0,
                format!("ligne CSV illisible ({e})"),
            )
        })?;
        // The record's position may point at the end of the previous line (CRLF) or at skipped blank lines.
        let mut at = rec.position().map_or(scanned, |p| p.byte() as usize);
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        line += bytes[scanned..at].iter().filter(|b| **b == b'\n').count() as u64;
        scanned = at;
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        let row = line - inside;
        inside += rec
            .iter()
            .map(|f| f.bytes().filter(|b| *b == b'\n').count() as u64)
            .sum::<u64>();
        if let Some(i) = rec.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
            let msg = format!(
                "valeur de {} octets (au plus {MAX_FIELD_BYTES}) : guillemet mal placé, ou ce n'est pas un tableau",
                rec[i].len()
            );
            return Err(ImportError::one(file, None, row, i + 1, msg));
        }
        out.push(Record { line: row, fields });
    }
    Ok(out)
}

/// Header names in lower case; a name given twice is refused (which of the two would be read?).
fn header_names(file: &str, header: &Record) -> Result<Vec<String>, ImportError> {
    let names = lower_names(&header.fields);
    if let Some((i, first)) = duplicate(&names) {
        let mut e = ImportError::one(
            file,
            None,
            header.line,
            i + 1,
            format!(
                "colonne « {} » en double (déjà colonne {})",
                names[i],
                first + 1
            ),
        );
        e.issues[0].field = names[i].clone();
        return Err(e);
    }
    Ok(names)
}

pub(super) fn lower_names(fields: &[String]) -> Vec<String> {
    fields
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect()
}

/// The first header given twice (its index) and where it first was.
pub(super) fn duplicate(names: &[String]) -> Option<(usize, usize)> {
    names.iter().enumerate().find_map(|(i, n)| {
        names[..i]
            .iter()
            .position(|m| m == n && !n.is_empty())
            .map(|first| (i, first))
    })
}

/// Rows whose number of fields is not the header's are refused in one error that names the likely cause.
fn check_widths(
    file: &str,
    headers: &[String],
    sep: u8,
    records: Vec<Record>,
) -> Result<Vec<Row>, ImportError> {
    let mut rows = Vec::with_capacity(records.len());
    let mut bad: Vec<Issue> = Vec::new();
    for r in records {
        if r.fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if r.fields.len() != headers.len() {
            if bad.is_empty() {
                bad.push(width_issue(headers, sep, &r));
            } else {
                bad.push(Issue {
                    line: r.line,
                    column: 0,
                    field: String::new(),
                    message: String::new(),
                });
            }
            continue;
        }
        rows.push(Row::new(r.line, r.fields));
    }
    if let Some(mut first) = bad.first().cloned() {
        if bad.len() > 1 {
            first.message += &format!(" (de même sur {} autre(s) ligne(s))", bad.len() - 1);
        }
        return Err(ImportError {
            file: file.into(),
            sheet: None,
            issues: vec![first],
        });
    }
    Ok(rows)
}

fn width_issue(headers: &[String], sep: u8, r: &Record) -> Issue {
    let (n, m) = (r.fields.len(), headers.len());
    let counted = format!("{n} champ(s) au lieu de {m}");
    let name = |i: usize| headers.get(i).cloned().unwrap_or_default();
    let other_sep = [b',', b';', b'\t']
        .into_iter()
        .find(|s| *s != sep && r.fields.iter().any(|f| f.as_bytes().contains(s)));
    let decimal = (sep == b',' && n > m)
        .then(|| {
            r.fields.windows(2).position(|w| {
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                digits(&w[0]) && digits(&w[1]) && w[1].len() <= 3
            })
        })
        .flatten();
    let (column, field, message) = if let Some(i) = decimal {
        let msg = format!(
            "{counted} : « {},{} » a sans doute une virgule décimale dans un fichier séparé par des virgules ; \
             enregistrez avec « ; » comme séparateur, ou écrivez {}.{}",
            r.fields[i],
            r.fields[i + 1],
            r.fields[i],
            r.fields[i + 1]
        );
        (i + 1, name(i), msg)
    } else if let Some(s) = other_sep.filter(|_| n < m) {
        let shown = if s == b'\t' {
            "tabulation".to_string()
        } else {
            format!("« {} »", s as char)
        };
        let head = if sep == b'\t' {
            "tabulation".to_string()
        } else {
            format!("« {} »", sep as char)
        };
        let msg = format!("{counted} : cette ligne est séparée par {shown}, l'en-tête par {head}");
        (0, String::new(), msg)
    } else if n < m {
        (
            n + 1,
            name(n),
            format!("{counted} : colonne « {} » manquante", name(n)),
        )
    } else {
        (
            m + 1,
            String::new(),
            format!(
                "{counted} : valeur en trop après la colonne « {} »",
                name(m - 1)
            ),
        )
    };
    Issue {
        line: r.line,
        column,
        field,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(t: &Table) -> Vec<u64> {
        t.rows.iter().map(|r| r.line).collect()
    }

    #[test]
    fn lines_are_the_rows_a_spreadsheet_shows_lf_crlf_and_multiline() {
        // The blank line is a row; the cell holding a line break is one row.
        let lf = "a,b\n1,2\n\n3,4\n\"x\ny\",5\n6,7\n";
        let t = parse("f.csv", lf.as_bytes()).unwrap();
        assert_eq!(lines(&t), vec![2, 4, 5, 6]);
        let crlf = lf.replace('\n', "\r\n");
        let t = parse("f.csv", crlf.as_bytes()).unwrap();
        assert_eq!(lines(&t), vec![2, 4, 5, 6]);
        let bom = format!("\u{feff}{crlf}");
        let t = parse("f.csv", bom.as_bytes()).unwrap();
        assert_eq!(lines(&t), vec![2, 4, 5, 6]);
    }

    #[test]
    fn separators_are_detected() {
        assert_eq!(detect_separator("a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_separator("a,b,c"), b',');
        assert_eq!(detect_separator("a\tb"), b'\t');
        assert_eq!(detect_separator("\"a;b\",c"), b',');
        assert_eq!(detect_separator("solo"), b',');
        let t = parse("f.csv", b"a;b\n12,50;3\n").unwrap();
        assert_eq!(t.rows[0].fields, vec!["12,50", "3"]);
        assert_eq!(t.source, Source::Csv { separator: b';' });
    }

    #[test]
    fn malformed_files_are_refused_with_a_position() {
        let err = |b: &[u8]| parse("f.csv", b).err().expect("refused");
        let e = err(b"a,b\n1,2\n3,\xE9t\xE9\n");
        assert_eq!((e.issues[0].line, e.issues[0].column), (3, 0));
        assert!(e.to_string().contains("UTF-8"), "{e}");
        let e = err(b"a,b\n1,2\n\x003,4\n");
        assert_eq!(e.issues[0].line, 3);
        let e = err(b"a,b\r\n1,2\r\n3,\"4\r\n5,6\r\n");
        assert_eq!((e.issues[0].line, e.issues[0].column), (3, 2));
        let e = err(b"a,b,a\n1,2,3\n");
        assert_eq!((e.issues[0].line, e.issues[0].column), (1, 3));
        let big = format!("a,b\n1,\"{}\"\n", "x".repeat(5 * 1024 * 1024));
        let e = err(big.as_bytes());
        assert_eq!((e.issues[0].line, e.issues[0].column), (2, 2));
        assert!(err(b"\xFF\xFEa\x00").to_string().contains("UTF-16"));
        assert!(err(b"").to_string().contains("vide"));
    }

    #[test]
    fn a_header_cut_by_another_separator_is_said_in_one_line() {
        let t = parse(
            "p.csv",
            b"number|name|starts|ends\n1|Un|2026-11-25|2026-11-29\n",
        )
        .unwrap();
        let e = t
            .require(&["number", "name", "starts", "ends"])
            .unwrap_err();
        assert_eq!(e.issues.len(), 1);
        assert!(e.issues[0].message.contains("séparé par « | »"), "{e}");
        assert_eq!(e.position(&e.issues[0]), "p.csv:1");
    }

    #[test]
    fn width_errors_say_the_likely_cause_once() {
        let e = parse("f.csv", b"a,b,c\nx,12,50,0\ny,1,50,0\n")
            .err()
            .unwrap();
        assert_eq!(e.issues.len(), 1);
        let m = &e.issues[0];
        assert_eq!((m.line, m.column, m.field.as_str()), (2, 2, "b"));
        assert!(m.message.contains("virgule décimale"), "{}", m.message);
        assert!(m.message.contains("1 autre"), "{}", m.message);
        let e = parse("f.csv", b"a,b,c\nx,y\n").err().unwrap();
        assert_eq!((e.issues[0].line, e.issues[0].column), (2, 3));
        assert!(e.issues[0].message.contains("« c » manquante"));
        let e = parse("f.csv", b"a,b\nx;y\n").err().unwrap();
        assert!(e.issues[0].message.contains("séparée par « ; »"), "{e}");
    }
}
