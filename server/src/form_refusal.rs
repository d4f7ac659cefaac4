//! A script-free form post that fails with an error no form shows (403, 404, 401, 400, 500)
//! gets that error's page with its real status, instead of Leptos' redirect back to a page that
//! would say nothing about it.

use app::error::AppError;
use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE};
use tower::ServiceExt;

/// Middleware: replaces such a redirect with the page of its error, rendered by `pages`.
pub async fn show_refusals(State(pages): State<Router>, request: Request, next: Next) -> Response {
    let plain_form_post = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let cookies = request.headers().get(header::COOKIE).cloned();
    let response = next.run(request).await;
    if !plain_form_post || !response.status().is_redirection() {
        return response;
    }
    let Some(error) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(error_in_location)
    else {
        return response;
    };
    if error.is_shown_by_form() {
        return response;
    }
    let set_cookies: Vec<HeaderValue> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    error_page(pages, error.status_code(), cookies, set_cookies).await
}

/// The error a server function put in a redirect's `__err` parameter.
fn error_in_location(location: &str) -> Option<AppError> {
    let (_, query) = location.split_once('?')?;
    let encoded = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("__err="))?;
    // The URL serializer may have escaped base64's `=` padding.
    let encoded = percent_encoding::percent_decode_str(encoded).collect::<Vec<u8>>();
    let bytes = URL_SAFE.decode(encoded).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Renders `/error/STATUS` for the same visitor (same cookies), keeping the cookies the server
/// function set (a flash, a rotated session).
async fn error_page(
    pages: Router,
    status: StatusCode,
    cookies: Option<HeaderValue>,
    set_cookies: Vec<HeaderValue>,
) -> Response {
    let mut request = Request::builder()
        .method(Method::GET)
        .uri(format!("/error/{}", status.as_u16()))
        .header(header::ACCEPT, "text/html");
    if let Some(cookies) = cookies {
        request = request.header(header::COOKIE, cookies);
    }
    let Ok(request) = request.body(Body::empty()) else {
        return status.into_response();
    };
    let mut page = match pages.oneshot(request).await {
        Ok(page) => page,
        Err(never) => match never {},
    };
    *page.status_mut() = status;
    for cookie in set_cookies {
        page.headers_mut().append(header::SET_COOKIE, cookie);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_is_read_from_the_redirect() {
        let encoded = URL_SAFE.encode(br#""Forbidden""#);
        let location = format!("http://x/post/1?__path=%2Fapi%2Fdelete_post&__err={encoded}");
        assert_eq!(error_in_location(&location), Some(AppError::Forbidden));
    }

    #[test]
    fn a_redirect_without_error_has_none() {
        assert_eq!(error_in_location("http://x/post/1?page=2"), None);
    }
}
