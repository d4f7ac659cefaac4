//! Pictures in posts: the editor's "Add picture", the upload, its processing, storage and serving,
//! and which posts use which picture.

pub(crate) mod adder;
#[cfg(feature = "ssr")]
pub mod decode;
#[cfg(feature = "ssr")]
pub mod links;
pub mod model;
#[cfg(feature = "ssr")]
pub mod process;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod serve;
#[cfg(feature = "ssr")]
pub mod upload;
