//! Password reset by emailed link: the request and reset pages, signed tokens, and mail delivery.

pub mod api;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod token;
