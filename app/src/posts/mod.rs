//! Posts: what users write, listed newest first.

pub mod api;
pub(crate) mod components;
pub(crate) mod edit;
pub(crate) mod editor;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod rendering;
#[cfg(feature = "ssr")]
pub mod repo;
