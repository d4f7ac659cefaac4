//! Headers every response gets: security headers on every response (and a Content-Security-Policy
//! on HTML that has none yet), HSTS over https, and caching: bundle files immutable when their
//! names carry a content hash, other static files for a day, pages `private, no-cache`.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// What the deployment decides about headers.
#[derive(Debug, Clone)]
pub struct HeaderPolicy {
    /// Served over https (`QUIRE_SECURE_COOKIES`): send HSTS.
    pub https: bool,
    /// Bundle file names carry content hashes: they can be cached forever.
    pub hashed_assets: bool,
    /// The URL prefix of the bundle, e.g. `/pkg/`.
    pub pkg_prefix: String,
}

/// A year, the longest `max-age` browsers honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages depend on who is logged in: never shared, always revalidated.
pub const PRIVATE_PAGE: &str = "private, no-cache";
/// Static files whose names do not change with their content.
const STATIC_FILE: &str = "public, max-age=86400";
/// Bundle files whose names do not change with their content (debug builds).
const REVALIDATE: &str = "no-cache";

/// Middleware: adds the headers `policy` calls for.
pub async fn add_headers(
    State(policy): State<HeaderPolicy>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let succeeded = response.status().is_success();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if is_html(headers) {
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            if let Ok(value) = HeaderValue::from_str(&app::server_only::csp::policy(None)) {
                headers.insert(header::CONTENT_SECURITY_POLICY, value);
            }
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_PAGE),
        );
    } else if !headers.contains_key(header::CACHE_CONTROL) && succeeded {
        let cache = if path.starts_with(&policy.pkg_prefix) {
            if policy.hashed_assets {
                IMMUTABLE
            } else {
                REVALIDATE
            }
        } else if path.starts_with("/api/") {
            "no-store"
        } else {
            STATIC_FILE
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}
