//! Why a bundle is refused: a category the caller can test, and a French sentence naming the file.
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unreadable,
    NotABundle,
    Truncated,
    Checksum,
    Malformed,
    OtherMarket,
    /// An entry whose hash, link or perpetual total is wrong: the file was edited.
    BrokenChain,
    /// A ticket that does not match its journal entry, or an entry without its ticket.
    TicketMismatch,
    /// Entries missing between this database (or another bundle) and this bundle.
    Gap,
    /// A till, exhibitor, product or phase unknown here, or a closed phase.
    Catalogue,
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error("lot {file} refusé : {message}")]
    Refused {
        file: String,
        kind: Refusal,
        message: String,
    },
    /// Two laptops claimed the same till id: same chain, same position, different entries.
    #[error(
        "caisse {till}, entrée n°{seq} : le lot {file} et {other} ont deux journaux différents \
         pour la même caisse : deux postes ont vendu comme {till}{hint} — fusion refusée. N'utilisez plus \
         qu'une copie de {till} ; les ventes de l'autre poste se saisissent ici comme ventes papier \
         (souk import sales)"
    )]
    Diverged {
        till: String,
        seq: u64,
        file: String,
        other: String,
        /// What this database knows of the cause (e.g. the till provisioned twice, and to which files).
        hint: String,
    },
}

impl SyncError {
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            SyncError::Refused { kind, .. } => Some(*kind),
            SyncError::Diverged { .. } => None,
        }
    }
}

pub fn file_name(path: &Path) -> String {
    path.display().to_string()
}

pub fn refuse(path: &Path, kind: Refusal, message: impl Into<String>) -> anyhow::Error {
    SyncError::Refused {
        file: file_name(path),
        kind,
        message: message.into(),
    }
    .into()
}
