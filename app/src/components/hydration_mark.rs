//! The mark a page gets once its islands are interactive.

use leptos::prelude::*;

/// The last island of every page. Islands are hydrated in document order, so when this one's
/// effect runs the forms above it are interactive: it marks `<body data-hydrated="true">`, which
/// end-to-end tests wait for before they click.
#[island]
pub fn HydrationMark() -> impl IntoView {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
