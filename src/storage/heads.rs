//! The head file beside a database (`marche.db.heads`): the newest entry of every chain this database wrote or
//! merged, rewritten after each commit that journalled something. A chain alone cannot show that its newest entries were
//! removed; this witness outside the database can, and `souk verify` compares the two.
use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAGIC: &str = "souk-heads/1";

/// chain → (seq, hash)
type Heads = BTreeMap<String, (u64, String)>;

/// Heads journalled by transactions not yet committed, by connection (another connection on the same file, such
/// as the print worker's, must not publish them before their own transaction commits).
static PENDING: Mutex<BTreeMap<usize, (String, Heads)>> = Mutex::new(BTreeMap::new());

fn key(conn: &Connection) -> usize {
    // SAFETY: only the handle's address is read, as an identity; it is never dereferenced.
    unsafe { conn.handle() as usize }
}

pub fn head_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".heads");
    PathBuf::from(name)
}

/// Called by the journal for each entry written (appended here or brought by a merge), inside the transaction.
pub(crate) fn note(conn: &Connection, chain: &str, seq: u64, hash: &str) -> Result<()> {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    let slot = match pending.entry(key(conn)) {
        std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
        std::collections::btree_map::Entry::Vacant(v) => {
            v.insert((super::journal::market_uuid(conn)?, Heads::new()))
        }
    };
    let newer = slot.1.get(chain).is_none_or(|(s, _)| *s < seq);
    if newer {
        slot.1.insert(chain.to_string(), (seq, hash.to_string()));
    }
    Ok(())
}

/// Registers the hooks that write the head file once a commit is durable (SQLite's WAL hook runs after it),
/// and forget the heads of a rolled-back transaction. The WAL hook replaces SQLite's automatic checkpoint, so it
/// checkpoints itself at the same threshold.
pub(crate) fn install(conn: &mut Connection) -> Result<()> {
    let Some(file) = conn.path().filter(|p| !p.is_empty()).map(str::to_string) else {
        return Ok(());
    };
    let id = key(conn);
    PENDING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
    conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages| {
        flush(id, &file);
        if pages >= 1000 {
            wal.checkpoint()?;
        }
        Ok(())
    }))?;
    conn.rollback_hook(Some(move || {
        PENDING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }))?;
    Ok(())
}

fn flush(id: usize, file: &str) {
    let taken = PENDING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
    let Some((market, fresh)) = taken else {
        return;
    };
    let path = head_path(Path::new(file));
    let mut heads = match read(&path) {
        Ok(Some((m, h))) if m == market => h,
        _ => Heads::new(),
    };
    heads.extend(fresh);
    // A witness that cannot be written must not undo a committed sale: `verify` says when it is missing or late.
    let _ = write(&path, &market, &heads);
}

fn render(market: &str, heads: &Heads) -> String {
    let mut s = format!("{MAGIC}\nmarket {market}\n");
    for (chain, (seq, hash)) in heads {
        s.push_str(&format!("{chain} {seq} {hash}\n"));
    }
    s
}

fn write(path: &Path, market: &str, heads: &Heads) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp)?;
        f.write_all(render(market, heads).as_bytes())?;
    }
    std::fs::rename(&tmp, path)
}

/// (market uuid, heads) of a head file; None when there is none.
pub fn read(path: &Path) -> Result<Option<(String, Heads)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("lecture de {}", path.display())),
    };
    let mut lines = text.lines();
    let bad = || anyhow::anyhow!("{} : témoin de têtes illisible", path.display());
    if lines.next() != Some(MAGIC) {
        return Err(bad());
    }
    let market = lines
        .next()
        .and_then(|l| l.strip_prefix("market "))
        .filter(|m| !m.is_empty())
        .ok_or_else(bad)?
        .to_string();
    let mut heads = Heads::new();
    for l in lines.filter(|l| !l.is_empty()) {
        let mut parts = l.split(' ');
        let (Some(chain), Some(seq), Some(hash), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let seq: u64 = seq.parse().map_err(|_| bad())?;
        heads.insert(chain.to_string(), (seq, hash.to_string()));
    }
    Ok(Some((market, heads)))
}

/// What `verify` says of the head file: breaks (the database is behind its witness) and notes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HeadCheck {
    pub breaks: Vec<String>,
    pub notes: Vec<String>,
}

/// Compares the database with the head file beside it: every head the file saw must still be in the chain.
pub fn check(conn: &Connection, db_path: &Path) -> Result<HeadCheck> {
    let mut out = HeadCheck::default();
    compare_file(conn, db_path, &mut out)?;
    exported_beyond(conn, &mut out)?;
    Ok(out)
}

fn compare_file(conn: &Connection, db_path: &Path, out: &mut HeadCheck) -> Result<()> {
    let path = head_path(db_path);
    let (market, heads) = match read(&path) {
        Ok(Some(x)) => x,
        Ok(None) => {
            out.notes.push(format!(
                "pas de témoin de têtes ({}) : base copiée ou jamais écrite ici",
                path.display()
            ));
            return Ok(());
        }
        // Not fsynced (one fsync per sale is the database's): a power cut can leave it empty or cut short, which
        // is no more a break than a missing file.
        Err(e) => {
            out.notes.push(format!(
                "{e:#} (coupure de courant pendant son écriture ?) : ignoré, il sera réécrit à la prochaine vente"
            ));
            return Ok(());
        }
    };
    if market != super::journal::market_uuid(conn)? {
        out.notes.push(format!(
            "le témoin de têtes {} est celui d'un autre marché : ignoré",
            path.display()
        ));
        return Ok(());
    }
    let mut stmt = conn.prepare("SELECT hash FROM journal WHERE chain = ?1 AND seq = ?2")?;
    for (chain, (seq, hash)) in &heads {
        let stored: Option<String> = stmt
            .query_row(rusqlite::params![chain, *seq as i64], |r| r.get(0))
            .optional()?;
        match stored {
            None => out.breaks.push(format!(
                "journal {chain} : le témoin de têtes a vu l'entrée n°{seq}, absente de la base (fin de chaîne \
                 supprimée, ou sauvegarde plus ancienne remise à la place de la base)"
            )),
            Some(h) if &h != hash => out.breaks.push(format!(
                "journal {chain} n°{seq} : différente de celle que le témoin de têtes a vue (chaîne réécrite)"
            )),
            Some(_) => {}
        }
    }
    Ok(())
}

/// A chain shorter than what this database itself exported lost its newest entries.
fn exported_beyond(conn: &Connection, out: &mut HeadCheck) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT e.chain, MAX(e.to_seq), (SELECT MAX(seq) FROM journal j WHERE j.chain = e.chain)
         FROM exports e GROUP BY e.chain ORDER BY e.chain",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    for row in rows {
        let (chain, exported, head) = row?;
        if head.unwrap_or(0) < exported {
            out.breaks.push(format!(
                "journal {chain} : s'arrête au n°{} alors que cette base en a déjà exporté jusqu'au n°{exported}",
                head.unwrap_or(0)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_file_reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db.heads");
        let mut heads = Heads::new();
        heads.insert("T01".into(), (42, "ab".repeat(32)));
        heads.insert("ORG".into(), (3, "cd".repeat(32)));
        write(&path, "uuid-1", &heads).unwrap();
        assert_eq!(read(&path).unwrap(), Some(("uuid-1".into(), heads)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_garbled_head_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db.heads");
        std::fs::write(&path, "souk-heads/1\nmarket u\nT01 douze abc\n").unwrap();
        assert!(read(&path).is_err());
    }
}
