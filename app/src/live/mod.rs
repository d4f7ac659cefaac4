//! Live pages: what others write reaches open pages as it happens. The changes (model.rs), the
//! tab's stream in the browser (feed.rs), where it first resumes (resume.rs) and how pages
//! follow it (follow.rs); on the server, their SQL (repo.rs), each instance's reading and
//! broadcast (hub.rs) and `GET /live` (stream.rs).

pub mod feed;
pub mod follow;
pub mod model;
pub mod resume;

#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod stream;
