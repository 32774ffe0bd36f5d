//! souk: point of sale for itinerant markets of the social and solidarity economy.
pub mod print;
