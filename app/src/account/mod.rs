//! The account page: profile, profile picture and password of the logged-in user.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod picture;
#[cfg(feature = "ssr")]
pub mod repo;
