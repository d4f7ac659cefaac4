//! Posts: what users write, listed newest first; drafts, scheduled posts and their tags.

pub mod api;
pub(crate) mod components;
pub(crate) mod drafts;
pub(crate) mod edit;
pub(crate) mod editor;
pub(crate) mod local_time;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod rendering;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod tagging;
