//! Users: who writes on Quire, their pages and the user list.

pub mod api;
#[cfg(feature = "ssr")]
pub(crate) mod identity;
pub mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
