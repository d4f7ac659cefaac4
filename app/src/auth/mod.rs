//! Authentication: sign-up, log-in and log-out, server-side sessions, password hashing.

pub(crate) mod api;
pub(crate) mod context;
#[cfg(feature = "ssr")]
pub(crate) mod device;
#[cfg(feature = "ssr")]
pub(crate) mod model;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub(crate) mod password;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod session;
