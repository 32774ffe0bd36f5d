//! People who use the tills, their roles and PINs (argon2id hashes, never the PIN itself).
use super::journal::{self, NewEntry};
use super::{Db, LocalTime, StorageResult};
use crate::domain::JournalKind;
use crate::domain::{Person, Role};
use anyhow::{Result, anyhow, bail};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use rusqlite::{Connection, OptionalExtension, params};

/// After this many wrong PINs in a row, each further try waits longer; after `LOCK_AFTER`, only a supervisor
/// can unlock.
pub const SLOW_AFTER: u32 = 5;
pub const LOCK_AFTER: u32 = 10;

/// argon2id memory (KiB) and passes for new PINs, chosen with `benches/files.rs` (group `pin`): 64 MiB × 3 is
/// the strongest candidate that keeps one check well under 0.5 s on 2 cores (0.33 s with the machine loaded ~6×;
/// 128 MiB × 3 took 1 s). Debug builds (the tests) keep the crate's light defaults. A stored hash carries its own
/// parameters, so PINs set before still verify.
const PIN_MEMORY_KIB: u32 = if cfg!(debug_assertions) {
    19 * 1024
} else {
    64 * 1024
};
const PIN_PASSES: u32 = if cfg!(debug_assertions) { 2 } else { 3 };

fn pin_hasher() -> Result<Argon2<'static>> {
    let params = argon2::Params::new(PIN_MEMORY_KIB, PIN_PASSES, 1, None)
        .map_err(|e| anyhow!("paramètres argon2 : {e}"))?;
    Ok(Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params,
    ))
}

pub fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    pin_hasher()?
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("hachage du code : {e}"))
}

fn pin_matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

pub fn valid_pin(pin: &str) -> Result<()> {
    if pin.len() < 4 || pin.len() > 8 || !pin.chars().all(|c| c.is_ascii_digit()) {
        bail!("le code doit avoir de 4 à 8 chiffres");
    }
    Ok(())
}

/// Fewest digits for a role's PIN: those who approve guard more than a sale, and 4 digits fall to a dictionary
/// of their hash in minutes.
pub fn min_pin_digits(role: Role) -> usize {
    if role.can_approve() { 6 } else { 4 }
}

/// The PIN rules for someone being given `role`.
pub fn valid_pin_for(role: Role, pin: &str) -> Result<()> {
    valid_pin(pin)?;
    let min = min_pin_digits(role);
    if pin.len() < min {
        bail!(
            "le code d'un(e) {} doit avoir au moins {min} chiffres",
            match role {
                Role::Cashier => "caissier(ère)",
                Role::Supervisor => "superviseur",
                Role::Organiser => "organisateur(rice)",
            }
        );
    }
    Ok(())
}

/// True once the market has an organiser: from then on, changes to people need an organiser's PIN.
pub fn has_organiser(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT count(*) > 0 FROM people WHERE role = 'organiser'",
        [],
        |r| r.get(0),
    )?)
}

pub fn add_person(conn: &Connection, name: &str, role: Role, pin: &str) -> Result<i64> {
    valid_pin(pin)?;
    conn.execute(
        "INSERT INTO people (name, role, pin_hash) VALUES (?1, ?2, ?3)
         ON CONFLICT(name) DO UPDATE SET role = excluded.role, pin_hash = excluded.pin_hash, failed_pins = 0, locked = 0",
        params![name, role.as_str(), hash_pin(pin)?],
    )?;
    Ok(
        conn.query_row("SELECT id FROM people WHERE name = ?1", [name], |r| {
            r.get(0)
        })?,
    )
}

fn person_from_row(r: &rusqlite::Row) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get::<_, String>(2)?.parse().unwrap_or(Role::Cashier),
        locked: r.get(3)?,
    })
}

pub fn people(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, role, locked FROM people ORDER BY role, name")?;
    let rows = stmt.query_map([], person_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn person(conn: &Connection, name: &str) -> Result<Option<Person>> {
    Ok(conn
        .prepare_cached("SELECT id, name, role, locked FROM people WHERE name = ?1")?
        .query_row([name], person_from_row)
        .optional()?)
}

/// The outcome of a PIN check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    Ok(Person),
    /// Wrong PIN; `failures` in a row so far, and how long the next try must wait.
    Wrong {
        failures: u32,
        wait_secs: u64,
    },
    Locked,
}

/// Seconds to wait before the next try after `failures` wrong PINs: none at first, then doubling.
pub fn delay_after(failures: u32) -> u64 {
    if failures < SLOW_AFTER {
        0
    } else {
        2u64.saturating_pow(failures - SLOW_AFTER + 1).min(300)
    }
}

/// Seconds left before `name` may try again, counted from the last failure journalled on `chain`.
fn still_to_wait(
    conn: &Connection,
    chain: &str,
    name: &str,
    failed: u32,
    at: &LocalTime,
) -> Result<u64> {
    let delay = delay_after(failed);
    if delay == 0 {
        return Ok(0);
    }
    let last: Option<String> = conn
        .query_row(
            "SELECT at_utc FROM journal WHERE chain = ?1 AND kind = 'pin_failed' AND actor = ?2
             ORDER BY seq DESC LIMIT 1",
            params![chain, name],
            |r| r.get(0),
        )
        .optional()?;
    let parse = |s: &str| s.parse::<jiff::Timestamp>().ok();
    let (Some(last), Some(now)) = (last.as_deref().and_then(parse), parse(&at.at_utc)) else {
        return Ok(0);
    };
    let elapsed = now.as_second().saturating_sub(last.as_second()).max(0) as u64;
    Ok(delay.saturating_sub(elapsed))
}

/// A PIN checked without writing anything (a till opened read-only on a full disk or a read-only medium): a
/// lock holds, a failure is not recorded (the caller makes the person wait, as at login).
pub fn check_pin_read_only(conn: &Connection, name: &str, pin: &str) -> Result<PinCheck> {
    let row: Option<(String, u32, bool)> = conn
        .query_row(
            "SELECT pin_hash, failed_pins, locked FROM people WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (hash, failed, locked) = row.ok_or_else(|| anyhow!("personne inconnue : {name}"))?;
    if locked {
        return Ok(PinCheck::Locked);
    }
    if pin_matches(&hash, pin) {
        return Ok(PinCheck::Ok(
            person(conn, name)?.ok_or_else(|| anyhow!("personne inconnue : {name}"))?,
        ));
    }
    let failures = failed + 1;
    Ok(PinCheck::Wrong {
        failures,
        wait_secs: delay_after(failures).max(2),
    })
}

impl Db {
    /// Adds or changes a person (role and PIN), journalled on `chain` with who did it: never the PIN or its hash.
    pub fn set_person(
        &mut self,
        chain: &str,
        name: &str,
        role: Role,
        pin: &str,
        by: &str,
        at: &LocalTime,
    ) -> Result<()> {
        valid_pin_for(role, pin)?;
        let hash = hash_pin(pin)?;
        let tx = self.write_tx()?;
        let existed = person(&tx, name)?.is_some();
        tx.execute(
            "INSERT INTO people (name, role, pin_hash) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET role = excluded.role, pin_hash = excluded.pin_hash, failed_pins = 0, locked = 0",
            params![name, role.as_str(), hash],
        )?;
        let detail = format!(
            "{} ; rôle {} ; code défini",
            if existed { "modifiée" } else { "ajoutée" },
            role.as_str()
        );
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain,
                kind: JournalKind::Person,
                actor: by,
                subject: name,
                detail: &detail,
                approver: "",
                amount: 0,
            },
        )?;
        super::reference::record(&tx, at, by)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a PIN; every failure is journalled on the till's chain, and so is a successful login.
    pub fn check_pin(
        &mut self,
        chain: &str,
        name: &str,
        pin: &str,
        at: &LocalTime,
        purpose: JournalKind,
    ) -> StorageResult<PinCheck> {
        Ok(self.check_pin_inner(chain, name, pin, at, purpose, false)?)
    }

    /// An organiser's PIN typed on the organiser's own command line: checked and journalled like any other, but
    /// a lock (set by failures at a till) does not stop it, so that no sequence of failures can leave a market
    /// with no one able to unlock.
    pub fn check_organiser_pin(
        &mut self,
        chain: &str,
        name: &str,
        pin: &str,
        at: &LocalTime,
        purpose: JournalKind,
    ) -> StorageResult<PinCheck> {
        let is_organiser = person(self.conn(), name)?.is_some_and(|p| p.role == Role::Organiser);
        Ok(self.check_pin_inner(chain, name, pin, at, purpose, is_organiser)?)
    }

    fn check_pin_inner(
        &mut self,
        chain: &str,
        name: &str,
        pin: &str,
        at: &LocalTime,
        purpose: JournalKind,
        past_lock: bool,
    ) -> Result<PinCheck> {
        let tx = self.write_tx()?;
        let row: Option<(String, u32, bool)> = tx
            .query_row(
                "SELECT pin_hash, failed_pins, locked FROM people WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (hash, failed, locked) = row.ok_or_else(|| anyhow!("personne inconnue : {name}"))?;
        if locked && !past_lock {
            return Ok(PinCheck::Locked);
        }
        // After SLOW_AFTER failures, a try before the delay is over is not even checked: restarting the till or
        // switching from login to an approval dialog does not shorten it.
        let wait = if past_lock {
            0
        } else {
            still_to_wait(&tx, chain, name, failed, at)?
        };
        if wait > 0 {
            return Ok(PinCheck::Wrong {
                failures: failed,
                wait_secs: wait,
            });
        }
        let outcome = if pin_matches(&hash, pin) {
            tx.execute(
                "UPDATE people SET failed_pins = 0, locked = 0 WHERE name = ?1",
                [name],
            )?;
            journal::append(
                &tx,
                at,
                &NewEntry {
                    chain,
                    kind: purpose,
                    actor: name,
                    approver: "",
                    subject: "",
                    detail: "",
                    amount: 0,
                },
            )?;
            PinCheck::Ok(person(&tx, name)?.ok_or_else(|| anyhow!("personne inconnue : {name}"))?)
        } else {
            let failures = failed + 1;
            let lock = locked || failures >= LOCK_AFTER;
            tx.execute(
                "UPDATE people SET failed_pins = ?2, locked = ?3 WHERE name = ?1",
                params![name, failures, lock],
            )?;
            let detail = format!("{purpose}; échec {failures}");
            journal::append(
                &tx,
                at,
                &NewEntry {
                    chain,
                    kind: JournalKind::PinFailed,
                    actor: name,
                    detail: &detail,
                    approver: "",
                    subject: "",
                    amount: 0,
                },
            )?;
            if lock && !past_lock {
                PinCheck::Locked
            } else {
                PinCheck::Wrong {
                    failures,
                    wait_secs: delay_after(failures),
                }
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// A supervisor lifts a lock; journalled with both names.
    pub fn unlock_person(
        &mut self,
        chain: &str,
        name: &str,
        supervisor: &str,
        at: &LocalTime,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE people SET failed_pins = 0, locked = 0 WHERE name = ?1",
            [name],
        )?;
        if n == 0 {
            bail!("personne inconnue : {name}");
        }
        journal::append(
            &tx,
            at,
            &NewEntry {
                chain,
                kind: JournalKind::Unlock,
                actor: name,
                approver: supervisor,
                subject: "",
                detail: "",
                amount: 0,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Journals any other event (reprint, drawer, approval, abandoned basket…) on a chain.
    pub fn journal_event(&mut self, at: &LocalTime, e: &NewEntry) -> Result<journal::Entry> {
        let tx = self.write_tx()?;
        let entry = journal::append(&tx, at, e)?;
        tx.commit()?;
        Ok(entry)
    }
}
