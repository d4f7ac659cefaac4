//! Tags: each tag's page and feed, and the list of tags in use.

pub mod api;
pub mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
