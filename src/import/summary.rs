//! What an import changed (or, in a dry run, would change), said the same way in both cases.
use super::Kind;
use super::reader::Source;
use std::fmt;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Lines in error (the whole file is then refused).
    pub refused: usize,
}

impl Counts {
    /// Counts one record against what the database holds.
    pub fn count<T: PartialEq>(&mut self, old: Option<&T>, new: &T) -> Change {
        match old {
            None => {
                self.added += 1;
                Change::Added
            }
            Some(o) if o == new => {
                self.unchanged += 1;
                Change::Unchanged
            }
            Some(_) => {
                self.updated += 1;
                Change::Updated
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Updated,
    Unchanged,
}

impl Change {
    pub fn writes(self) -> bool {
        self != Change::Unchanged
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub kind: Kind,
    pub file: String,
    pub source: Source,
    pub dry_run: bool,
    pub counts: Counts,
    /// Data rows read.
    pub rows: usize,
    /// Tickets created (sales import only).
    pub tickets: usize,
}

impl ImportSummary {
    pub fn new(kind: Kind, file: &str, source: Source, dry_run: bool) -> Self {
        ImportSummary {
            kind,
            file: file.into(),
            source,
            dry_run,
            counts: Counts::default(),
            rows: 0,
            tickets: 0,
        }
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        write!(f, "{} {} ({})", self.kind.as_str(), self.file, self.source)?;
        let (add, update) = if self.dry_run {
            f.write_str(" — essai, rien n'est écrit")?;
            ("à ajouter", "à modifier")
        } else {
            ("ajoutés", "modifiés")
        };
        if self.kind == Kind::Sales {
            return write!(
                f,
                " : {} tickets {add} ({} lignes), {} lignes refusées",
                c.added, self.rows, c.refused
            );
        }
        write!(
            f,
            " : {} {add}, {} {update}, {} inchangés, {} lignes refusées",
            c.added, c.updated, c.unchanged, c.refused
        )
    }
}
