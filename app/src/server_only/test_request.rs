//! Test support: a reactive owner standing for a request being served, as the server leaves it.

use leptos::prelude::{Owner, provide_context};

/// An owner whose request's extensions carry `extension`, as a server middleware puts it there.
pub fn owner_with<T: Clone + Send + Sync + 'static>(extension: T) -> Owner {
    let owner = Owner::new();
    owner.with(|| {
        let mut request = http::Request::new(());
        request.extensions_mut().insert(extension);
        provide_context(request.into_parts().0);
    });
    owner
}
