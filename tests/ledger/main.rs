//! Integration tests of the ledger area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod corrupt_values;
mod drafts_upgrade;
mod identity_upgrade;
mod import_speed_upgrade;
mod ledger_crash;
mod ledger_migrations;
mod ledger_props;
mod ledger_reference;
mod ledger_signatures;
mod ledger_tamper;
mod ledger_witness;
mod overflow;
mod paper_batch;
mod pins;
mod reprepare;
mod verify_threads;
