//! The server's plumbing, apart from every feature: the database, state, cookies, the CSP, the
//! clock, randomness, secrets, rate limits, limits on work at once and the client address.
//! Never compiled into the browser's bundle.

/// Whether the visitor who asked is still waiting for the answer.
pub mod cancel_on_disconnect;
/// Who is asking: the client address behind trusted proxies, and its rate-limit key.
pub mod client;
/// The current time at the databases' precision.
pub mod clock;
/// Cookie names, flags, and reading and setting cookies.
pub mod cookies;
/// The Content-Security-Policy of every page.
pub mod csp;
/// The database handle, migrations and the dispatch macro.
pub mod db;
/// What a page reads of its query, by the router's own parser.
pub mod page_query;
/// Random tokens and names.
pub mod random;
/// Rate limits counted in the database.
pub mod rate_limit;
/// The server's secret key.
pub mod secret;
/// Every limit on work at once: slots, waiting, dedicated worker threads.
pub mod slots;
/// Server state provided to every request.
pub mod state;
/// A request's context for unit tests.
#[cfg(test)]
pub mod test_request;
/// The kept totals and change stamp, read once per cacheable request.
pub mod totals;
/// Whether a render found a logged-in user, for the page cache.
pub mod visitor_seen;
