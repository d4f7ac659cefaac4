//! Cookies of the current request and response, and the names and flags Quire's cookies use.

use cookie::{Cookie, SameSite};
use http::{HeaderMap, HeaderValue, header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::server_only::state::AppState;

/// The session cookie's name over plain http.
pub const SESSION: &str = "quire_session";
/// The flash cookie's name over plain http.
pub const FLASH: &str = "quire_flash";

/// A cookie's name for this deployment: with secure cookies it carries the `__Host-` prefix,
/// which browsers accept only from https, for the whole site, without a `Domain`.
pub fn name(base: &'static str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// Whether this deployment marks cookies `Secure` (from the request's [`AppState`]).
pub fn secure() -> bool {
    with_context::<AppState, _>(|state| state.settings.secure_cookies).unwrap_or(false)
}

/// A site-wide, script-hidden, `SameSite=Lax` cookie, `Secure` when `secure`.
pub fn build(base: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name(base, secure), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// A cookie that deletes `base` in the browser.
pub fn removal(base: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = build(base, String::new(), secure);
    cookie.make_removal();
    cookie
}

/// The value of cookie `base` (under this deployment's name) on the current request.
pub fn from_request(base: &'static str) -> Option<String> {
    let name = name(base, secure());
    with_context::<Parts, _>(|parts| from_headers(&parts.headers, &name)).flatten()
}

/// The value of the cookie called `name` in these request headers.
pub fn from_headers(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// Adds a `Set-Cookie` header to the current response.
pub fn set(cookie: &Cookie<'_>) {
    if let (Some(response), Some(value)) = (use_context::<ResponseOptions>(), header_value(cookie))
    {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// `cookie` as a `Set-Cookie` header value.
pub fn header_value(cookie: &Cookie<'_>) -> Option<HeaderValue> {
    HeaderValue::from_str(&cookie.encoded().to_string()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        let cookie = build(SESSION, "t".into(), true);
        assert_eq!(cookie.name(), "__Host-quire_session");
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.path(), Some("/"));
    }

    #[test]
    fn plain_cookies_keep_their_name() {
        assert_eq!(build(FLASH, "x".into(), false).name(), "quire_flash");
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; quire_flash=s%3Ahi"),
        );
        assert_eq!(from_headers(&headers, FLASH).as_deref(), Some("s:hi"));
    }
}
