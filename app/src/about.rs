//! The about page.

use leptos::prelude::*;

use crate::components::page_title::PageTitle;

/// `/about`: what Quire is.
#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <PageTitle text="About"/>
        <article class="prose">
            <h1>"About Quire"</h1>
            <p>"Quire is a small blog where many people write. Every post belongs to its author; \
                the home page shows the newest posts from everyone, and each writer has a page of their own."</p>
            <p>"It is built in Rust: pages are rendered on the server, so they arrive complete and readable, \
                and then come alive in your browser."</p>
        </article>
    }
}
