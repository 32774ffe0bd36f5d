//! Integration tests of the print area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod print_arabic;
mod print_crash;
mod print_golden;
mod print_network;
mod print_queue;
mod print_queue_failures;
mod print_serial;
mod print_sink;
