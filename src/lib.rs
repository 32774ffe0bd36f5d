//! souk: point of sale for itinerant markets of the social and solidarity economy.
pub mod domain;
pub mod i18n;
pub mod storage;
pub mod tui;
