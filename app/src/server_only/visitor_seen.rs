//! What a render tells the page cache about whom it was rendered for: the cache hands a
//! [`VisitorSeen`] to every render it means to keep for everyone, and the session code marks it
//! when it finds a logged-in user, so a request the cache misread as anonymous is never kept.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use http::request::Parts;
use leptos::prelude::use_context;

/// Set once the render it was handed to finds a logged-in user; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct VisitorSeen(Arc<AtomicBool>);

impl VisitorSeen {
    /// Whether the render found a logged-in user.
    pub fn found_user(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    fn mark(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Tells the page cache, if it is watching the request being rendered, that the request belongs
/// to a logged-in user.
pub fn note_logged_in_user() {
    if let Some(seen) =
        use_context::<Parts>().and_then(|parts| parts.extensions.get::<VisitorSeen>().cloned())
    {
        seen.mark();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_sees_the_mark() {
        let seen = VisitorSeen::default();
        let handed = seen.clone();
        assert!(!seen.found_user());
        handed.mark();
        assert!(seen.found_user());
    }
}
