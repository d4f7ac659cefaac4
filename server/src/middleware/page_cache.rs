//! Pages rendered for anonymous visitors, and the JSON of the public read server functions
//! (what a client-side navigation asks for, the same for every visitor), kept by address and
//! served again while the database's change stamp stands still: every write to posts or users
//! moves the stamp in its own transaction, and every request reads it, so an answer is never
//! older than the last write on any instance sharing the database. Each page gets a fresh CSP
//! nonce.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use app::{
    server_only::db::Db,
    server_only::totals::{TotalsRead, read_totals},
    shared::error::AppError,
    shared::pagination::parse_page,
};
use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::nonce::Nonce;
use lru::LruCache;

/// Most bytes of pages kept; past it the least recently served pages go first, so crawling
/// every page number cannot grow the process, nor push out the pages people read.
const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Larger pages are served but not kept.
const MAX_PAGE: usize = 512 * 1024;

/// The kept pages and the database they came from; cheap to clone.
#[derive(Clone)]
pub struct PageCache {
    db: Db,
    pages: Arc<Mutex<Pages>>,
    client_idle: Duration,
}

/// Pages rendered under one change stamp, least recently served first out.
struct Pages {
    stamp: i64,
    by_address: LruCache<String, Arc<KeptPage>>,
    bytes: usize,
}

impl Pages {
    fn new(stamp: i64) -> Self {
        Self {
            stamp,
            by_address: LruCache::unbounded(),
            bytes: 0,
        }
    }
}

/// One rendered page: its headers and its body cut wherever the render's nonce stood.
struct KeptPage {
    headers: HeaderMap,
    nonce: Option<String>,
    pieces: Vec<Bytes>,
}

impl KeptPage {
    /// Bytes this page takes in the cache under `address`.
    fn size(&self, address: &str) -> usize {
        self.pieces.iter().map(Bytes::len).sum::<usize>() + address.len()
    }
}

impl PageCache {
    /// An empty cache for pages read from `db`; a client sending a public read's arguments may
    /// pause for `client_idle` at most (408 beyond), as the server's own limit says.
    pub fn new(db: Db, client_idle: Duration) -> Self {
        Self {
            db,
            pages: Arc::new(Mutex::new(Pages::new(0))),
            client_idle,
        }
    }

    fn get(&self, stamp: i64, address: &str) -> Option<Arc<KeptPage>> {
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        if pages.stamp != stamp {
            return None;
        }
        pages.by_address.get(address).cloned()
    }

    fn keep(&self, stamp: i64, address: String, page: KeptPage) {
        let size = page.size(&address);
        if size > MAX_BYTES {
            return;
        }
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        // A render that read an older stamp than the kept pages is already out of date.
        if stamp < pages.stamp {
            return;
        }
        if stamp > pages.stamp {
            *pages = Pages::new(stamp);
        }
        if let Some(old) = pages.by_address.pop(&address) {
            pages.bytes -= old.size(&address);
        }
        while pages.bytes + size > MAX_BYTES {
            let Some((evicted, old)) = pages.by_address.pop_lru() else {
                break;
            };
            pages.bytes -= old.size(&evicted);
        }
        pages.bytes += size;
        pages.by_address.put(address, Arc::new(page));
    }

    /// How many pages are kept (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_address
            .len()
    }
}

/// Middleware: answers a cacheable request from the cache when its page is current, else
/// renders it (handing the totals just read to the page, which then counts nothing) and keeps
/// the result.
pub async fn serve_cached(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    let (mut request, address) = match cacheable(request, cache.client_idle).await {
        Ok((request, Some(address))) => (request, address),
        Ok((request, None)) => return next.run(request).await,
        Err(refused) => return refused,
    };
    let totals = match read_totals(&cache.db).await {
        Ok(totals) => totals,
        Err(error) => {
            // The page answers the failure (a 503 while the database is away) without
            // waiting on the database a second time.
            request
                .extensions_mut()
                .insert(TotalsRead(Err(AppError::from(error))));
            return next.run(request).await;
        }
    };
    if let Some(page) = cache.get(totals.stamp, &address) {
        return page.answer();
    }
    request.extensions_mut().insert(TotalsRead(Ok(totals)));
    let response = next.run(request).await;
    if !is_keepable(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "a page failed while it was being rendered");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if body.len() <= MAX_PAGE {
        cache.keep(
            totals.stamp,
            address,
            KeptPage::new(parts.headers.clone(), body.clone()),
        );
    }
    Response::from_parts(parts, Body::from(body))
}

impl KeptPage {
    fn new(headers: HeaderMap, body: Bytes) -> Self {
        let nonce = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|value| value.to_str().ok())
            .and_then(app::server_only::csp::nonce_of)
            .map(str::to_owned);
        let pieces = match &nonce {
            Some(nonce) => split_at(&body, nonce.as_bytes()),
            None => vec![body],
        };
        Self {
            headers,
            nonce,
            pieces,
        }
    }

    /// The page as a fresh answer, with a new nonce in its policy and its scripts.
    fn answer(&self) -> Response {
        let mut headers = self.headers.clone();
        let body = match &self.nonce {
            None => Body::from(self.pieces.concat()),
            Some(old) => {
                let fresh = Nonce::new();
                let fresh = fresh.as_inner().as_ref();
                let policy = headers
                    .get(header::CONTENT_SECURITY_POLICY)
                    .and_then(|value| value.to_str().ok())
                    .map(|policy| policy.replace(old.as_str(), fresh))
                    .and_then(|policy| HeaderValue::from_str(&policy).ok());
                if let Some(policy) = policy {
                    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
                }
                Body::from(self.pieces.join(fresh.as_bytes()))
            }
        };
        let mut response = Response::new(body);
        *response.headers_mut() = headers;
        response
    }
}

/// The request, and the address to keep its answer under: an anonymous GET of a public page, or
/// a call of a public read server function (the arguments it reads, from the body, are part of
/// the address); `None` for anything else. A body shorter than it announced is a 400, one
/// that stalls past `client_idle` a 408.
async fn cacheable(
    request: Request,
    client_idle: Duration,
) -> Result<(Request, Option<String>), Response> {
    if request.method() == Method::GET {
        if carries_quire_cookie(request.headers()) {
            return Ok((request, None));
        }
        let uri = request.uri();
        let address = cache_key(uri.path(), uri.query().unwrap_or(""));
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
    let address = read_key(parts.uri.path(), arguments, &body);
    Ok((Request::from_parts(parts, Body::from(body)), address))
}

/// The read server functions whose answer depends only on their arguments and the database,
/// never on the visitor, so that one kept answer serves everyone, logged in or not; with the
/// arguments each reads.
const PUBLIC_READS: [(&str, &[&str]); 4] = [
    ("/api/list_posts", &["page"]),
    ("/api/get_post", &["id"]),
    ("/api/list_users", &["page"]),
    ("/api/list_user_posts", &["username", "page"]),
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

/// The key of a public page: its path with only what the page reads of the query (the page
/// number, as the page parses it, left out for page 1) and a post id as a number, so that
/// `/?x=1`, `/?x=2`, … are one page and cannot crowd the others out. `None` when the page is
/// not public, or the query is ambiguous (two page numbers).
fn cache_key(path: &str, query: &str) -> Option<String> {
    let path = public_page(path)?;
    let mut numbers = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "page")
        .map(|(_, value)| parse_page(Some(&value)));
    let page = numbers.next().unwrap_or(1);
    if numbers.next().is_some() {
        return None;
    }
    Some(if page == 1 {
        path
    } else {
        format!("{path}?page={page}")
    })
}

/// The canonical path of a page whose HTML is the same for every anonymous visitor and changes
/// only with posts and users; `None` for any other path.
fn public_page(path: &str) -> Option<String> {
    if matches!(path, "/" | "/home" | "/users") {
        return Some(path.to_owned());
    }
    if let Some(id) = path.strip_prefix("/post/") {
        return (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
            .then(|| id.parse::<i64>().ok())
            .flatten()
            .map(|id| format!("/post/{id}"));
    }
    path.strip_prefix("/user/")
        .filter(|name| !name.is_empty() && !name.contains('/'))
        .map(|_| path.to_owned())
}

/// A session or flash cookie makes the page personal.
fn carries_quire_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .any(|value| value.as_bytes().windows(6).any(|w| w == b"quire_"))
}

/// Only complete, successful pages and JSON answers that set no cookie are kept.
fn is_keepable(response: &Response) -> bool {
    response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value.starts_with("text/html") || value.starts_with("application/json")
            })
}

/// `body` cut at every occurrence of `needle`, without the needle.
fn split_at(body: &Bytes, needle: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at + needle.len() <= body.len() {
        if &body[at..at + needle.len()] == needle {
            pieces.push(body.slice(start..at));
            at += needle.len();
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push(body.slice(start..));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_cut_at_every_nonce() {
        let body = Bytes::from_static(b"<script nonce=\"N1\">a</script><script nonce=\"N1\">");
        let pieces = split_at(&body, b"N1");
        assert_eq!(
            pieces.join(&b"N2"[..]),
            b"<script nonce=\"N2\">a</script><script nonce=\"N2\">"
        );
    }

    #[test]
    fn post_and_user_pages_are_public() {
        assert_eq!(cache_key("/post/42", ""), Some("/post/42".to_owned()));
        assert_eq!(cache_key("/user/alice", ""), Some("/user/alice".to_owned()));
        assert_eq!(cache_key("/", ""), Some("/".to_owned()));
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
    fn two_page_numbers_are_not_kept() {
        assert_eq!(cache_key("/", "page=2&page=3"), None);
    }

    #[test]
    fn a_post_id_is_keyed_as_a_number() {
        assert_eq!(cache_key("/post/0042", ""), Some("/post/42".to_owned()));
        assert_eq!(cache_key("/post/99999999999999999999", ""), None);
    }

    fn page_of(bytes: usize) -> KeptPage {
        KeptPage {
            headers: HeaderMap::new(),
            nonce: None,
            pieces: vec![Bytes::from(vec![b'x'; bytes])],
        }
    }

    async fn cache() -> PageCache {
        let db = Db::connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        PageCache::new(db, Duration::from_secs(10))
    }

    #[tokio::test]
    async fn a_full_cache_drops_the_least_recently_served_page() {
        let cache = cache().await;
        let third = MAX_BYTES / 3;
        cache.keep(1, "/a".into(), page_of(third));
        cache.keep(1, "/b".into(), page_of(third));
        assert!(cache.get(1, "/a").is_some());
        cache.keep(1, "/c".into(), page_of(third));
        assert!(cache.get(1, "/a").is_some());
        assert!(cache.get(1, "/b").is_none());
        assert!(cache.get(1, "/c").is_some());
    }

    #[tokio::test]
    async fn a_full_cache_is_not_wiped_whole() {
        let cache = cache().await;
        let tenth = MAX_BYTES / 10;
        for n in 0..12 {
            cache.keep(1, format!("/user/{n}"), page_of(tenth));
        }
        assert_eq!(cache.len(), 9);
        assert!(cache.get(1, "/user/11").is_some());
    }

    #[tokio::test]
    async fn a_new_stamp_starts_over() {
        let cache = cache().await;
        cache.keep(1, "/a".into(), page_of(10));
        cache.keep(2, "/b".into(), page_of(10));
        assert!(cache.get(2, "/a").is_none());
        assert!(cache.get(2, "/b").is_some());
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

    #[test]
    fn a_session_cookie_makes_a_page_personal() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; __Host-quire_session=abc"),
        );
        assert!(carries_quire_cookie(&headers));
    }
}
