//! Posts: what users write, listed newest first.

pub mod api;
pub mod components;
pub mod edit;
pub mod editor;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rendering;
#[cfg(feature = "ssr")]
pub mod repo;
