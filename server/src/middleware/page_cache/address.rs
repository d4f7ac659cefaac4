//! Which requests the page cache may answer, and the address each answer is kept under: the
//! public pages and their keys, the public read server functions and the arguments they read,
//! and whose page a request asks for, from its cookies.

use std::time::Duration;

use app::server_only::{cookies, page_query};
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
};

/// Where a cacheable answer is kept.
#[derive(Debug, PartialEq, Eq)]
pub enum Address {
    /// Shared by every visitor: an anonymous visitor's page, or a public read.
    Shared(String),
    /// Kept for the user whose session has `token`, once it is found.
    Personal { token: String, address: String },
}

/// The request, and where its answer is kept: a GET of a public page by an anonymous visitor or
/// by a logged-in one whose only Quire cookie is the session (named as a deployment with
/// `secure_cookies` names it), or a call of a public read server function (the arguments it
/// reads, from the body, are part of the address); `None` for anything else. A body shorter than it announced is a 400, one that
/// stalls past `client_idle` a 408.
pub async fn cacheable(
    request: Request,
    client_idle: Duration,
    secure_cookies: bool,
) -> Result<(Request, Option<Address>), Response> {
    if request.method() == Method::GET {
        let uri = request.uri();
        let Some(address) = cache_key(uri.path(), uri.query().unwrap_or("")) else {
            return Ok((request, None));
        };
        let address = match visitor(request.headers(), secure_cookies) {
            Visitor::Anonymous => Some(Address::Shared(address)),
            Visitor::Session(token) => Some(Address::Personal { token, address }),
            Visitor::Unkept => None,
        };
        return Ok((request, address));
    }
    let Some(arguments) = public_read_arguments(&request) else {
        return Ok((request, None));
    };
    let (parts, body) = request.into_parts();
    let body = match tokio::time::timeout(client_idle, to_bytes(body, MAX_ARGUMENTS)).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return Err(StatusCode::BAD_REQUEST.into_response()),
        Err(_) => return Err(StatusCode::REQUEST_TIMEOUT.into_response()),
    };
    let address = read_key(parts.uri.path(), arguments, &body).map(Address::Shared);
    Ok((Request::from_parts(parts, Body::from(body)), address))
}

/// The read server functions whose answer depends only on their arguments and the database,
/// never on the visitor, so that one kept answer serves everyone, logged in or not; with the
/// arguments each reads.
pub(crate) const PUBLIC_READS: [(&str, &[&str]); 6] = [
    ("/api/list_posts", &["page"]),
    ("/api/get_post", &["id"]),
    ("/api/list_users", &["page"]),
    ("/api/list_user_posts", &["username", "page"]),
    ("/api/list_tag_posts", &["name", "page"]),
    ("/api/list_tags", &["page"]),
];

/// Longest arguments of a public read that are kept (a page number, an id, a username).
const MAX_ARGUMENTS: usize = 512;

/// The arguments `request` reads, when it is a short JSON call of a public read.
fn public_read_arguments(request: &Request) -> Option<&'static [&'static str]> {
    if request.method() != Method::POST {
        return None;
    }
    let (_, arguments) = PUBLIC_READS
        .iter()
        .find(|(path, _)| *path == request.uri().path())?;
    let headers = request.headers();
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let short = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok())
        .is_some_and(|length| length <= MAX_ARGUMENTS);
    (is_json && short).then_some(*arguments)
}

/// The key of a public read: its path and the values of the arguments it reads, in order, so
/// that one call written two ways is one key, and fields the function ignores cannot crowd the
/// others out; `None` when the body is not a JSON object (the function answers that itself).
fn read_key(path: &str, names: &[&str], body: &[u8]) -> Option<String> {
    let serde_json::Value::Object(given) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    let values: Vec<serde_json::Value> = names
        .iter()
        .map(|name| given.get(*name).cloned().unwrap_or_default())
        .collect();
    Some(format!("{path} {}", serde_json::Value::Array(values)))
}

/// The key of a public page: its path with what the page reads of the query, read by the
/// router's own parser (the page number, left out for page 1) and a post id as a number, so that
/// `/?x=1`, `/?x=2`, … are one page and cannot crowd the others out, and no two queries the page
/// reads differently share a key. `None` when the page is not public, or the query carries a
/// refused form's error (the page shows it, so it is never kept).
fn cache_key(path: &str, query: &str) -> Option<String> {
    let path = public_page(path)?;
    if query.is_empty() {
        return Some(path);
    }
    let read = page_query::read(&format!("/?{query}"))?;
    if read.form_error {
        return None;
    }
    Some(if read.page == 1 {
        path
    } else {
        format!("{path}?page={}", read.page)
    })
}

/// The canonical path of a page whose HTML is the same for every anonymous visitor and changes
/// only with posts and users; `None` for any other path.
fn public_page(path: &str) -> Option<String> {
    if matches!(path, "/" | "/home" | "/users" | "/tags") {
        return Some(path.to_owned());
    }
    if let Some(id) = path.strip_prefix("/post/") {
        return (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .then(|| id.parse::<i64>().ok())
            .flatten()
            .map(|id| format!("/post/{id}"));
    }
    path.strip_prefix("/user/")
        .or_else(|| path.strip_prefix("/tag/"))
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .map(|_| path.to_owned())
}

/// Whose page a GET asks for, from its cookies.
#[derive(Debug, PartialEq, Eq)]
enum Visitor {
    /// No Quire cookie: the page every anonymous visitor shares.
    Anonymous,
    /// Only the session cookie, with this token: the page kept for its user.
    Session(String),
    /// A flash message to show, or any other Quire cookie: rendered afresh, never kept.
    Unkept,
}

/// Who sent `headers`, read by the one reader of Quire's cookies the pages use too.
fn visitor(headers: &HeaderMap, secure_cookies: bool) -> Visitor {
    let found = cookies::read(headers, secure_cookies);
    if found.flash.is_some() || found.lookalike {
        return Visitor::Unkept;
    }
    found.session.map_or(Visitor::Anonymous, Visitor::Session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn post_and_user_pages_are_public() {
        assert_eq!(cache_key("/post/42", ""), Some("/post/42".to_owned()));
        assert_eq!(cache_key("/user/alice", ""), Some("/user/alice".to_owned()));
        assert_eq!(cache_key("/", ""), Some("/".to_owned()));
    }

    #[test]
    fn tag_pages_and_the_tags_list_are_public() {
        assert_eq!(cache_key("/tag/rust", ""), Some("/tag/rust".to_owned()));
        assert_eq!(cache_key("/tags", ""), Some("/tags".to_owned()));
    }

    #[test]
    fn the_drafts_page_is_never_kept() {
        assert_eq!(cache_key("/drafts", ""), None);
    }

    #[test]
    fn forms_and_other_paths_are_not_kept() {
        for path in [
            "/post/new",
            "/post/42/update",
            "/account",
            "/about",
            "/readyz",
            "/user/",
        ] {
            assert_eq!(cache_key(path, ""), None, "{path}");
        }
    }

    #[test]
    fn a_query_the_page_does_not_read_is_one_key() {
        assert_eq!(cache_key("/", "x=1"), cache_key("/", "x=2"));
        assert_eq!(cache_key("/", "x=1"), Some("/".to_owned()));
    }

    #[test]
    fn page_numbers_are_keyed_as_the_page_reads_them() {
        assert_eq!(
            cache_key("/users", "page=02&utm=a"),
            Some("/users?page=2".to_owned())
        );
        assert_eq!(cache_key("/", "page=1"), Some("/".to_owned()));
        assert_eq!(cache_key("/", "page=nonsense"), Some("/".to_owned()));
    }

    #[test]
    fn of_two_page_numbers_the_key_has_the_one_the_page_reads() {
        assert_eq!(cache_key("/", "page=2&page=3"), Some("/?page=3".to_owned()));
    }

    #[test]
    fn a_page_number_encoded_twice_is_keyed_as_the_page_it_renders() {
        assert_eq!(cache_key("/", "page=%2532"), Some("/?page=2".to_owned()));
        assert_eq!(
            cache_key("/users", "page=%2532"),
            Some("/users?page=2".to_owned())
        );
    }

    #[test]
    fn a_refused_forms_error_is_never_kept() {
        assert_eq!(
            cache_key("/post/1", "__path=%2Fapi%2Fdelete_post&__err=x"),
            None
        );
        assert_eq!(cache_key("/post/1", "__err=x"), None);
        assert_eq!(cache_key("/", "%5F%5Fpath=x"), None);
    }

    #[test]
    fn a_post_id_is_keyed_as_a_number() {
        assert_eq!(cache_key("/post/0042", ""), Some("/post/42".to_owned()));
        assert_eq!(cache_key("/post/99999999999999999999", ""), None);
    }
    /// The key of a call of `path` with `body`, reading the arguments `PUBLIC_READS` lists.
    fn key_of(path: &str, body: &str) -> Option<String> {
        let (_, names) = PUBLIC_READS.iter().find(|(read, _)| *read == path)?;
        read_key(path, names, body.as_bytes())
    }

    #[test]
    fn a_read_written_two_ways_is_one_key() {
        assert_eq!(
            key_of(
                "/api/list_user_posts",
                r#"{ "page": 2, "username": "alice" }"#
            ),
            key_of("/api/list_user_posts", r#"{"username":"alice","page":2}"#)
        );
    }

    #[test]
    fn each_argument_value_is_its_own_key() {
        assert_ne!(
            key_of("/api/list_user_posts", r#"{"username":"alice","page":2}"#),
            key_of("/api/list_user_posts", r#"{"username":"alice","page":3}"#)
        );
    }

    #[test]
    fn fields_the_read_ignores_are_not_part_of_its_key() {
        assert_eq!(
            key_of("/api/list_posts", r#"{"page":2,"junk":1}"#),
            key_of("/api/list_posts", r#"{"page":2}"#)
        );
    }

    #[test]
    fn public_reads_list_the_arguments_each_function_takes() {
        use app::{
            posts::api::{GetPost, ListPosts},
            tags::api::{ListTagPosts, ListTags},
            users::api::{ListUserPosts, ListUsers},
        };
        use leptos::server_fn::ServerFn;
        let calls = [
            (ListPosts::PATH, serde_json::to_value(ListPosts { page: 2 })),
            (GetPost::PATH, serde_json::to_value(GetPost { id: 2 })),
            (ListUsers::PATH, serde_json::to_value(ListUsers { page: 2 })),
            (
                ListUserPosts::PATH,
                serde_json::to_value(ListUserPosts {
                    username: "alice".into(),
                    page: 2,
                }),
            ),
            (
                ListTagPosts::PATH,
                serde_json::to_value(ListTagPosts {
                    name: "rust".into(),
                    page: 2,
                }),
            ),
            (ListTags::PATH, serde_json::to_value(ListTags { page: 2 })),
        ];
        for (path, arguments) in calls {
            let Ok(serde_json::Value::Object(arguments)) = arguments else {
                panic!("{path}: arguments are not a JSON object");
            };
            let mut taken: Vec<&str> = arguments.keys().map(String::as_str).collect();
            let mut listed = PUBLIC_READS
                .iter()
                .find(|(read, _)| *read == path)
                .map(|(_, names)| names.to_vec())
                .unwrap_or_default();
            taken.sort_unstable();
            listed.sort_unstable();
            assert_eq!(listed, taken, "{path}");
        }
    }

    #[test]
    fn arguments_that_are_not_a_json_object_are_not_kept() {
        assert_eq!(key_of("/api/list_posts", "page=2"), None);
        assert_eq!(key_of("/api/list_posts", "[2]"), None);
    }

    fn cookies(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static(value));
        headers
    }

    const SECURE: bool = true;

    #[test]
    fn a_visitor_without_quire_cookies_is_anonymous() {
        assert_eq!(visitor(&cookies("theme=dark"), SECURE), Visitor::Anonymous);
        assert_eq!(visitor(&HeaderMap::new(), SECURE), Visitor::Anonymous);
    }

    #[test]
    fn a_session_cookie_makes_a_page_personal() {
        assert_eq!(
            visitor(&cookies("theme=dark; __Host-quire_session=abc"), SECURE),
            Visitor::Session("abc".into())
        );
    }

    #[test]
    fn a_flash_message_is_never_kept() {
        let headers = cookies("__Host-quire_session=abc; __Host-quire_flash=s%3Ahi");
        assert_eq!(visitor(&headers, SECURE), Visitor::Unkept);
    }

    #[test]
    fn a_session_cookie_under_another_name_is_never_kept() {
        assert_eq!(
            visitor(&cookies("quire_session=abc"), SECURE),
            Visitor::Unkept
        );
    }

    #[test]
    fn an_encoded_session_cookie_name_is_never_kept() {
        assert_eq!(
            visitor(&cookies("quire%5Fsession=abc"), false),
            Visitor::Unkept
        );
        assert_eq!(
            visitor(&cookies("__Host%2Dquire_session=abc"), SECURE),
            Visitor::Unkept
        );
    }

    #[test]
    fn any_other_quire_cookie_is_never_kept() {
        assert_eq!(visitor(&cookies("quire_bench=1"), SECURE), Visitor::Unkept);
    }

    mod properties {
        //! The cache's classification and key against arbitrary `Cookie` headers and queries:
        //! encoded names, duplicates, empty values and odd separators.

        use super::*;
        use proptest::prelude::*;

        /// Names a cookie may have: Quire's, look-alikes of them, and others.
        fn cookie_name() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::sample::select(vec![
                    "quire_session",
                    "__Host-quire_session",
                    "quire%5Fsession",
                    "quire%5fsession",
                    "__Host%2Dquire_session",
                    "%5F%5FHost-quire_session",
                    "QUIRE_SESSION",
                    " quire_session",
                    "quire_session ",
                    "quire_flash",
                    "__Host-quire_flash",
                    "quire%5Fflash",
                    "quire_device",
                    "__Secure-quire_device",
                    "theme",
                    "",
                ])
                .prop_map(str::to_owned),
                "[a-zA-Z_%-]{0,12}",
            ]
        }

        /// Values: a token, empty, encoded, quoted, or anything printable.
        fn cookie_value() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("0123abcd".to_owned()),
                Just(String::new()),
                Just("%30%31".to_owned()),
                Just("\"q\"".to_owned()),
                "[ -~]{0,10}",
            ]
        }

        /// A `Cookie` header value: pairs joined by odd separators, some without `=`.
        fn cookie_header() -> impl Strategy<Value = String> {
            let pair = (cookie_name(), prop::bool::weighted(0.9), cookie_value()).prop_map(
                |(name, with_equals, value)| {
                    if with_equals {
                        format!("{name}={value}")
                    } else {
                        name
                    }
                },
            );
            let separator = prop::sample::select(vec!["; ", ";", ";;", " ; ", ", ", ";\t"]);
            prop::collection::vec((pair, separator), 0..5).prop_map(|pairs| {
                pairs
                    .into_iter()
                    .map(|(pair, separator)| format!("{pair}{separator}"))
                    .collect()
            })
        }

        fn headers_of(values: &[String]) -> HeaderMap {
            let mut headers = HeaderMap::new();
            for value in values {
                if let Ok(value) = HeaderValue::from_str(value) {
                    headers.append(header::COOKIE, value);
                }
            }
            headers
        }

        /// The cookie names in `headers`, split and trimmed as simply as the standard says,
        /// independently of the reader under test.
        fn names_sent(headers: &HeaderMap) -> Vec<String> {
            headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(';'))
                .filter_map(|pair| pair.split_once('='))
                .map(|(name, _)| name.trim().to_owned())
                .collect()
        }

        /// A query: pieces that read as page numbers or form errors once or twice decoded.
        fn query() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                prop::sample::select(vec![
                    "page=2",
                    "page=%2532",
                    "page=%32",
                    "page=02",
                    "page=+2",
                    "page=%20%32",
                    "page=2%00",
                    "p%61ge=3",
                    "pa%2567e=3",
                    "page=",
                    "page",
                    "page=3=4",
                    "__err=x",
                    "__path=%2Fapi%2Fdelete_post",
                    "%5F%5Ferr=x",
                    "_%5Fpath=y",
                    "%255F%255Ferr=x",
                    "x=1",
                    "page=%E0%A4%A",
                    "page=%252",
                ])
                .prop_map(str::to_owned),
                "[a-z0-9=%&;+]{0,12}",
            ];
            let separator = prop::sample::select(vec!["&", "&&", ";", "&amp;"]);
            prop::collection::vec((piece, separator), 0..4).prop_map(|pieces| {
                pieces
                    .into_iter()
                    .map(|(piece, separator)| format!("{piece}{separator}"))
                    .collect()
            })
        }

        /// The page number a browser's router reads from `query`, as an independent oracle:
        /// every name and value decoded once, values a second time, the last `page` counting.
        fn page_a_browser_reads(query: &str) -> i64 {
            let value = form_urlencoded::parse(query.as_bytes())
                .filter(|(name, _)| name == "page")
                .map(|(_, value)| {
                    percent_encoding::percent_decode_str(&value)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .last();
            app::shared::pagination::parse_page(value.as_deref())
        }

        const PAGES: [&str; 6] = ["/", "/home", "/users", "/user/Corey", "/post/1", "/post/01"];

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn an_anonymous_visitor_sent_none_of_quire_s_cookies(
                values in prop::collection::vec(cookie_header(), 0..3),
                secure in any::<bool>(),
            ) {
                let headers = headers_of(&values);
                if visitor(&headers, secure) == Visitor::Anonymous {
                    let found = cookies::read(&headers, secure);
                    prop_assert_eq!(found.session, None);
                    prop_assert_eq!(found.flash, None);
                    let quire = [
                        cookies::name(cookies::SESSION, secure),
                        cookies::name(cookies::FLASH, secure),
                    ];
                    // The device cookie goes only to the log-in, and no page reads it.
                    let device = cookies::device_name(secure);
                    for name in names_sent(&headers).into_iter().filter(|name| *name != device) {
                        prop_assert!(!quire.contains(&name), "{name} was sent");
                        prop_assert!(!name.to_ascii_lowercase().contains("quire_"), "{name}");
                    }
                }
            }

            #[test]
            fn a_personal_page_is_kept_under_the_session_the_page_reads(
                values in prop::collection::vec(cookie_header(), 0..3),
                secure in any::<bool>(),
            ) {
                let headers = headers_of(&values);
                if let Visitor::Session(token) = visitor(&headers, secure) {
                    let found = cookies::read(&headers, secure);
                    prop_assert_eq!(found.session, Some(token));
                    prop_assert_eq!(found.flash, None);
                }
            }

            #[test]
            fn a_kept_page_is_keyed_by_the_page_number_it_shows_and_has_no_form_error(
                path in prop::sample::select(PAGES.to_vec()),
                query in query(),
            ) {
                if let Some(key) = cache_key(path, &query) {
                    let read = page_query::read(&format!("{path}?{query}"));
                    prop_assert!(read.is_some_and(|read| !read.form_error), "{query}");
                    let page = page_a_browser_reads(&query);
                    let expected = public_page(path).map(|path| {
                        if page == 1 { path } else { format!("{path}?page={page}") }
                    });
                    prop_assert_eq!(Some(key), expected, "{}", query);
                }
            }

            #[test]
            fn queries_sharing_a_key_show_the_same_page(
                path in prop::sample::select(PAGES.to_vec()),
                first in query(),
                second in query(),
            ) {
                let (a, b) = (cache_key(path, &first), cache_key(path, &second));
                if a.is_some() && a == b {
                    prop_assert_eq!(page_a_browser_reads(&first), page_a_browser_reads(&second));
                }
            }
        }
    }
}
