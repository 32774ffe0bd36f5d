//! A laptop whose database has no identity says, at the till's start, which till it is: a till id imported
//! here, not reserved, not a chain another laptop writes, with an organiser's PIN. The till gets its own key,
//! announced by an `identity` entry on its chain, which the organiser registers at the first merge (trust on
//! first use).
use super::identity::{self, Identity};
use super::journal::{self, Entry, NewEntry};
use super::keys::KeyRange;
use super::people::{self, PinCheck};
use super::{Db, LocalTime};
use crate::domain::{JournalKind, Role};
use anyhow::{Result, bail};
use rusqlite::{Connection, OptionalExtension};

/// The journal kind of the entry that announces a till's key, written where the till was identified.
pub const IDENTITY_KIND: JournalKind = JournalKind::Identity;

/// What the organiser runs when no organiser could identify this laptop here.
pub const NO_ORGANISER: &str = "aucun organisateur n'est enregistré dans cette base : elle ne peut pas dire quelle \
     caisse est ce poste. Sur la base de l'organisateur, préparez une copie pour cette caisse (souk --db \
     marche.db backup --out caisse-T03.db --till T03) et ouvrez la caisse sur cette copie (souk --db caisse-T03.db)";

fn detail(public: &str) -> String {
    format!("clé {public} ; caisse identifiée sur place")
}

/// The key an `identity` entry announces.
pub fn key_in_detail(detail: &str) -> Option<String> {
    let key = detail.strip_prefix("clé ")?.get(..64)?;
    key.chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| key.to_ascii_lowercase())
}

/// The key range a chain's `identity` entry starts when the chain has no key yet (trust on first use: the
/// key a till identified on site brings in its bundle).
pub fn first_key(ranges: &[KeyRange], e: &Entry) -> Option<KeyRange> {
    if !ranges.is_empty() || e.kind != IDENTITY_KIND {
        return None;
    }
    Some(KeyRange {
        public_key: key_in_detail(&e.detail)?,
        from_seq: e.seq,
        registered_at: e.at_utc.clone(),
        origin: "bundle".into(),
    })
}

/// Whether this database must be told which till it is before the till opens.
pub fn needs_identity(conn: &Connection) -> Result<bool> {
    Ok(identity::identity(conn)? == Identity::Unset)
}

/// The organisers who may identify this laptop (by name).
pub fn organisers(conn: &Connection) -> Result<Vec<String>> {
    Ok(people::people(conn)?
        .into_iter()
        .filter(|p| p.role == Role::Organiser)
        .map(|p| p.name)
        .collect())
}

/// Why this laptop cannot become `till`, in French (None: it can).
pub fn till_problem(conn: &Connection, till: &str) -> Result<Option<String>> {
    if let Some(p) = identity::till_id_problem(till) {
        return Ok(Some(p));
    }
    let known: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM tills WHERE id = ?1)")?
        .query_row([till], |r| r.get(0))?;
    if !known {
        return Ok(Some(format!(
            "caisse {till} inconnue dans cette base : les caisses sont celles importées par l'organisateur \
             (souk import tills)"
        )));
    }
    let merged: Option<String> = conn
        .prepare_cached("SELECT MAX(merged_at) FROM merges WHERE chain = ?1")?
        .query_row([till], |r| r.get(0))
        .optional()?
        .flatten();
    if let Some(at) = merged {
        return Ok(Some(format!(
            "le journal de {till} dans cette base vient d'un autre poste (fusionné le {}) : un seul poste vend \
             comme {till} ; choisissez une autre caisse",
            super::clock::local_display(&at)
        )));
    }
    if let Some(k) = super::keys::key_ranges(conn, till)?.first()
        && !own_chain_key(conn, till)?
    {
        return Ok(Some(format!(
            "la caisse {till} a déjà été préparée pour un autre poste (clé enregistrée le {}) : un seul poste \
             vend comme {till} ; choisissez une autre caisse",
            super::clock::local_display(&k.registered_at)
        )));
    }
    Ok(None)
}

/// Whether this database holds the current key of `till` (a till's copy that lost its identity row).
fn own_chain_key(conn: &Connection, till: &str) -> Result<bool> {
    let own = super::keys::own_public(conn)?;
    let current = super::keys::public_key(conn, till)?;
    Ok(matches!((own, current), (Some((c, k)), Some((cur, _))) if c == till && k == cur))
}

/// The outcome of identifying this laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identified {
    /// The database is now `till`'s.
    Done(String),
    /// The till id cannot be used (why, in French); nothing changed.
    Refused(String),
    /// The PIN check failed as at login (delays, lock).
    Pin(PinCheck),
}

impl Db {
    /// Makes this database the till `till`, on `organiser`'s PIN: the PIN is checked (and journalled) like a
    /// login, then the identity, a new key and the `identity` entry announcing it commit together.
    pub fn identify_as_till(
        &mut self,
        till: &str,
        organiser: &str,
        pin: &str,
        at: &LocalTime,
    ) -> Result<Identified> {
        if !needs_identity(self.conn())? {
            bail!("cette base a déjà une identité");
        }
        if let Some(why) = till_problem(self.conn(), till)? {
            return Ok(Identified::Refused(why));
        }
        let chain = identity::own_chain(self.conn())?;
        match self.check_pin(&chain, organiser, pin, at, JournalKind::Identify)? {
            PinCheck::Ok(p) if p.role == Role::Organiser => {}
            PinCheck::Ok(p) => {
                return Ok(Identified::Refused(format!(
                    "{} n'est pas organisateur(rice) : seul un organisateur dit quelle caisse est ce poste",
                    p.name
                )));
            }
            other => return Ok(Identified::Pin(other)),
        }
        let keep = own_chain_key(self.conn(), till)?;
        let tx = self.write_tx()?;
        let public = if keep {
            // Its own chain already: the key the organiser knows stays.
            tx.execute(
                "INSERT OR REPLACE INTO identity (id, role, till, provisioned_at) VALUES (1, 'till', ?1, ?2)",
                rusqlite::params![till, at.at_utc],
            )?;
            super::keys::public_key(&tx, till)?
                .map(|k| k.0)
                .unwrap_or_default()
        } else {
            identity::set_till(&tx, till, &at.at_utc)?
        };
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain: till,
                kind: IDENTITY_KIND,
                actor: organiser,
                subject: till,
                detail: &detail(&public),
                approver: "",
                amount: 0,
            },
        )?;
        tx.commit()?;
        Ok(Identified::Done(till.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_read_back_from_the_entry() {
        let k = "ab".repeat(32);
        assert_eq!(key_in_detail(&detail(&k)), Some(k));
        assert_eq!(key_in_detail("clé zz"), None);
        assert_eq!(key_in_detail("autre chose"), None);
    }
}
