//! Refuses state-changing requests that another site made the browser send, on top of
//! `SameSite=Lax` cookies: the browser's `Sec-Fetch-Site`, or else `Origin`, must name this site.

use axum::{
    extract::Request,
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Middleware: a 403 for cross-site requests with any method but GET, HEAD and OPTIONS.
pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_site(request.headers()) {
        tracing::warn!(method = %request.method(), uri = %request.uri(), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site request refused: submit the form from this site.",
        )
            .into_response();
    }
    next.run(request).await
}

/// True when the headers show the request came from another site. Requests without either
/// header (not sent by a browser) pass: they carry no one else's cookies.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_fetches_pass() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
    }

    #[test]
    fn cross_site_fetches_are_refused() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn a_foreign_origin_is_refused() {
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "quire.example")
        ])));
    }

    #[test]
    fn a_matching_origin_passes() {
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
    }

    #[test]
    fn a_null_origin_is_refused() {
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "quire.example")
        ])));
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(!is_cross_site(&HeaderMap::new()));
    }
}
