//! Helpers shared by the integration test binaries (one binary per area).
pub mod common;
pub mod media;
pub mod print;
pub mod pty;
pub mod slips;
pub mod sync;
