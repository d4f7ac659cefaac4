//! Search: posts found by the words of their title or content, best matches first.

pub mod api;
#[cfg(feature = "ssr")]
pub mod gate;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
