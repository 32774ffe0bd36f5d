//! A CSV file read whole, with positions, and the error type that names file:line:column.
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: u64,
    /// 1-based column; 0 when the whole line is at fault.
    pub column: usize,
    pub field: String,
    pub message: String,
}

/// Every problem found in a file (the file is refused as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub issues: Vec<Issue>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, is) in self.issues.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let field = if is.field.is_empty() {
                String::new()
            } else {
                format!(" ({})", is.field)
            };
            write!(
                f,
                "{}:{}:{}{} : {}",
                self.file, is.line, is.column, field, is.message
            )?;
        }
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
    pub line: u64,
    fields: Vec<String>,
}

pub struct Table {
    pub file: String,
    headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Errors collected while checking rows; more than this many and the rest are not worth reading.
const MAX_ISSUES: usize = 20;

impl Table {
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
        let fail = |line, message: String| ImportError {
            file: file.into(),
            issues: vec![Issue {
                line,
                column: 0,
                field: String::new(),
                message,
            }],
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| fail(1, format!("le fichier n'est pas en UTF-8 ({e})")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| fail(1, format!("en-tête illisible ({e})")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                fail(line, format!("ligne CSV illisible ({e})"))
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if rec.len() != headers.len() {
                return Err(fail(
                    line,
                    format!("{} champs au lieu de {}", rec.len(), headers.len()),
                ));
            }
            rows.push(Row {
                line,
                fields: rec.iter().map(|f| f.trim().to_string()).collect(),
            });
        }
        Ok(Table {
            file: file.into(),
            headers,
            rows,
        })
    }

    /// Checks the contract's header: required columns present, each once; extra columns are allowed.
    pub fn require(&self, required: &[&str]) -> Result<(), ImportError> {
        let mut issues = Vec::new();
        for name in required {
            match self.headers.iter().filter(|h| h == name).count() {
                1 => {}
                0 => issues.push(Issue {
                    line: 1,
                    column: 0,
                    field: (*name).into(),
                    message: format!(
                        "colonne « {name} » absente de l'en-tête (attendu : {})",
                        required.join(",")
                    ),
                }),
                _ => issues.push(Issue {
                    line: 1,
                    column: 0,
                    field: (*name).into(),
                    message: "colonne en double".into(),
                }),
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ImportError {
                file: self.file.clone(),
                issues,
            })
        }
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
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
            .map(|i| self.row.fields[i].as_str())
            .unwrap_or("")
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_string()).filter(|s| !s.is_empty())
    }

    pub fn issue(&mut self, name: &str, message: impl Into<String>) {
        let column = self.table.column(name).map(|i| i + 1).unwrap_or(0);
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(Issue {
                line: self.row.line,
                column,
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
        Err(ImportError {
            file: table.file.clone(),
            issues,
        })
    }
}

/// One issue, for errors found while applying (database rules).
pub fn single(
    table: &Table,
    line: u64,
    column: usize,
    field: &str,
    message: String,
) -> ImportError {
    ImportError {
        file: table.file.clone(),
        issues: vec![Issue {
            line,
            column,
            field: field.into(),
            message,
        }],
    }
}
