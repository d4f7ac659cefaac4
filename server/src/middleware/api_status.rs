//! Gives server-function errors their real HTTP status when they happen before the function
//! body runs (for example arguments that do not parse), where Leptos always answers 500.

use app::shared::error::AppError;
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

/// Largest error body inspected; server-function errors are a few hundred bytes.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Middleware: a 500 from `/api/…` whose body is an [`AppError`] other than `Internal` is
/// re-labelled with that error's status.
pub async fn status_from_error(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_LIMIT).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::from("Something went wrong (500)"));
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status_code();
    }
    Response::from_parts(parts, Body::from(bytes))
}
