//! What storage refuses or fails at, as variants the till and the command line tell apart (and say in French
//! their own way) rather than as message text. Internals may keep `anyhow`: a typed refusal raised inside
//! travels through it and is recovered at the public boundary (`From<anyhow::Error>`).
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("la phase {phase} est clôturée : plus aucune vente ni remboursement daté du {date}")]
    PhaseClosed { phase: u32, date: String },
    #[error("aucune phase ne contient la date {date} : vente refusée")]
    NoPhase { date: String },
    #[error("l'exposant {exhibitor} ne participe pas à la phase {phase} : vente refusée")]
    NotInPhase { exhibitor: String, phase: u32 },
    /// A bound of DESIGN.md exceeded (price, quantity, line or ticket): the message names which.
    #[error("{0}")]
    OutOfBounds(String),
    #[error("{} est déjà ouverte par un autre souk sur ce poste", path.display())]
    Locked { path: PathBuf },
    #[error(
        "{} n'est pas une base de données souk ({why}) : rien n'y a été écrit ; vérifiez --db ou la configuration",
        path.display()
    )]
    NotSouk { path: PathBuf, why: String },
    #[error("disque plein")]
    DiskFull(#[source] anyhow::Error),
    #[error("support en lecture seule")]
    ReadOnly(#[source] anyhow::Error),
    #[error("valeur enregistrée illisible : {table}, ligne {row}, colonne {column} : {detail}")]
    Corrupt {
        table: &'static str,
        column: String,
        row: String,
        detail: String,
    },
    #[error("{what} {key} introuvable")]
    NotFound { what: &'static str, key: String },
    #[error(transparent)]
    Other(anyhow::Error),
}

pub type StorageResult<T> = std::result::Result<T, Error>;

/// A stored value no version writes, placed: raised inside a row mapper, recovered by `From<rusqlite::Error>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("valeur enregistrée illisible : {table}, ligne {row}, colonne {column} : {detail}")]
pub struct CorruptValue {
    pub table: &'static str,
    pub column: String,
    pub row: String,
    pub detail: String,
}

/// Names the table and row of a value a row mapper could not read (`key` is the row's identifying column).
pub fn placed<T>(
    r: &rusqlite::Row,
    table: &'static str,
    key: usize,
    read: impl FnOnce(&rusqlite::Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    read(r).map_err(|e| match e {
        rusqlite::Error::FromSqlConversionFailure(i, ty, cause) => {
            let column = r.as_ref().column_name(i).unwrap_or("?").to_string();
            let row = r
                .get::<_, rusqlite::types::Value>(key)
                .map(|v| match v {
                    rusqlite::types::Value::Text(s) => s,
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    other => format!("{other:?}"),
                })
                .unwrap_or_else(|_| "?".into());
            let detail = cause.to_string();
            let place = CorruptValue {
                table,
                column,
                row,
                detail,
            };
            rusqlite::Error::FromSqlConversionFailure(i, ty, Box::new(place))
        }
        other => other,
    })
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, cause) = &e
            && let Some(c) = cause.downcast_ref::<CorruptValue>()
        {
            return Error::Corrupt {
                table: c.table,
                column: c.column.clone(),
                row: c.row.clone(),
                detail: c.detail.clone(),
            };
        }
        anyhow::Error::new(e).into()
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        let e = match e.downcast::<Error>() {
            Ok(own) => return own,
            Err(e) => e,
        };
        if let Some(c) = e.chain().find_map(|c| c.downcast_ref::<CorruptValue>()) {
            return Error::Corrupt {
                table: c.table,
                column: c.column.clone(),
                row: c.row.clone(),
                detail: c.detail.clone(),
            };
        }
        if let Some(rusqlite::Error::FromSqlConversionFailure(_, _, cause)) =
            e.chain().find_map(|c| c.downcast_ref::<rusqlite::Error>())
            && let Some(c) = cause.downcast_ref::<CorruptValue>()
        {
            return Error::Corrupt {
                table: c.table,
                column: c.column.clone(),
                row: c.row.clone(),
                detail: c.detail.clone(),
            };
        }
        use crate::files::explain::{Trouble, trouble};
        match trouble(&e) {
            Some(Trouble::DiskFull) => Error::DiskFull(e),
            Some(Trouble::ReadOnly) => Error::ReadOnly(e),
            _ => Error::Other(e),
        }
    }
}

/// `bail!` for functions returning a [`StorageResult`]: a refusal with no variant of its own.
#[macro_export]
macro_rules! refuse {
    ($($t:tt)*) => {
        return Err($crate::storage::Error::Other(anyhow::anyhow!($($t)*)).into())
    };
}

impl From<crate::domain::money::AmountError> for Error {
    fn from(e: crate::domain::money::AmountError) -> Self {
        Error::Other(anyhow::Error::new(e))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Other(anyhow::Error::new(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        anyhow::Error::new(e).into()
    }
}

impl From<crate::domain::TicketError> for Error {
    fn from(e: crate::domain::TicketError) -> Self {
        match e {
            crate::domain::TicketError::OutOfBounds(what) => Error::OutOfBounds(what),
            other => Error::Other(anyhow::Error::new(other)),
        }
    }
}

/// The causes of an error, looking through storage's catch-all (whose display is its inner error's): what a
/// sentence for a full disk or a locked database downcasts to.
pub fn causes(e: &anyhow::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    for c in e.chain() {
        match c.downcast_ref::<Error>() {
            // Its own source is its inner error's: the rest of the chain is in there.
            Some(Error::Other(inner)) => {
                out.extend(causes(inner));
                break;
            }
            _ => out.push(c),
        }
    }
    out
}

impl Error {
    /// The cause a file-system explanation (`files::explain`) or the catalogue's sentences read.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            Error::Other(e) => e,
            own => anyhow::Error::new(own),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn a_refusal_raised_inside_survives_anyhow_and_its_context() {
        let inner: anyhow::Result<()> = Err(Error::PhaseClosed {
            phase: 2,
            date: "2025-07-03".into(),
        }
        .into());
        let e: Error = anyhow::Context::context(inner, "vente").unwrap_err().into();
        assert!(matches!(e, Error::PhaseClosed { phase: 2, .. }), "{e:?}");
        assert!(e.to_string().contains("clôturée"), "{e}");
    }

    #[test]
    fn disk_full_and_read_only_are_told_apart_from_other_failures() {
        let full: Error = anyhow::Error::new(sqlite(rusqlite::ffi::SQLITE_FULL)).into();
        assert!(matches!(full, Error::DiskFull(_)), "{full:?}");
        let ro: Error = sqlite(rusqlite::ffi::SQLITE_READONLY).into();
        assert!(matches!(ro, Error::ReadOnly(_)), "{ro:?}");
        let io: Error = std::io::Error::from_raw_os_error(libc::EIO).into();
        assert!(matches!(io, Error::Other(_)), "{io:?}");
        let other: Error = anyhow::anyhow!("autre").into();
        assert!(matches!(other, Error::Other(_)));
    }

    #[test]
    fn a_corrupt_code_names_table_row_and_column() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let read = conn.query_row("SELECT 'T01-000004' AS id, 'chèque' AS method", [], |r| {
            placed(r, "payments", 0, |r| {
                r.get::<_, crate::domain::PaymentMethod>(1)
            })
        });
        let e: Error = read.unwrap_err().into();
        match &e {
            Error::Corrupt {
                table, column, row, ..
            } => assert_eq!(
                (*table, column.as_str(), row.as_str()),
                ("payments", "method", "T01-000004")
            ),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("chèque"), "{e}");
    }
}
