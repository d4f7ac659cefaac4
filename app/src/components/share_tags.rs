//! What a link preview and a search result show of a page: its description and OpenGraph tags.

use leptos::prelude::*;
use leptos_meta::Meta;

/// `<meta name="description">` and the OpenGraph tags of an article at `path`.
#[component]
pub fn ShareTags(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(into)] path: String,
) -> impl IntoView {
    let url = format!("{}{path}", site_origin());
    view! {
        <Meta name="description" content=description.clone()/>
        <Meta property="og:type" content="article"/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
    }
}

/// The site's public address: the configured one on the server, the page's origin in the
/// browser (the same address, as the browser reached it).
fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::server_only::state::AppState>()
            .map(|state| state.settings.site_url().to_owned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}
