//! Numbered page links below a paginated list.

use leptos::prelude::*;

use crate::shared::pagination::{PageLink, Pager};

/// Links to the pages of a list at `base` (`base?page=N`, or `base&page=N` when `base` has a
/// query already), the current page marked.
#[component]
pub fn PageLinks(pager: Pager, #[prop(into)] base: String) -> impl IntoView {
    if pager.pages() <= 1 {
        return ().into_any();
    }
    let base = if base.contains('?') {
        format!("{base}&")
    } else {
        format!("{base}?")
    };
    let links = pager
        .links()
        .into_iter()
        .map(|link| match link {
            PageLink::Gap => view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any(),
            PageLink::Page(number) if number == pager.page => view! {
                <li><a class="current" aria-current="page" href=format!("{base}page={number}")>{number}</a></li>
            }
            .into_any(),
            PageLink::Page(number) => view! {
                <li><a href=format!("{base}page={number}")>{number}</a></li>
            }
            .into_any(),
        })
        .collect_view();
    view! { <nav class="pagination" aria-label="Pages"><ul>{links}</ul></nav> }.into_any()
}
