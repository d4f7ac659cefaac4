//! Quire's product: every page, server function and query. The server and the browser both build it.

/// The about page.
pub mod about;
/// The account page: profile, picture, password.
pub mod account;
/// The document shell, the router and its routes.
pub mod app;
/// Authentication: sign-up, log-in, sessions, password hashing.
pub mod auth;
/// Who is asking: the client address behind trusted proxies, and its rate-limit key (server only).
#[cfg(feature = "ssr")]
pub mod client;
/// Whether the visitor who asked is still waiting for the answer (server only).
#[cfg(feature = "ssr")]
pub mod client_gone;
/// The current time at the databases' precision (server only).
#[cfg(feature = "ssr")]
pub mod clock;
/// How resource data travels from the rendered page to the browser.
pub mod codec;
/// Layout and nav, flash messages, form fields, error pages, page titles and page links.
pub mod components;
/// Cookie names, flags, and reading and setting cookies (server only).
#[cfg(feature = "ssr")]
pub mod cookies;
/// The Content-Security-Policy of every page (server only).
#[cfg(feature = "ssr")]
pub mod csp;
/// Post dates as the browser gets and shows them.
pub mod dates;
/// The database handle, migrations and the dispatch macro (server only).
#[cfg(feature = "ssr")]
pub mod db;
/// `robots.txt` and the sitemap (server only).
#[cfg(feature = "ssr")]
pub mod discovery;
/// `AppError`, its HTTP status and user-safe text.
pub mod error;
/// Atom feeds of the newest posts (server only).
#[cfg(feature = "ssr")]
pub mod feeds;
/// Flash messages: the type, its cookie, and the server function that takes it.
pub mod flash;
/// Importing a Flaskblog (server only).
#[cfg(feature = "ssr")]
pub mod import;
/// The durable mail queue and the task that delivers it (server only).
#[cfg(feature = "ssr")]
pub mod mail_queue;
/// Periodic clean-up of expired sessions, counters and sent mail (server only).
#[cfg(feature = "ssr")]
pub mod maintenance;
/// Every field message Quire writes, and the check that a message is one of them.
pub mod messages;
/// Keeping a request's reactive owners alive while a server function runs (server only).
#[cfg(feature = "ssr")]
pub mod owner_hold;
/// Page arithmetic and the page-link pattern.
pub mod pagination;
/// Posts: model, server functions, SQL, components and pages.
pub mod posts;
/// Random tokens and names (server only).
#[cfg(feature = "ssr")]
pub mod random;
/// Rate limits counted in the database (server only).
#[cfg(feature = "ssr")]
pub mod rate_limit;
/// Password reset by emailed link.
pub mod reset;
/// Search: the page, the server function and the full-text queries.
pub mod search;
/// The server's secret key (server only).
#[cfg(feature = "ssr")]
pub mod secret;
/// Sample and demo data (server only).
#[cfg(feature = "ssr")]
pub mod seed;
/// Calling a server function from the browser with `fetch`.
pub mod server_call;
/// Server state provided to every request (server only).
#[cfg(feature = "ssr")]
pub mod state;
/// The fields of a refused script-free form post, to fill its form in again.
pub mod submitted;
/// A request's context for unit tests (server only).
#[cfg(all(test, feature = "ssr"))]
pub mod test_request;
/// The kept totals and change stamp, read once per cacheable request (server only).
#[cfg(feature = "ssr")]
pub mod totals;
/// Users: model, server functions, SQL and pages.
pub mod users;
/// Bounded off-thread work for heavy jobs (server only).
#[cfg(feature = "ssr")]
pub mod work_queue;
/// Which characters XML can carry, and stored text filtered to them.
pub mod xml_text;

pub use app::{App, shell};
