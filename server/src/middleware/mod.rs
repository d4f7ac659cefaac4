//! The layers a request passes on its way to a page or a server function, and their helpers;
//! `router.rs` stacks them in order (see ARCHITECTURE.md).

/// The access log and request ids.
pub mod access_log;
/// Response bodies that keep a value alive until they have been sent.
pub mod body_guard;
/// The cross-site request check.
pub mod cross_site;
/// Security and caching headers.
pub mod headers;
/// Pages and public reads kept until the next write, for anonymous visitors and for each user:
/// which requests qualify and under which address (`address`), and their entity tags (`etag`).
pub mod page_cache;
/// Paths too long to name a file.
pub mod path_length;
/// A script-free post form sent with its "Picture": the picture stored, the form passed on.
pub mod picture_form;
/// Slots to search, taken before a search is rendered, and the signal that its client has gone.
pub mod search_slots;
/// What a server function's error answers: its status, or a refused form's page.
pub mod server_fn_errors;
