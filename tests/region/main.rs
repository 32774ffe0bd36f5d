//! Integration tests of the region area: `souk push` and `souk region` against a private PostgreSQL cluster
//! started by each test (skipped, saying why, where PostgreSQL is not installed).
#[allow(dead_code, unused_imports)]
#[path = "../support/mod.rs"]
mod support;

mod cluster;
mod complement;
mod fixture;
mod push;
mod report;
mod tls;
