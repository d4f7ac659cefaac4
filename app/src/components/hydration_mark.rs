//! The mark a page gets once it is interactive.

use leptos::prelude::*;

/// Marks `<body data-hydrated="true">` once the app has hydrated (effects run only in the
/// browser, after hydration), which end-to-end tests wait for before they click.
#[component]
pub fn HydrationMark() -> impl IntoView {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
