//! Search: posts found by the words of their title or content, best matches first.

pub mod api;
pub mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod slots;
