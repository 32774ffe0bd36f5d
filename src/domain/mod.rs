//! The domain: money, catalogue, tickets, settlement. Knows nothing of the terminal or of SQLite.
pub mod allocation;
pub mod bounds;
pub mod by_method;
pub mod canonical;
pub mod catalogue;
pub mod journal_kind;
pub mod labels;
pub mod money;
pub mod parse;
pub mod report;
pub mod sale;
pub mod settlement;
pub mod ticket;

pub use by_method::ByMethod;
pub use catalogue::*;
pub use journal_kind::JournalKind;
pub use ticket::*;
