//! What readers and crawlers fetch besides the pages: Atom feeds, `robots.txt` and the sitemap.

/// Atom feeds of the newest posts, the site's and each author's.
pub mod atom;
/// `robots.txt` and the sitemap.
pub mod discovery;
