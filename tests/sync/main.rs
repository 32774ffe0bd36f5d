//! Integration tests of the sync area, one binary (modules below share tests/support).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod bulk;
mod bundle_fixture;
mod export_pipe;
mod interleavings;
mod read_ahead;
mod sync_batched;
mod sync_canon;
mod sync_identify;
mod sync_merge;
mod sync_refuse;
mod sync_signed;
mod sync_stream;
