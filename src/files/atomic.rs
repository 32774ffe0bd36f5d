//! An output file that never carries its final name half-written: written to a unique temporary name in the
//! same folder, synced, then linked or renamed into place. Never the database in use; never an existing file
//! unless forced.
use anyhow::{Context, Result, bail};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// What an output may replace, and who may read it.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutRules<'a> {
    /// Replace an existing file (`--force`).
    pub force: bool,
    /// The database in use: never replaced, under any name or link.
    pub database: Option<&'a Path>,
    /// Readable by its owner only (databases, backups, bundles).
    pub private: bool,
}

impl<'a> OutRules<'a> {
    pub fn new(database: &'a Path, force: bool) -> Self {
        OutRules {
            force,
            database: Some(database),
            private: false,
        }
    }

    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }
}

/// A file being written under a temporary name; removed unless [`AtomicFile::commit`] succeeds.
#[derive(Debug)]
pub struct AtomicFile {
    dest: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
    force: bool,
    done: bool,
}

impl AtomicFile {
    /// Checks `dest` against the rules, then creates its temporary file beside it.
    pub fn create(dest: &Path, rules: &OutRules) -> Result<AtomicFile> {
        check_out(dest, rules)?;
        let dir = folder_of(dest);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mode = if rules.private { 0o600 } else { 0o644 };
        for _ in 0..8 {
            let tag = uuid::Uuid::now_v7().simple().to_string();
            let tmp = dir.join(format!(".{name}.{}.souk-tmp", &tag[tag.len() - 12..]));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode)
                .open(&tmp)
            {
                Ok(file) => {
                    return Ok(AtomicFile {
                        dest: dest.to_path_buf(),
                        tmp,
                        file: Some(file),
                        force: rules.force,
                        done: false,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("création d'un fichier dans {}", dir.display()));
                }
            }
        }
        bail!("{} : aucun nom temporaire libre", dir.display())
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The temporary name, for writers that open the file themselves (SQLite).
    pub fn tmp_path(&self) -> &Path {
        &self.tmp
    }

    /// Lets go of the handle so another writer (SQLite) can use the temporary file.
    pub fn release_handle(&mut self) {
        self.file = None;
    }

    /// Syncs the content, puts it under its final name, and syncs the folder.
    pub fn commit(mut self) -> Result<PathBuf> {
        let file = match self.file.take() {
            Some(f) => f,
            None => File::open(&self.tmp)?,
        };
        file.sync_all()
            .with_context(|| format!("écriture de {}", self.dest.display()))?;
        drop(file);
        self.publish()?;
        self.done = true;
        sync_folder(&self.dest)?;
        Ok(self.dest.clone())
    }

    fn publish(&self) -> Result<()> {
        let rename = || {
            std::fs::rename(&self.tmp, &self.dest)
                .with_context(|| format!("renommage vers {}", self.dest.display()))
        };
        if self.force {
            return rename();
        }
        // A link never replaces a file that appeared meanwhile; some USB sticks (FAT) have no links.
        match std::fs::hard_link(&self.tmp, &self.dest) {
            Ok(()) => {
                let _ = std::fs::remove_file(&self.tmp);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(&self.dest)),
            Err(_) if self.dest.symlink_metadata().is_ok() => Err(exists(&self.dest)),
            Err(_) => rename(),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("fichier déjà fermé")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.done {
            self.file = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `dest` atomically.
pub fn write_atomic(dest: &Path, bytes: &[u8], rules: &OutRules) -> Result<PathBuf> {
    let mut f = AtomicFile::create(dest, rules)?;
    f.write_all(bytes)
        .with_context(|| format!("écriture de {}", dest.display()))?;
    f.commit()
}

/// Refuses the database in use (same file, whatever its name) and, unless forced, any existing file.
pub fn check_out(dest: &Path, rules: &OutRules) -> Result<()> {
    if dest.as_os_str().is_empty() || dest.file_name().is_none() {
        bail!("--out : nom de fichier attendu");
    }
    let dir = folder_of(dest);
    if !dir.is_dir() {
        bail!(
            "{} : le dossier {} n'existe pas",
            dest.display(),
            dir.display()
        );
    }
    if let Some(db) = rules.database
        && database_files(db).iter().any(|f| same_file(dest, f))
    {
        bail!(
            "{} est la base de données en cours d'utilisation ({}) : choisissez un autre fichier",
            dest.display(),
            db.display()
        );
    }
    if dest.is_dir() {
        bail!(
            "{} est un dossier : donnez un nom de fichier",
            dest.display()
        );
    }
    if !rules.force && dest.symlink_metadata().is_ok() {
        return Err(exists(dest));
    }
    Ok(())
}

fn exists(dest: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "{} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer",
        dest.display()
    )
}

/// The database and the files SQLite and souk keep beside it (WAL, shared memory, journal, lock, head file).
fn database_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal", ".lock", ".heads"]
        .iter()
        .map(|ext| {
            let mut p = db.as_os_str().to_owned();
            p.push(ext);
            PathBuf::from(p)
        })
        .collect()
}

/// Same device and inode: a symlink or a hard link to a file is that file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename or a new file in `path`'s folder durable.
pub fn sync_folder(path: &Path) -> Result<()> {
    File::open(folder_of(path))
        .and_then(|d| d.sync_all())
        .with_context(|| format!("synchronisation du dossier de {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".souk-tmp"))
            .collect()
    }

    #[test]
    fn written_then_renamed_nothing_left() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r.csv");
        write_atomic(&out, b"a,b\n", &OutRules::default()).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"a,b\n");
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn dropped_before_commit_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("r.pdf");
        {
            let mut f = AtomicFile::create(&out, &OutRules::default()).unwrap();
            f.write_all(b"%PDF half").unwrap();
        }
        assert!(!out.exists());
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn existing_file_needs_force_and_the_database_never() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("m.db");
        std::fs::write(&db, b"db").unwrap();
        let link = d.path().join("lien.db");
        std::fs::hard_link(&db, &link).unwrap();
        let sym = d.path().join("sym.db");
        std::os::unix::fs::symlink(&db, &sym).unwrap();
        for target in [&db, &link, &sym] {
            let err = write_atomic(target, b"x", &OutRules::new(&db, true)).unwrap_err();
            assert!(err.to_string().contains("en cours d'utilisation"), "{err}");
        }
        let other = d.path().join("autre.csv");
        std::fs::write(&other, b"old").unwrap();
        let err = write_atomic(&other, b"new", &OutRules::new(&db, false)).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(std::fs::read(&other).unwrap(), b"old");
        write_atomic(&other, b"new", &OutRules::new(&db, true)).unwrap();
        assert_eq!(std::fs::read(&other).unwrap(), b"new");
        assert_eq!(std::fs::read(&db).unwrap(), b"db");
    }

    #[test]
    fn a_file_appearing_meanwhile_is_not_replaced() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("lot.souk");
        let mut f = AtomicFile::create(&out, &OutRules::default()).unwrap();
        f.write_all(b"mine").unwrap();
        std::fs::write(&out, b"theirs").unwrap();
        assert!(f.commit().is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b"theirs");
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn private_files_are_0600() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("copie.db");
        write_atomic(&out, b"x", &OutRules::default().private()).unwrap();
        let mode = std::fs::metadata(&out).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
