//! What an import changed (or, in a dry run, would change), said the same way in both cases.
use super::Kind;
use super::reader::Source;
use crate::domain::money::format_fr;
use crate::domain::{Exhibitor, Phase, Product, Till};
use rust_decimal::Decimal;
use std::fmt;

/// Records added or changed that a dry run lists one by one; the rest are counted.
pub const LISTED: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Lines in error (the whole file is then refused).
    pub refused: usize,
    /// The first [`LISTED`] records added or changed: `+ code name`, `~ code : field old → new`.
    pub listed: Vec<String>,
    /// Sales: per till, the tickets created and their total.
    pub tills: std::collections::BTreeMap<String, (usize, Decimal)>,
    /// Sales: tickets dated in a closed phase, flagged late, per (phase, complement).
    pub late: std::collections::BTreeMap<(u32, u32), usize>,
}

impl Counts {
    /// Counts one record against what the database holds.
    pub fn count<T: Described>(&mut self, old: Option<&T>, new: &T) -> Change {
        let listing = self.listed.len() < LISTED;
        match old {
            None => {
                self.added += 1;
                if listing {
                    self.listed
                        .push(format!("+ {} {}", new.code(), new.label()));
                }
                Change::Added
            }
            Some(o) if o == new => {
                self.unchanged += 1;
                Change::Unchanged
            }
            Some(o) => {
                self.updated += 1;
                if listing {
                    self.listed
                        .push(format!("~ {} : {}", new.code(), changes(o, new)));
                }
                Change::Updated
            }
        }
    }
}

/// `name : Coop B → Coop B renommée ; phases : 1 → 1;2`
fn changes<T: Described>(old: &T, new: &T) -> String {
    old.fields()
        .into_iter()
        .zip(new.fields())
        .filter(|((_, a), (_, b))| a != b)
        .map(|((name, a), (_, b))| format!("{name} : {} → {}", shown(&a), shown(&b)))
        .collect::<Vec<_>>()
        .join(" ; ")
}

fn shown(v: &str) -> &str {
    if v.is_empty() { "(vide)" } else { v }
}

/// A record an import adds or updates, as a dry run lists it: its code, its name, its fields as the file's
/// columns say them.
pub trait Described: PartialEq {
    fn code(&self) -> String;
    fn label(&self) -> String;
    fn fields(&self) -> Vec<(&'static str, String)>;
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn rate(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

impl Described for Phase {
    fn code(&self) -> String {
        self.number.to_string()
    }
    fn label(&self) -> String {
        format!(
            "{} ({} – {})",
            self.name,
            self.starts.strftime("%d/%m/%Y"),
            self.ends.strftime("%d/%m/%Y")
        )
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("starts", self.starts.strftime("%d/%m/%Y").to_string()),
            ("ends", self.ends.strftime("%d/%m/%Y").to_string()),
        ]
    }
}

impl Described for Till {
    fn code(&self) -> String {
        self.id.clone()
    }
    fn label(&self) -> String {
        format!("{} ({})", self.name, self.collector.as_str())
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("collector", self.collector.as_str().into()),
        ]
    }
}

impl Described for Exhibitor {
    fn code(&self) -> String {
        self.code.clone()
    }
    fn label(&self) -> String {
        self.name.clone()
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        let phases: Vec<String> = self.phases.iter().map(u32::to_string).collect();
        let women = self.women_led.map(|w| if w { "yes" } else { "no" });
        vec![
            ("name", self.name.clone()),
            ("kind", self.kind.clone()),
            ("ice", opt(&self.ice)),
            ("phone", opt(&self.phone)),
            ("commission_rate", rate(self.commission_rate)),
            ("stall_fee", format_fr(self.stall_fee)),
            ("phases", phases.join(";")),
            ("province", opt(&self.province)),
            ("sector", opt(&self.sector)),
            ("women_led", women.unwrap_or_default().into()),
        ]
    }
}

impl Described for Product {
    fn code(&self) -> String {
        self.code.clone()
    }
    fn label(&self) -> String {
        format!(
            "{} ({}, {} DH)",
            self.name_fr,
            self.exhibitor_code,
            format_fr(self.price)
        )
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("exhibitor_code", self.exhibitor_code.clone()),
            ("barcode", opt(&self.barcode)),
            ("name_fr", self.name_fr.clone()),
            ("name_ar", opt(&self.name_ar)),
            ("unit", self.unit.as_str().into()),
            ("price", format_fr(self.price)),
            ("vat_rate", rate(self.vat_rate)),
        ]
    }
}

/// `0 ligne`, `1 ligne`, `2 lignes`: French puts 0 and 1 in the singular.
pub fn n(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count < 2 { singular } else { plural })
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
        let dry = self.dry_run;
        if dry {
            f.write_str(" — essai, rien n'est écrit")?;
        }
        let refused = n(c.refused, "ligne refusée", "lignes refusées");
        if self.kind == Kind::Sales {
            let (one, many) = if dry {
                ("ticket à ajouter", "tickets à ajouter")
            } else {
                ("ticket ajouté", "tickets ajoutés")
            };
            write!(
                f,
                " : {} ({}), {refused}",
                n(c.added, one, many),
                n(self.rows, "ligne", "lignes")
            )?;
            if dry {
                for (till, (count, total)) in &c.tills {
                    let tickets = n(*count, "ticket", "tickets");
                    write!(f, "\n  caisse {till} : {tickets}, {} DH", format_fr(*total))?;
                }
            }
            for ((phase, complement), count) in &c.late {
                let tickets = n(*count, "ticket en retard", "tickets en retard");
                write!(
                    f,
                    "\n  {tickets} → complément {complement} de la phase {phase}"
                )?;
            }
            return Ok(());
        }
        let unchanged = n(c.unchanged, "inchangé", "inchangés");
        if dry {
            write!(
                f,
                " : {} à ajouter, {} à modifier, {unchanged}, {refused}",
                c.added, c.updated
            )?;
            for line in &c.listed {
                write!(f, "\n  {line}")?;
            }
            let rest = (c.added + c.updated).saturating_sub(c.listed.len());
            if rest > 0 {
                write!(f, "\n  … et {}", n(rest, "autre", "autres"))?;
            }
            return Ok(());
        }
        write!(
            f,
            " : {}, {}, {unchanged}, {refused}",
            n(c.added, "ajouté", "ajoutés"),
            n(c.updated, "modifié", "modifiés")
        )
    }
}
