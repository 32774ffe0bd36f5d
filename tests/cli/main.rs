//! Integration tests of the cli area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod cli_check;
mod cli_french;
mod cli_import;
mod cli_printer;
mod cli_reports;
mod clock_back;
mod files;
mod import_dry_run;
mod import_files;
mod import_messages;
mod import_zeros;
mod late_paper;
mod media;
mod organiser;
mod organiser_identify;
mod organiser_reprovision;
mod organiser_week;
mod overflow;
mod paper_refund;
mod people;
mod reports_edges;
