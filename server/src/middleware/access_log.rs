//! The access log: one `info` line per request (method, path without its query, status,
//! duration, request id), and the request id itself: taken from `X-Request-Id` when the client
//! or a proxy sent a sane one, made up otherwise, returned in the response and attached to every
//! log line written while the request is served. Health checks are not logged.

use std::time::Instant;

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

/// The header that carries the request id.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a client.
const MAX_ID_LENGTH: usize = 64;

/// The request id of `request`: its own if sane, else a new random one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_sane(id))
        .map_or_else(|| app::server_only::random::random_hex(8), str::to_owned)
}

/// Short, and only characters that cannot forge a log line or a header.
fn is_sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LENGTH
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Paths polled by load balancers and orchestrators; logging them would drown the log.
fn is_health_check(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz")
}

/// Middleware: serves the request inside a span carrying its id, then logs it.
pub async fn log_requests(mut request: Request, next: Next) -> Response {
    let id = request_id(&request);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    let span = tracing::info_span!("request", id = %id);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    if !is_health_check(&path) {
        span.in_scope(|| {
            tracing::info!(
                target: "quire::access",
                %method,
                %path,
                status = response.status().as_u16(),
                ms = started.elapsed().as_secs_f64() * 1000.0,
                "request"
            );
        });
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_id_is_kept() {
        assert!(is_sane("0f3a-42_req.7"));
    }

    #[test]
    fn an_id_that_could_forge_a_log_line_is_replaced() {
        assert!(!is_sane("abc\ndef"));
        assert!(!is_sane("a b"));
        assert!(!is_sane(&"x".repeat(65)));
        assert!(!is_sane(""));
    }
}
