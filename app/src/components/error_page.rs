//! The page shown for an error, served with the error's real HTTP status.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{components::page_title::PageTitle, shared::error::AppError};

/// A friendly page for `error`; on the server it also sets the response status.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status_code());
        if let Some(seconds) = error.retry_after() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    let heading = error.to_string();
    view! {
        <PageTitle text=heading.clone()/>
        <section class="error-page">
            <h1>{heading}</h1>
            <p>{error.advice()}</p>
            <p><a href="/">"Back to the home page"</a></p>
        </section>
    }
}

/// The page for any path that matches no route.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}

/// `/error/STATUS`: the page of an error by its HTTP status, where a refused script-free form
/// post is answered; unknown statuses are a 404.
#[component]
pub fn ErrorStatusPage() -> impl IntoView {
    let params = use_params_map();
    let error = params.with_untracked(|p| {
        p.get_str("status")
            .and_then(|status| status.parse().ok())
            .and_then(AppError::from_status)
            .unwrap_or(AppError::NotFound)
    });
    view! { <ErrorPage error/> }
}
