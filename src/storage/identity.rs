//! What a database is: the organiser's, or the copy provisioned for one till. Every journal chain has one
//! writer: a till's copy writes only its own chain, the organiser's database only ORG (imports, merges,
//! phase close, paper sales entered there).
use super::journal::{self, NewEntry};
use super::{Db, LocalTime, ORG_CHAIN};
use crate::domain::JournalKind;
use anyhow::{Context, Result, anyhow, bail};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Organiser,
    Till { id: String },
}

impl Identity {
    /// The one chain this database writes.
    pub fn chain(&self) -> &str {
        match self {
            Identity::Organiser => ORG_CHAIN,
            Identity::Till { id } => id,
        }
    }
}

pub fn identity(conn: &Connection) -> Result<Identity> {
    let (role, till): (String, Option<String>) = conn
        .prepare_cached("SELECT role, till FROM identity WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(match (role.as_str(), till) {
        ("till", Some(id)) => Identity::Till { id },
        _ => Identity::Organiser,
    })
}

/// The chain this database writes its own events on (imports, merges, paper sales, people).
pub fn own_chain(conn: &Connection) -> Result<String> {
    Ok(identity(conn)?.chain().to_string())
}

/// Chain names the program uses itself, refused as till ids (compared without case).
pub const RESERVED: &[&str] = &[ORG_CHAIN, "SOUK", "REGION", "ALL", "TOUTES"];

/// Why `id` cannot be a till id, if it cannot.
pub fn till_id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("identifiant de caisse vide".into());
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(id)) {
        return Some(format!(
            "« {id} » est un nom réservé par souk (journal de l'organisateur) : choisissez un autre identifiant de caisse"
        ));
    }
    if id.len() > 16 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(format!(
            "« {id} » : un identifiant de caisse a 1 à 16 lettres, chiffres ou _ (ex. T01)"
        ));
    }
    None
}

/// The till this database's screens run as. A till's copy sells only under its own id; `requested` (from
/// `--till` or the configuration) must agree with it. The organiser's database opens as ORG, for its reports
/// and the tills' status, and never sells (`sells_here`); asked to sell as a till, it refuses.
pub fn till_to_sell(conn: &Connection, requested: Option<&str>) -> Result<String> {
    match identity(conn)? {
        Identity::Till { id } => match requested {
            Some(r) if r != id => bail!(
                "cette base a été préparée pour la caisse {id}, pas {r} : retirez --till (ou « till » de la \
                 configuration), ou utilisez la copie préparée pour {r}"
            ),
            _ => Ok(id),
        },
        Identity::Organiser => match requested {
            Some(r) => bail!("{} (caisse {r} demandée)", NOT_A_TILL),
            None => Ok(ORG_CHAIN.to_string()),
        },
    }
}

/// Why the organiser's database (or a plain copy of it) does not sell.
pub const NOT_A_TILL: &str = "cette base est celle de l'organisateur : elle ne vend pas. Préparez une copie \
     pour chaque caisse (souk backup --out caisse-T01.db --till T01) et ouvrez la caisse sur cette copie \
     (souk --db caisse-T01.db)";

/// Whether the screens of `till` may ring up sales (not the organiser's own chain).
pub fn sells_here(till: &str) -> bool {
    till != ORG_CHAIN
}

/// A provisioning already recorded for a till: when, to which file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provision {
    pub till: String,
    pub at_utc: String,
    pub file: String,
}

pub fn provisions(conn: &Connection, till: &str) -> Result<Vec<Provision>> {
    let mut stmt = conn
        .prepare_cached("SELECT till, at_utc, file FROM provisions WHERE till = ?1 ORDER BY id")?;
    let rows = stmt.query_map([till], |r| {
        Ok(Provision {
            till: r.get(0)?,
            at_utc: r.get(1)?,
            file: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every till provisioned from this database (with its first provisioning).
pub fn provisioned_tills(conn: &Connection) -> Result<Vec<Provision>> {
    let mut stmt = conn.prepare_cached(
        "SELECT till, MIN(at_utc), file FROM provisions GROUP BY till ORDER BY till",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Provision {
            till: r.get(0)?,
            at_utc: r.get(1)?,
            file: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Checks that this database may provision a copy as `till`: it is the organiser's and knows the till.
pub fn check_can_provision(conn: &Connection, till: &str) -> Result<()> {
    if let Identity::Till { id } = identity(conn)? {
        bail!(
            "cette base est la caisse {id} : seule la base de l'organisateur prépare les copies des caisses"
        );
    }
    if let Some(p) = till_id_problem(till) {
        bail!("--till : {p}");
    }
    let known: Option<String> = conn
        .prepare_cached("SELECT id FROM tills WHERE id = ?1")?
        .query_row([till], |r| r.get(0))
        .optional()?;
    if known.is_none() {
        bail!("--till : caisse {till} inconnue (importez-la d'abord : souk import tills FICHIER)");
    }
    // A chain keeps the key of its first copy: a second copy could never have its sales merged.
    if super::keys::public_key(conn, till)?.is_some() {
        let first = provisions(conn, till)?
            .first()
            .map(|p| format!(" le {} dans {}", p.at_utc, p.file))
            .unwrap_or_default();
        bail!(
            "la caisse {till} a déjà été préparée{first} : un seul poste vend comme {till}. Si ce poste est \
             perdu, ajoutez une nouvelle caisse (ex. {till}B) à tills.csv, importez-la et préparez-la"
        );
    }
    Ok(())
}

/// Records in the organiser's database that `till` was provisioned to `file` (journalled on ORG).
pub fn record_provision(
    db: &mut Db,
    till: &str,
    file: &str,
    public_key: &str,
    actor: &str,
    at: &LocalTime,
) -> Result<()> {
    let tx = db.write_tx()?;
    tx.execute(
        "INSERT INTO provisions (till, at_utc, file) VALUES (?1, ?2, ?3)",
        params![till, at.at_utc, file],
    )?;
    super::keys::register(
        &tx,
        till,
        public_key,
        super::keys::Origin::Provisioned,
        &at.at_utc,
    )?;
    journal::append(
        &tx,
        at,
        &NewEntry {
            chain: ORG_CHAIN,
            kind: JournalKind::Provision,
            actor,
            subject: till,
            detail: &format!("copie {file} ; clé {public_key}"),
            approver: "",
            amount: 0,
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Makes the finished copy at `path` the database of `till` (opened, changed and closed here).
pub fn provision_copy(path: &Path, till: &str, at: &LocalTime) -> Result<()> {
    let db = Db::open(path).with_context(|| format!("préparation de {}", path.display()))?;
    set_till(db.conn(), till, &at.at_utc).map(|_| ())
}

/// Sets the till identity of a database (provisioning, the demo and test fixtures), with a key pair of its own
/// for the till's chain; returns its public key.
pub fn set_till(conn: &Connection, till: &str, at_utc: &str) -> Result<String> {
    if let Some(p) = till_id_problem(till) {
        return Err(anyhow!(p));
    }
    conn.execute(
        "UPDATE identity SET role = 'till', till = ?1, provisioned_at = ?2 WHERE id = 1",
        params![till, at_utc],
    )?;
    super::keys::new_own_key(conn, till, at_utc)
}
