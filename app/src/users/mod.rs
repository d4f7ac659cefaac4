//! Users: who writes on Quire, their pages and the user list.

pub mod api;
#[cfg(feature = "ssr")]
pub mod identity;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
