//! French sentences for a full disk, read-only media and refused access, whatever layer (SQLite or the file
//! system) noticed it first: they say what is full or read-only and what to do.
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    DiskFull,
    ReadOnly,
    Denied,
    Io,
}

/// The trouble behind an error, if it is one of the file system's.
pub fn trouble(err: &anyhow::Error) -> Option<Trouble> {
    crate::storage::error::causes(err)
        .into_iter()
        .find_map(|e| {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                return io_trouble(io);
            }
            if let Some(rusqlite::Error::SqliteFailure(f, _)) = e.downcast_ref::<rusqlite::Error>()
            {
                return sqlite_trouble(f);
            }
            None
        })
}

fn io_trouble(e: &std::io::Error) -> Option<Trouble> {
    use std::io::ErrorKind as K;
    match (e.kind(), e.raw_os_error()) {
        (K::StorageFull | K::QuotaExceeded, _) | (_, Some(libc::ENOSPC | libc::EDQUOT)) => {
            Some(Trouble::DiskFull)
        }
        (K::ReadOnlyFilesystem, _) | (_, Some(libc::EROFS)) => Some(Trouble::ReadOnly),
        (K::PermissionDenied, _) | (_, Some(libc::EACCES | libc::EPERM)) => Some(Trouble::Denied),
        (_, Some(libc::EIO)) => Some(Trouble::Io),
        _ => None,
    }
}

fn sqlite_trouble(f: &rusqlite::ffi::Error) -> Option<Trouble> {
    use rusqlite::ErrorCode as C;
    match f.code {
        C::DiskFull => Some(Trouble::DiskFull),
        C::ReadOnly => Some(Trouble::ReadOnly),
        C::PermissionDenied => Some(Trouble::Denied),
        // SQLITE_IOERR_* (e.g. 4874, the shared-memory file that cannot grow) and CANTOPEN: the cause is found
        // on the file system itself.
        C::SystemIoFailure | C::CannotOpen => Some(Trouble::Io),
        _ => None,
    }
}

/// A sentence for the organiser or cashier, naming the folder of the first of `paths` concerned.
pub fn explain(err: &anyhow::Error, paths: &[&Path]) -> Option<String> {
    let (t, places) = refine(trouble(err)?, paths)?;
    let place = match places.as_slice() {
        [] => String::new(),
        [one] => format!(" ({})", one.name()),
        [one, other] => format!(" ({} ou {})", one.name(), other.name()),
        _ => unreachable!("refine names at most two folders"),
    };
    Some(match t {
        Trouble::DiskFull => format!(
            "le disque est plein{place} : libérez de la place (anciennes copies, corbeille) ou utilisez un autre \
             support, puis recommencez ; ce qui était déjà enregistré est intact, l'opération en cours n'a pas \
             été faite"
        ),
        Trouble::ReadOnly => format!(
            "le support est en lecture seule{place} : les commandes qui lisent (verify, report, receipt --out \
             ailleurs) fonctionnent ; pour vendre ou importer, copiez la base sur un disque modifiable ou retirez \
             la protection en écriture"
        ),
        Trouble::Denied => format!(
            "accès refusé{place} : le compte qui lance souk doit pouvoir lire et écrire le fichier et son dossier"
        ),
        Trouble::Io => format!(
            "erreur de lecture ou d'écriture sur le disque{place} : le support a peut-être été retiré ou est \
             défectueux ; vérifiez-le, puis lancez « souk verify »"
        ),
    })
}

/// The trouble behind an error, once the file systems of `paths` were looked at (a full disk that SQLite called
/// an I/O error is a full disk).
pub fn media_trouble(err: &anyhow::Error, paths: &[&Path]) -> Option<Trouble> {
    refine(trouble(err)?, paths).map(|(t, _)| t)
}

/// A folder named in a sentence: one of the files' folders, or the one SQLite keeps its temporary files in.
#[derive(Clone)]
struct Place {
    folder: PathBuf,
    temporary: bool,
}

impl Place {
    fn name(&self) -> String {
        let what = if self.temporary {
            "dossier temporaire"
        } else {
            "dossier"
        };
        let shown = std::fs::canonicalize(&self.folder).unwrap_or_else(|_| self.folder.clone());
        format!("{what} {}", shown.display())
    }
}

/// An I/O error is often a full or read-only disk that SQLite did not name: look at the file systems. None when
/// the media are fine and the "read-only" came from souk's own reading handle (a fault, reported as it is).
fn refine(t: Trouble, paths: &[&Path]) -> Option<(Trouble, Vec<Place>)> {
    let folders = paths.iter().map(|p| Place {
        folder: super::atomic::folder_of(p),
        temporary: false,
    });
    let temp = sqlite_temp_folder().map(|folder| Place {
        folder,
        temporary: true,
    });
    let state: Vec<(Place, Space)> = folders
        .chain(temp)
        .filter_map(|p| space(&p.folder).map(|s| (p, s)))
        .collect();
    let find = |want: fn(&Space) -> bool| state.iter().position(|(_, s)| want(s));
    let one = |i: Option<usize>| i.map(|i| vec![state[i].0.clone()]).unwrap_or_default();
    let full = find(|s| s.free < 256 * 1024);
    let ro = find(|s| s.read_only);
    let protected = paths
        .iter()
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly()));
    Some(match t {
        Trouble::Io | Trouble::DiskFull | Trouble::Denied | Trouble::ReadOnly if ro.is_some() => {
            (Trouble::ReadOnly, one(ro))
        }
        Trouble::Io | Trouble::DiskFull if full.is_some() => (Trouble::DiskFull, one(full)),
        Trouble::DiskFull => (t, maybe_full(&state)),
        Trouble::Io => (t, Vec::new()),
        Trouble::ReadOnly if state.iter().all(|(p, _)| p.temporary) => (t, Vec::new()),
        Trouble::ReadOnly => (
            t,
            vec![Place {
                folder: super::atomic::folder_of(protected?),
                temporary: false,
            }],
        ),
        Trouble::Denied => (t, one(state.iter().position(|(p, _)| !p.temporary))),
    })
}

/// A full disk that no longer looks full (SQLite removed what it was writing): the first file's folder, and the
/// temporary folder when it lies on another file system (an index built in a full /tmp).
fn maybe_full(state: &[(Place, Space)]) -> Vec<Place> {
    let mut out: Vec<&(Place, Space)> = state.iter().take(1).collect();
    if let Some(temp) = state.iter().find(|(p, _)| p.temporary)
        && out.first().is_none_or(|(_, s)| s.device != temp.1.device)
    {
        out.push(temp);
    }
    out.into_iter().map(|(p, _)| p.clone()).collect()
}

/// Where SQLite writes its temporary files on Unix: the first usable of $SQLITE_TMPDIR, $TMPDIR, /var/tmp,
/// /usr/tmp, /tmp.
fn sqlite_temp_folder() -> Option<PathBuf> {
    let env = ["SQLITE_TMPDIR", "TMPDIR"]
        .into_iter()
        .filter_map(|v| std::env::var_os(v).map(PathBuf::from));
    let fixed = ["/var/tmp", "/usr/tmp", "/tmp"]
        .into_iter()
        .map(PathBuf::from);
    env.chain(fixed).find(|d| d.is_dir())
}

struct Space {
    free: u64,
    read_only: bool,
    device: u64,
}

fn space(folder: &Path) -> Option<Space> {
    let c = CString::new(folder.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a valid out-pointer for the duration of the call.
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    Some(Space {
        free: (s.f_bavail as u64).saturating_mul(s.f_frsize as u64),
        read_only: s.f_flag & libc::ST_RDONLY != 0,
        device: std::fs::metadata(folder).ok()?.dev(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_full_and_read_only_become_sentences() {
        let full = anyhow::Error::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(13),
            Some("database or disk is full".into()),
        ));
        let s = explain(&full, &[]).unwrap();
        assert!(s.starts_with("le disque est plein"), "{s}");
        let ro = anyhow::Error::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(8),
            None,
        ))
        .context("ouverture");
        assert!(explain(&ro, &[]).unwrap().contains("lecture seule"));
    }

    #[test]
    fn io_errors_by_errno() {
        let e = anyhow::Error::from(std::io::Error::from_raw_os_error(libc::ENOSPC));
        assert_eq!(trouble(&e), Some(Trouble::DiskFull));
        let e = anyhow::Error::from(std::io::Error::from_raw_os_error(libc::EROFS));
        assert_eq!(trouble(&e), Some(Trouble::ReadOnly));
        let e = anyhow::anyhow!("autre chose");
        assert_eq!(explain(&e, &[]), None);
    }

    #[test]
    fn a_full_disk_that_no_longer_looks_full_names_the_temporary_folder_on_another_disk() {
        let at = |folder: &str, temporary, device| {
            let place = Place {
                folder: folder.into(),
                temporary,
            };
            let space = Space {
                free: 1 << 30,
                read_only: false,
                device,
            };
            (place, space)
        };
        let names = |state: &[(Place, Space)]| -> Vec<String> {
            maybe_full(state).iter().map(Place::name).collect()
        };
        let apart = [at("/marche", false, 1), at("/tmp", true, 2)];
        assert_eq!(
            names(&apart),
            ["dossier /marche", "dossier temporaire /tmp"]
        );
        let together = [at("/marche", false, 1), at("/var/tmp", true, 1)];
        assert_eq!(names(&together), ["dossier /marche"]);
        assert_eq!(names(&[at("/tmp", true, 2)]), ["dossier temporaire /tmp"]);
    }
}
