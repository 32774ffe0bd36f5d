//! One file per screen: `key` reads a key into the screen's state and returns the next screen; `draw` renders
//! from the state; `hints` lists the screen's keys (hint bar and F1 help).
pub mod approved;
pub mod coop;
pub mod count;
pub mod draft;
pub mod history;
pub mod lock;
pub mod login;
pub mod menu;
pub mod overlays;
pub mod payment;
pub mod report;
pub mod sale;
pub mod sale_rules;
pub mod sale_view;
pub mod scan;
pub mod settle;
pub mod ticket;
pub mod tills;
