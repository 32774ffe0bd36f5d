//! Consistent copies through SQLite's backup API in one step (no pauses), made one self-contained file, checked
//! with `integrity_check`, synced, and only then given their final name.
use super::Db;
use crate::files::{AtomicFile, OutRules};
use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Db {
    /// A checked copy at `out`, which must not exist and must not be this database.
    pub fn backup_to(&self, out: &Path) -> Result<PathBuf> {
        self.backup_with(out, &OutRules::new(self.path(), false), |_| Ok(()))
    }

    /// A checked copy at `out` under `rules`; `prepare` runs on the copy before it is checked and named
    /// (provisioning a till writes its identity there). The copy is readable by its owner only.
    pub fn backup_with(
        &self,
        out: &Path,
        rules: &OutRules,
        prepare: impl FnOnce(&mut Connection) -> Result<()>,
    ) -> Result<PathBuf> {
        let mut file = AtomicFile::create(
            out,
            &OutRules {
                private: true,
                ..*rules
            },
        )?;
        file.release_handle();
        {
            let mut dst = Connection::open(file.tmp_path())
                .with_context(|| format!("création de la copie {}", out.display()))?;
            // The copy is synced once, whole, before it is named: no sync per step.
            dst.pragma_update(None, "synchronous", "OFF")?;
            copy_pages(self.conn(), &mut dst)?;
            // One file, no -wal/-shm beside it: the next souk to open it turns WAL back on.
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            prepare(&mut dst)?;
            check_copy(&dst, out)?;
        }
        file.commit()
    }
}

/// Every page in one step (-1): no pause between batches of pages.
fn copy_pages(src: &Connection, dst: &mut Connection) -> Result<()> {
    use rusqlite::backup::StepResult;
    let backup = rusqlite::backup::Backup::new(src, dst)?;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn check_copy(c: &Connection, out: &Path) -> Result<()> {
    let verdict: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        bail!("la copie {} est incorrecte : {verdict}", out.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_is_whole_private_and_alone() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("m.db");
        let db = Db::create(&src).unwrap();
        db.conn()
            .execute(
                "INSERT INTO market (id, uuid, name, created_at) VALUES (1, 'u', 'Marché', '2025-08-06T08:00:00Z')",
                [],
            )
            .unwrap();
        let out = d.path().join("copie.db");
        db.backup_to(&out).unwrap();
        assert!(db.backup_to(&out).is_err(), "an existing copy is kept");
        assert!(db.backup_to(&src).is_err(), "never the database itself");
        drop(db);
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(&out).unwrap().mode() & 0o777, 0o600);
        let mut names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["copie.db", "m.db"]);
        let copy = Db::open_read(&out).unwrap();
        let name: String = copy
            .conn()
            .query_row("SELECT name FROM market", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "Marché");
    }
}
