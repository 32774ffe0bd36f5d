//! Integration tests of the region area: `souk push` and `souk region` against a private PostgreSQL cluster
//! shared by the binary's tests, each on databases of its own (the TLS test starts its own cluster); skipped,
//! saying why, where PostgreSQL is not installed.
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod cluster;
mod complement;
mod fixture;
mod keys;
mod keys_onsite;
mod push;
mod report;
mod tls;
