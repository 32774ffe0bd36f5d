//! souk: point of sale for itinerant markets of the social and solidarity economy.
pub mod domain;
pub mod storage;
pub mod sync;
