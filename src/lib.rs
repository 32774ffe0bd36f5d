//! souk: point of sale for itinerant markets of the social and solidarity economy.
pub mod cli;
pub mod config;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod files;
pub mod i18n;
pub mod import;
pub mod print;
pub mod region;
pub mod report;
pub mod storage;
pub mod sync;
pub mod tui;
