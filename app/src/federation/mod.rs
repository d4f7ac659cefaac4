//! Federation over ActivityPub: every author can be followed from Mastodon and the rest of the
//! fediverse, and their posts are delivered to their followers' servers.

/// The server function that reads an author's handle.
pub mod api;
/// The handle on an author's page, with its copy button.
pub mod components;
/// The author's handle and follower count, as their page shows them.
pub mod model;

/// The JSON documents: actors, articles, activities, collections.
#[cfg(feature = "ssr")]
pub mod activities;
/// Which network addresses outgoing requests may reach.
#[cfg(feature = "ssr")]
pub mod address;
/// The one HTTP client of outgoing federation requests: address filter, time limits, body limit.
#[cfg(feature = "ssr")]
pub mod client;
/// Whether federation is on, whether it may reach plain http and private addresses, how deliveries
/// are retried.
#[cfg(feature = "ssr")]
pub mod config;
/// The durable delivery queue: signed POSTs, retried with backoff, given up on after days.
#[cfg(feature = "ssr")]
pub mod delivery;
/// `/.well-known/webfinger`, host-meta and NodeInfo.
#[cfg(feature = "ssr")]
pub mod discovery;
/// Actors, articles and collections served as JSON at their pages' addresses.
#[cfg(feature = "ssr")]
pub mod documents;
/// Live events turned into deliveries to followers' servers, once across instances.
#[cfg(feature = "ssr")]
pub mod fanout;
/// The inboxes: signed activities checked, then Follow, Undo and Delete acted on.
#[cfg(feature = "ssr")]
pub mod inbox;
/// Authors' RSA key pairs: made on first use, kept in the database, signing with them.
#[cfg(feature = "ssr")]
pub mod keys;
/// Remote actors and their keys: fetched with a signed GET, cached, fetched again once.
#[cfg(feature = "ssr")]
pub mod remote;
/// SQL of keys, remote actors, followers, deliveries and the fan-out cursor.
#[cfg(feature = "ssr")]
pub mod repo;
/// HTTP signatures (draft-cavage): signing requests, and checking the signature, digest and
/// date of incoming ones.
#[cfg(feature = "ssr")]
pub mod signature;
/// What this instance holds for federation: settings, client, limits.
#[cfg(feature = "ssr")]
pub mod state;
/// The addresses of the site's actors, posts, inboxes and collections.
#[cfg(feature = "ssr")]
pub mod urls;
