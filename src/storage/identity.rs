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
    Till {
        id: String,
    },
    /// Not known yet: a till laptop from before identities, or a copy restored without its identity. The till
    /// asks at start which till it is; the command line writes its own events on ORG, as before identities.
    Unset,
}

impl Identity {
    /// The one chain this database writes.
    pub fn chain(&self) -> &str {
        match self {
            Identity::Organiser | Identity::Unset => ORG_CHAIN,
            Identity::Till { id } => id,
        }
    }
}

pub fn identity(conn: &Connection) -> Result<Identity> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT role, till FROM identity WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        Some((role, Some(id))) if role == "till" => Identity::Till { id },
        Some((role, _)) if role == "organiser" => Identity::Organiser,
        _ => Identity::Unset,
    })
}

/// The chain this database writes its own events on (imports, merges, paper sales, people).
/// A database without identity writes the chain its key signs (ORG when it has none yet, as before identities).
pub fn own_chain(conn: &Connection) -> Result<String> {
    match identity(conn)? {
        Identity::Unset => Ok(super::keys::own_public(conn)?
            .map(|(chain, _)| chain)
            .unwrap_or_else(|| ORG_CHAIN.to_string())),
        id => Ok(id.chain().to_string()),
    }
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
        Identity::Unset => bail!("{NO_IDENTITY}"),
    }
}

/// Why a database without identity does not sell yet.
pub const NO_IDENTITY: &str = "ce poste n'a pas encore d'identité : ouvrez la caisse (souk --db FICHIER) dans un \
     terminal, elle demande quelle caisse est ce poste et le code d'un organisateur";

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
    match identity(conn)? {
        Identity::Till { id } => bail!(
            "cette base est la caisse {id} : seule la base de l'organisateur prépare les copies des caisses"
        ),
        Identity::Unset => bail!(
            "cette base n'a pas d'identité (caisse d'avant les identités ou copie restaurée) : seule la base de \
             l'organisateur prépare les copies des caisses"
        ),
        Identity::Organiser => {}
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
    Ok(())
}

/// What the organiser is told when `till` was provisioned (or identified on site) before: the earlier copies,
/// which the new one retires.
pub fn earlier_copies(conn: &Connection, till: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = provisions(conn, till)?
        .iter()
        .map(|p| {
            format!(
                "{} (préparée le {})",
                p.file,
                super::clock::local_display(&p.at_utc)
            )
        })
        .collect();
    if out.is_empty()
        && let Some(k) = super::keys::key_ranges(conn, till)?.first()
    {
        out.push(format!(
            "le poste identifié sur place (clé enregistrée le {})",
            super::clock::local_display(&k.registered_at)
        ));
    }
    Ok(out)
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
    let again = super::keys::public_key(&tx, till)?.is_some();
    // A second copy gets its own key from the chain's next entry: the first copy's later entries no longer merge.
    let from = super::keys::replace(
        &tx,
        till,
        public_key,
        super::keys::Origin::Provisioned,
        &at.at_utc,
    )?;
    tx.execute(
        "INSERT INTO provisions (till, at_utc, file, public_key, from_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![till, at.at_utc, file, public_key, from as i64],
    )?;
    let detail = if again {
        format!(
            "copie {file} ; clé {public_key} ; remplace la copie précédente à partir de l'entrée n°{from}"
        )
    } else {
        format!("copie {file} ; clé {public_key}")
    };
    journal::append(
        &tx,
        at,
        &NewEntry {
            chain: ORG_CHAIN,
            kind: if again {
                JournalKind::Reprovision
            } else {
                JournalKind::Provision
            },
            actor,
            subject: till,
            detail: &detail,
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
        "INSERT OR REPLACE INTO identity (id, role, till, provisioned_at) VALUES (1, 'till', ?1, ?2)",
        params![till, at_utc],
    )?;
    super::keys::new_own_key(conn, till, at_utc)
}

/// The last ticket of `chain` journalled before entry `seq` (what a retired copy's sales come after).
pub fn last_ticket_before(conn: &Connection, chain: &str, seq: u64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM tickets WHERE chain = ?1 AND journal_seq < ?2 ORDER BY number DESC LIMIT 1",
        )?
        .query_row(params![chain, seq.min(i64::MAX as u64) as i64], |r| r.get(0))
        .optional()?)
}

/// The provisioning that gave `chain` the key `public` (None: identified on site, or recorded before keys were).
pub fn provision_of_key(conn: &Connection, chain: &str, public: &str) -> Result<Option<Provision>> {
    Ok(conn
        .prepare_cached(
            "SELECT till, at_utc, file FROM provisions WHERE till = ?1 AND public_key = ?2 ORDER BY id LIMIT 1",
        )?
        .query_row(params![chain, public], |r| {
            Ok(Provision {
                till: r.get(0)?,
                at_utc: r.get(1)?,
                file: r.get(2)?,
            })
        })
        .optional()?)
}
