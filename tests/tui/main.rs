//! Integration tests of the tui area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod disk_full;
mod tui_e2e;
mod tui_snapshots;
mod tui_update;
