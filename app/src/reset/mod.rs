//! Password reset by emailed link: the request and reset pages, and signed tokens (the mail goes
//! through `mail`).

pub(crate) mod api;
pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod token;
