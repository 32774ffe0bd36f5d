//! A region's markets in one PostgreSQL store: `souk region init`, `souk push`, `souk region report`.
//! The only place with PostgreSQL SQL. The server's schema is created by numbered migrations (`schema`);
//! a push sends what this database holds, checked like a merged bundle (`check`, `push`); a report reads
//! the rows back and settles them with the same Rust code as the organiser (`report`).
mod check;
mod connect;
mod keys;
mod push;
mod render;
mod report;
mod schema;
mod send;
mod settle;
mod tls;

pub use connect::{connect, describe};
pub use push::{PushSummary, push};
pub use render::render;
pub use report::{GroupLine, PhaseLine, RegionFilter, RegionReport, region_report};
pub use schema::{SCHEMA_MAJOR, init};
pub use settle::{complement_settlement, phase_settlement};
