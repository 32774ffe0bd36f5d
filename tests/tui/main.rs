//! Integration tests of the tui area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod disk_full;
mod identify;
mod till_basket;
mod till_cashiers;
mod till_count;
mod till_draft_payments;
mod till_line_checks;
mod till_payment;
mod till_pins;
mod till_scan;
mod till_shift_owner;
mod tui_e2e;
mod tui_effects;
mod tui_late;
mod tui_paper;
mod tui_print;
mod tui_quit;
mod tui_refusals;
mod tui_snapshots;
mod tui_update;
