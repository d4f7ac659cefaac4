//! The axum router: Leptos pages and server functions, profile pictures, static files, and the
//! layers every request passes (cross-site check, body limits, tracing).

use std::{future::Future, net::SocketAddr};

use app::{
    App,
    account::picture::{serve_avatar, upload_picture},
    shell,
    state::AppState,
};
use axum::{Router, middleware, routing::get, routing::post};
use leptos::prelude::{AnyView, IntoAny, provide_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};
use tokio::net::TcpListener;
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};

use crate::{
    api_status::status_from_error, cross_site::reject_cross_site, form_refusal::show_refusals,
};

/// Largest request body for forms and server functions: room for a 100,000-character post
/// even when every character is multi-byte and percent-encoded.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Largest picture upload request: a 5 MB picture plus the multipart envelope; anything
/// between 5 MB and this gets a field error, anything larger a 413.
pub const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

/// Every route of the site, with `state` provided to pages and server functions.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let pages = Router::new()
        .route("/avatars/{name}", get(serve_avatar))
        .leptos_routes_with_context(
            &state,
            routes.clone(),
            provide_state(&state),
            render_shell(&state),
        )
        .fallback(file_and_error_handler::<AppState, _>(shell))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    let uploads = Router::new()
        .route("/account/picture", post(upload_picture))
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT));
    // The same pages, without the layers, for rendering the error page of a refused form post.
    let error_pages = Router::new()
        .leptos_routes_with_context(&state, routes, provide_state(&state), render_shell(&state))
        .with_state(state.clone());
    pages
        .merge(uploads)
        .layer(middleware::from_fn_with_state(error_pages, show_refusals))
        .layer(middleware::from_fn(status_from_error))
        .layer(middleware::from_fn(reject_cross_site))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn provide_state(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let state = state.clone();
    move || provide_context(state.clone())
}

fn render_shell(state: &AppState) -> impl Fn() -> AnyView + Clone + Send + Sync + 'static {
    let options = state.leptos_options.clone();
    move || shell(options.clone()).into_any()
}

/// Serves the site on `listener` until `shutdown` completes; handlers can see the client address.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
