//! A table read whole from a CSV file or a spreadsheet sheet, with positions, and the error type that names
//! `file:line:column` (CSV) or `file:sheet!cell` (spreadsheet).
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// 1-based row as a spreadsheet shows it (CSV or sheet); 0 when the whole file is at fault.
    pub line: u64,
    /// 1-based column; 0 when the whole line is at fault.
    pub column: usize,
    /// The column's header name, when one column is at fault.
    pub field: String,
    pub message: String,
}

/// Every problem found in a file (the file is refused as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// Set for spreadsheets: positions are then cells of this sheet.
    pub sheet: Option<String>,
    pub issues: Vec<Issue>,
}

impl ImportError {
    pub fn one(file: &str, sheet: Option<&str>, line: u64, column: usize, message: String) -> Self {
        ImportError {
            file: file.into(),
            sheet: sheet.map(str::to_string),
            issues: vec![Issue {
                line,
                column,
                field: String::new(),
                message,
            }],
        }
    }

    /// Where an issue is, as a spreadsheet or an editor shows it.
    pub fn position(&self, is: &Issue) -> String {
        match (&self.sheet, is.line, is.column) {
            (_, 0, _) => self.file.clone(),
            (Some(s), l, 0) => format!("{}:{s}, ligne {l}", self.file),
            (Some(s), l, c) => format!("{}:{s}!{}{l}", self.file, column_letters(c)),
            (None, l, 0) => format!("{}:{l}", self.file),
            (None, l, c) => format!("{}:{l}:{c}", self.file),
        }
    }
}

/// `1` → `A`, `27` → `AA`.
pub fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        out.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl ImportError {
    /// Each issue on its line, `position (field) : message`, without the verdict.
    pub fn issue_lines(&self) -> Vec<String> {
        self.issues
            .iter()
            .map(|is| {
                let field = if is.field.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", is.field)
                };
                format!("{}{} : {}", self.position(is), field, is.message)
            })
            .collect()
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.issue_lines().join("\n"))?;
        if self.issues.len() > 1 {
            write!(
                f,
                "\n{} erreurs : fichier refusé, rien n'a été importé",
                self.issues.len()
            )?;
        } else {
            write!(f, " — fichier refusé, rien n'a été importé")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

pub struct Row {
    /// Row of the record as a spreadsheet shows it (CSV: its quoted line breaks do not count), or of the sheet.
    pub line: u64,
    pub(super) fields: Vec<String>,
    /// Which fields came from number cells (spreadsheets): leading zeros were lost there.
    pub(super) numeric: Vec<bool>,
}

impl Row {
    pub(super) fn new(line: u64, fields: Vec<String>) -> Row {
        Row {
            line,
            fields,
            numeric: Vec::new(),
        }
    }
}

/// Where a table came from, said in the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Csv { separator: u8 },
    Sheet { format: &'static str, name: String },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Csv { separator: b'\t' } => write!(f, "CSV, séparateur tabulation"),
            Source::Csv { separator } => write!(f, "CSV, séparateur « {} »", *separator as char),
            Source::Sheet { format, name } => write!(f, "{format}, feuille « {name} »"),
        }
    }
}

pub struct Table {
    pub file: String,
    pub source: Source,
    /// Header names, lower case.
    pub(super) headers: Vec<String>,
    /// Sheet column of the first field, minus one (0 for CSV).
    pub(super) col_offset: usize,
    pub rows: Vec<Row>,
}

/// Errors collected while checking rows; more than this many and the rest are not worth reading.
pub const MAX_ISSUES: usize = 20;

impl Table {
    pub fn sheet(&self) -> Option<&str> {
        match &self.source {
            Source::Sheet { name, .. } => Some(name),
            Source::Csv { .. } => None,
        }
    }

    pub fn error(&self, issues: Vec<Issue>) -> ImportError {
        ImportError {
            file: self.file.clone(),
            sheet: self.sheet().map(str::to_string),
            issues,
        }
    }

    /// Checks the contract's header: required columns present; extra columns are allowed. All missing columns
    /// are named in one error, with the likely cause when the header was cut by the wrong separator.
    pub fn require(&self, required: &[&str]) -> Result<(), ImportError> {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|name| self.column(name).is_none())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let found = self.headers.join(",");
        let message = match self.wrong_separator() {
            Some(sep) => format!(
                "l'en-tête « {found} » n'a été lu que comme {} colonne(s) : le fichier semble séparé par « {sep} » \
                 (attendu : {})",
                self.headers.len(),
                required.join(",")
            ),
            None => format!(
                "colonne(s) absente(s) de l'en-tête : {} (attendu : {} ; trouvé : {found})",
                missing.join(", "),
                required.join(",")
            ),
        };
        Err(self.error(vec![Issue {
            line: 1,
            column: 0,
            field: String::new(),
            message,
        }]))
    }

    /// A separator other than the detected one that the header holds.
    fn wrong_separator(&self) -> Option<char> {
        let Source::Csv { separator } = self.source else {
            return None;
        };
        [',', ';', '\t', '|']
            .into_iter()
            .filter(|c| *c as u8 != separator)
            .find(|c| self.headers.iter().any(|h| h.contains(*c)))
            .map(|c| if c == '\t' { '⇥' } else { c })
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        self.headers.iter().position(|h| h == name)
    }

    /// The 1-based column as the file or sheet numbers it; 0 when the column is absent.
    pub fn column_number(&self, name: &str) -> usize {
        self.column(name).map_or(0, |i| i + 1 + self.col_offset)
    }
}

/// Reads the fields of one row, recording issues with their positions.
pub struct Cursor<'a> {
    table: &'a Table,
    pub row: &'a Row,
    issues: &'a mut Vec<Issue>,
}

impl<'a> Cursor<'a> {
    pub fn new(table: &'a Table, row: &'a Row, issues: &'a mut Vec<Issue>) -> Self {
        Cursor { table, row, issues }
    }

    /// The raw text of a column ("" when the optional column is absent).
    pub fn get(&self, name: &str) -> &'a str {
        self.table
            .column(name)
            .and_then(|i| self.row.fields.get(i))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// Whether the field was a number cell of a spreadsheet.
    pub fn is_number(&self, name: &str) -> bool {
        self.table
            .column(name)
            .and_then(|i| self.row.numeric.get(i).copied())
            .unwrap_or(false)
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_string()).filter(|s| !s.is_empty())
    }

    pub fn issue(&mut self, name: &str, message: impl Into<String>) {
        let line = self.row.line;
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(Issue {
                line,
                column: self.table.column_number(name),
                field: name.into(),
                message: message.into(),
            });
        }
    }

    /// Parses a column; on failure records the issue and returns None.
    pub fn parse<T>(&mut self, name: &str, f: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.get(name);
        match f(raw) {
            Ok(v) => Some(v),
            Err(m) => {
                self.issue(name, m);
                None
            }
        }
    }

    pub fn required(&mut self, name: &str) -> Option<String> {
        let raw = self.get(name);
        if raw.is_empty() {
            self.issue(name, "valeur obligatoire manquante");
            None
        } else {
            Some(raw.to_string())
        }
    }
}

/// Turns collected issues into the error for the file, if any.
pub fn finish(table: &Table, issues: Vec<Issue>) -> Result<(), ImportError> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(table.error(issues))
    }
}

/// Lines named by issues: the rows refused.
pub fn refused_lines(issues: &[Issue]) -> usize {
    let lines: std::collections::BTreeSet<u64> = issues.iter().map(|i| i.line).collect();
    lines.len()
}

/// One issue, for errors found while applying (database rules). The column is that of `field` when the table
/// has it, `column` otherwise.
pub fn single(
    table: &Table,
    line: u64,
    column: usize,
    field: &str,
    message: String,
) -> ImportError {
    let column = match table.column_number(field) {
        0 => column,
        c => c,
    };
    table.error(vec![Issue {
        line,
        column,
        field: field.into(),
        message,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_like_spreadsheets() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(7), "G");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
        let e = ImportError::one("p.xlsx", Some("Produits"), 12, 7, "x".into());
        assert_eq!(e.position(&e.issues[0]), "p.xlsx:Produits!G12");
        let e = ImportError::one("p.csv", None, 3, 0, "x".into());
        assert_eq!(e.position(&e.issues[0]), "p.csv:3");
    }
}
