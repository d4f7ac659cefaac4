//! Quire's product: every page, server function and query. The server and the browser both build it.

/// The about page.
pub(crate) mod about;
/// The account page: profile, picture, password.
pub mod account;
/// The document shell, the router and its routes.
pub(crate) mod app;
/// Authentication: sign-up, log-in, sessions, password hashing.
pub mod auth;
/// Work every instance does without a request: mail delivery and the sweep of expired rows
/// (server only).
#[cfg(feature = "ssr")]
pub mod background;
/// Layout and nav, flash messages, form fields, error pages, page titles and page links.
pub(crate) mod components;
/// A blog's export as one ZIP, and the import of such an export (server only).
#[cfg(feature = "ssr")]
pub mod export;
/// Federation over ActivityPub: authors followable from Mastodon, their posts delivered there.
pub mod federation;
/// Atom feeds, `robots.txt` and the sitemap (server only).
#[cfg(feature = "ssr")]
pub mod feeds;
/// Flash messages: the type, its cookie, and the server function that takes it.
pub(crate) mod flash;
/// Bringing content in: the Flaskblog importer, sample and demo data (server only).
#[cfg(feature = "ssr")]
pub mod import;
/// Live pages: changes reach open pages as they happen (the stream, and how pages follow it).
pub mod live;
/// Outgoing email: the mailer and its durable queue (server only).
#[cfg(feature = "ssr")]
pub mod mail;
/// Pictures in posts: the editor's upload, processing, storage and serving.
pub mod pictures;
/// Posts: model, server functions, SQL, components and pages; drafts, scheduling, a post's tags.
pub mod posts;
/// Password reset by emailed link.
pub mod reset;
/// The database brought up to date: migrations, then what only Rust computes (server only).
#[cfg(feature = "ssr")]
pub mod schema;
/// Search: the page, the server function and the full-text queries.
pub mod search;
/// The server's plumbing: database, state, cookies, CSP, clock, randomness, rate limits.
#[cfg(feature = "ssr")]
pub mod server_only;
/// Types and helpers both the server and the browser use.
pub mod shared;
/// Tags: each tag's page and feed, and the tags in use.
pub mod tags;
/// Test support: backends, Postgres schemas, `on_both_backends!` (the `test-util` feature).
#[cfg(feature = "test-util")]
pub mod test_util;
/// Users: model, server functions, SQL and pages.
pub mod users;

pub use app::{App, shell};
