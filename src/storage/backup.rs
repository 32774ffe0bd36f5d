//! Consistent copies through SQLite's backup API, synced to disk and checked before they are called done.
use super::Db;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

impl Db {
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if out.exists() {
            bail!(
                "{} existe déjà : choisissez un autre fichier",
                out.display()
            );
        }
        let tmp = out.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        {
            let mut dst =
                Connection::open(&tmp).with_context(|| format!("création de {}", tmp.display()))?;
            let backup = rusqlite::backup::Backup::new(self.conn(), &mut dst)?;
            backup.run_to_completion(256, Duration::from_millis(5), None)?;
        }
        check_copy(&tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, out).with_context(|| format!("renommage vers {}", out.display()))?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }
}

fn check_copy(path: &Path) -> Result<()> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        bail!("la copie {} est incorrecte : {verdict}", path.display());
    }
    let v = super::verify::verify(&c)?;
    if !v.ok() {
        bail!(
            "la copie {} ne passe pas la vérification : {}",
            path.display(),
            v.breaks[0]
        );
    }
    Ok(())
}
