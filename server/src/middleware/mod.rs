//! The layers a request passes on its way to a page or a server function, and their helpers;
//! `router.rs` stacks them in order (see ARCHITECTURE.md).

/// The access log and request ids.
pub mod access_log;
/// HTTP statuses for server-function errors raised before the function runs.
pub mod api_status;
/// Response bodies that keep a value alive until they have been sent.
pub mod body_guard;
/// Which requests the page cache answers, and the address each answer is kept under.
pub mod cache_address;
/// The cross-site request check.
pub mod cross_site;
/// Error pages for refused script-free form posts.
pub mod form_refusal;
/// Security and caching headers.
pub mod headers;
/// Pages and public reads kept until the next write, for anonymous visitors and for each user.
pub mod page_cache;
/// Entity tags of kept pages, and `If-None-Match`.
pub mod page_tag;
/// Paths too long to name a file.
pub mod path_length;
/// Turns to search, taken before a search is rendered, and the signal that its client has gone.
pub mod search_slots;
