//! Authentication: sign-up, log-in and log-out, server-side sessions, password hashing.

pub mod api;
pub mod context;
#[cfg(feature = "ssr")]
pub mod device;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod session;
