//! Where a tab's first stream resumes: the newest change a server-rendered page already shows,
//! written in its head, so that what is written while the page loads still reaches it.

use leptos::prelude::*;

/// The name of the `<meta>` that holds the event id.
const META_NAME: &str = "quire-live-after";

/// The page's resume point, rendered in the document's head while this instance reads live
/// events (before that, the page's first stream starts from its opening, as a new one does).
#[component]
pub fn ResumePoint() -> impl IntoView {
    #[cfg(feature = "ssr")]
    // The files' 404 page is rendered without the app's state: it has no resume point.
    let after = use_context::<crate::server_only::state::AppState>()
        .and_then(|state| state.live.passed_on());
    #[cfg(not(feature = "ssr"))]
    let after = None::<i64>;
    after.map(|id| view! { <meta name=META_NAME content=id.to_string()/> })
}

/// The resume point the server rendered into this document, or empty for none.
pub fn rendered() -> String {
    document()
        .query_selector(&format!("meta[name={META_NAME}]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .unwrap_or_default()
}
