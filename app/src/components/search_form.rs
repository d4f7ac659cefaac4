//! The search forms: a plain `GET` form without JavaScript; in the browser, its results are shown
//! by the router, without a page load.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{NavigateOptions, hooks::use_navigate};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, UrlSearchParams};

/// Where the forms send their query.
const SEARCH_PAGE: &str = "/search";

/// A search form with `class`, around its field and button.
#[component]
pub fn SearchForm(class: &'static str, children: Children) -> impl IntoView {
    let navigate = use_navigate();
    let submit = move |event: SubmitEvent| {
        let Some(query) = query_of(&event) else {
            return;
        };
        event.prevent_default();
        navigate(
            &format!("{SEARCH_PAGE}?{query}"),
            NavigateOptions::default(),
        );
    };
    view! {
        <form class=class method="get" action=SEARCH_PAGE role="search" on:submit=submit>
            {children()}
        </form>
    }
}

/// The query string the submitted form would send.
fn query_of(event: &SubmitEvent) -> Option<String> {
    let form: HtmlFormElement = event.target()?.dyn_into().ok()?;
    let data = FormData::new_with_form(&form).ok()?;
    let query = UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(query.to_string().into())
}
