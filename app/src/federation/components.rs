//! The author's fediverse handle on their page: the handle to search for on Mastodon, a button
//! that copies it, and the follower count.

use leptos::prelude::*;

use crate::federation::model::Fediverse;

/// "Follow on the fediverse: @name@host [Copy handle] · N followers". The button needs the
/// browser's clipboard: the style sheet shows it only once the page is interactive (`<body
/// data-hydrated>`); without JavaScript the handle is there to select.
#[component]
pub fn FediverseHandle(fediverse: Fediverse) -> impl IntoView {
    let copied = RwSignal::new(false);
    let handle = fediverse.handle.clone();
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&handle);
            copied.set(true);
        }
    };
    view! {
        <p class="fediverse">
            "Follow on the fediverse: "
            <code class="handle">{fediverse.handle.clone()}</code>
            " "
            <button type="button" class="copy-handle" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy handle" }}
            </button>
            " · "
            <span class="followers">{fediverse.followers_text()}</span>
        </p>
    }
}
