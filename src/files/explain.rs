//! French sentences for a full disk, read-only media and refused access, whatever layer (SQLite or the file
//! system) noticed it first: they say what is full or read-only and what to do.
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
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
    let (t, place) = refine(trouble(err)?, paths)?;
    let place = place.map_or_else(String::new, |p| format!(" (dossier {})", p.display()));
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

/// An I/O error is often a full or read-only disk that SQLite did not name: look at the file systems. None when
/// the media are fine and the "read-only" came from souk's own reading handle (a fault, reported as it is).
fn refine(t: Trouble, paths: &[&Path]) -> Option<(Trouble, Option<PathBuf>)> {
    let state: Vec<(PathBuf, Space)> = paths
        .iter()
        .map(|p| super::atomic::folder_of(p))
        .filter_map(|f| space(&f).map(|s| (f, s)))
        .collect();
    let find =
        |want: fn(&Space) -> bool| state.iter().find(|(_, s)| want(s)).map(|(f, _)| f.clone());
    let full = find(|s| s.free < 256 * 1024);
    let ro = find(|s| s.read_only);
    let protected = paths
        .iter()
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().readonly()));
    Some(match t {
        Trouble::Io | Trouble::DiskFull | Trouble::Denied | Trouble::ReadOnly if ro.is_some() => {
            (Trouble::ReadOnly, ro)
        }
        Trouble::Io | Trouble::DiskFull if full.is_some() => (Trouble::DiskFull, full),
        Trouble::Io | Trouble::DiskFull => (t, None),
        Trouble::ReadOnly if state.is_empty() => (t, None),
        Trouble::ReadOnly => (t, Some(super::atomic::folder_of(protected?))),
        Trouble::Denied => (t, state.first().map(|(f, _)| f.clone())),
    })
}

struct Space {
    free: u64,
    read_only: bool,
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
}
