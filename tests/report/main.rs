//! Integration tests of the report area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod distinct_tickets;
mod formulas;
mod late_totals;
mod report_csv;
mod report_pdf;
mod report_text;
mod report_xlsx;
mod settlement_by_method;
mod settlement_parts;
mod settlement_props;
mod settlement_sql;
