//! Cookie names, flags, and reading and setting cookies. [`read`] is the one reader of Quire's
//! cookies in a request: the page cache and the app both use it, so they can never disagree about
//! who is asking.

use cookie::{Cookie, SameSite};
use http::{HeaderMap, HeaderValue, header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::server_only::state::AppState;

/// The session cookie's name over plain http.
pub const SESSION: &str = "quire_session";
/// The flash cookie's name over plain http.
pub const FLASH: &str = "quire_flash";
/// The trusted-device cookie's name over plain http (see `auth::device`).
pub const DEVICE: &str = "quire_device";

/// A cookie's name for this deployment: with secure cookies it carries the `__Host-` prefix,
/// which browsers accept only from https, for the whole site, without a `Domain`.
pub fn name(base: &'static str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// The trusted-device cookie's name for this deployment. It is sent with log-ins only (its
/// path), so with secure cookies it carries the `__Secure-` prefix: `__Host-` needs the path `/`.
pub fn device_name(secure: bool) -> String {
    if secure {
        format!("__Secure-{DEVICE}")
    } else {
        DEVICE.to_owned()
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

/// Quire's cookies in one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RequestCookies {
    /// The session token.
    pub session: Option<String>,
    /// The flash message to show, encoded.
    pub flash: Option<String>,
    /// The trusted-device token.
    pub device: Option<String>,
    /// Whether the request also carries a cookie that only looks like one of Quire's (its name
    /// mentions `quire_` once percent-decoded or in another case, or it is a second cookie of
    /// one of Quire's names). Quire never reads such a cookie, but a page cache must not take
    /// the request for an anonymous one.
    pub lookalike: bool,
}

/// Quire's cookies in these request headers, for a deployment with `secure` cookies (whose names
/// carry the `__Host-` prefix). A cookie's name is compared exactly as sent, never decoded, so
/// that neither `quire%5Fsession` nor `__Host%2Dquire_session` (which a sibling subdomain could
/// set) is taken for the session; values are percent-decoded. Of two cookies with one name, the
/// first counts.
pub fn read(headers: &HeaderMap, secure: bool) -> RequestCookies {
    let (session, flash, device) = (
        name(SESSION, secure),
        name(FLASH, secure),
        device_name(secure),
    );
    let mut found = RequestCookies::default();
    for value in headers.get_all(header::COOKIE) {
        let Ok(value) = value.to_str() else {
            found.lookalike |= mentions_quire(value.as_bytes());
            continue;
        };
        for cookie in Cookie::split_parse(value).filter_map(Result::ok) {
            let slot = match cookie.name() {
                given if given == session => &mut found.session,
                given if given == flash => &mut found.flash,
                given if given == device => &mut found.device,
                other => {
                    found.lookalike |= mentions_quire(other.as_bytes());
                    continue;
                }
            };
            if slot.is_some() {
                found.lookalike = true;
            } else {
                *slot = Some(decoded(cookie.value()));
            }
        }
    }
    found
}

/// Whether a cookie name (or a header Quire cannot read) mentions `quire_`, percent-decoded and
/// in any case.
fn mentions_quire(raw: &[u8]) -> bool {
    let decoded: Vec<u8> = percent_encoding::percent_decode(raw).collect();
    decoded
        .to_ascii_lowercase()
        .windows(6)
        .any(|window| window == b"quire_")
}

/// A cookie value, percent-decoded.
fn decoded(value: &str) -> String {
    percent_encoding::percent_decode_str(value)
        .decode_utf8_lossy()
        .into_owned()
}

/// Quire's cookies on the current request.
pub fn from_request() -> RequestCookies {
    let secure = secure();
    with_context::<Parts, _>(|parts| read(&parts.headers, secure)).unwrap_or_default()
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

    fn headers(cookies: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static(cookies));
        headers
    }

    #[test]
    fn a_cookie_is_found_among_others_with_its_value_decoded() {
        let found = read(&headers("a=1; quire_flash=s%3Ahi"), false);
        assert_eq!(found.flash.as_deref(), Some("s:hi"));
        assert!(!found.lookalike);
    }

    #[test]
    fn an_encoded_session_name_is_not_the_session() {
        let found = read(&headers("quire%5Fsession=abc"), false);
        assert_eq!(found.session, None);
        assert!(found.lookalike);
    }

    #[test]
    fn an_encoded_host_prefix_is_not_the_session() {
        let found = read(&headers("__Host%2Dquire_session=abc"), true);
        assert_eq!(found.session, None);
        assert!(found.lookalike);
    }

    #[test]
    fn the_plain_name_is_not_the_session_of_a_secure_deployment() {
        let found = read(&headers("quire_session=abc"), true);
        assert_eq!(found.session, None);
        assert!(found.lookalike);
    }

    #[test]
    fn a_second_session_cookie_is_a_lookalike_and_the_first_counts() {
        let found = read(&headers("quire_session=a; quire_session=b"), false);
        assert_eq!(found.session.as_deref(), Some("a"));
        assert!(found.lookalike);
    }

    #[test]
    fn cookies_in_several_headers_are_all_read() {
        let mut headers = headers("a=1");
        headers.append(header::COOKIE, HeaderValue::from_static("quire_session=t"));
        assert_eq!(read(&headers, false).session.as_deref(), Some("t"));
    }
}
