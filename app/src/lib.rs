//! Quire's product: every page, server function and query. The server and the browser both build it.

/// The about page.
pub mod about;
/// The account page: profile, picture, password.
pub mod account;
/// The document shell, the router and its routes.
pub mod app;
/// Authentication: sign-up, log-in, sessions, password hashing.
pub mod auth;
/// Layout and nav, flash messages, form fields, error pages, page titles and page links.
pub mod components;
/// The database handle, migrations and the dispatch macro (server only).
#[cfg(feature = "ssr")]
pub mod db;
/// `AppError`, its HTTP status and user-safe text.
pub mod error;
/// Page arithmetic and the page-link pattern.
pub mod pagination;
/// Posts: model, server functions, SQL, components and pages.
pub mod posts;
/// Password reset by emailed link.
pub mod reset;
/// The server's secret key (server only).
#[cfg(feature = "ssr")]
pub mod secret;
/// Sample and demo data (server only).
#[cfg(feature = "ssr")]
pub mod seed;
/// Server state provided to every request (server only).
#[cfg(feature = "ssr")]
pub mod state;
/// Users: model, server functions, SQL and pages.
pub mod users;

pub use app::{App, shell};
