//! Types and helpers both sides use: errors, field messages, dates, page arithmetic, the data
//! codec and the browser's server-function calls.

/// How resource data travels from the rendered page to the browser.
pub(crate) mod codec;
/// Post dates as the browser gets and shows them.
pub(crate) mod dates;
/// `AppError`, its HTTP status and user-safe text.
pub mod error;
/// Every field message Quire writes, and the check that a message is one of them.
pub mod messages;
/// Page arithmetic and the page-link pattern.
pub mod pagination;
/// Calling a server function from the browser with `fetch`.
pub(crate) mod server_call;
/// The fields of a refused script-free form post, to fill its form in again.
pub mod submitted;
/// Which characters XML can carry, and stored text filtered to them.
pub(crate) mod xml_text;
