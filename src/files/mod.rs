//! Files souk writes beside the database or where the organiser asks (`--out`): atomic, never the database in
//! use, private where they carry the ledger; and what to tell people when the disk is full or read-only.
pub mod atomic;
pub mod explain;

pub use atomic::{AtomicFile, OutRules, write_atomic};
