//! The account page: profile, profile picture and password of the logged-in user.

pub(crate) mod api;
pub(crate) mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod picture;
#[cfg(feature = "ssr")]
pub mod repo;
