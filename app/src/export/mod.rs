//! A blog's way out and back in: an export as one ZIP (posts as Markdown with front matter,
//! their pictures, the profile picture, a README), streamed; and the import of such a ZIP, read
//! as untrusted input and written in one transaction.

pub mod archive;
pub mod front_matter;
pub mod http;
pub mod import;
pub mod limits;
pub mod repo;
pub mod targets;
