//! Pages rendered for anonymous visitors, pages rendered for each logged-in user, and the JSON of
//! the public read server functions (what a client-side navigation asks for, the same for every
//! visitor), kept by address and served again while the database's change stamp stands still:
//! every write to posts or users moves the stamp in its own transaction, and every request reads
//! it, so an answer is never older than the last write on any instance sharing the database. A
//! logged-in user's page is kept for that user alone, and served only after the request's session
//! is found again. Each page gets a fresh CSP nonce, and an entity tag from its content, so a
//! browser holding the current page gets a 304.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

/// Which requests qualify, and the address each answer is kept under.
pub mod address;
/// Entity tags of kept pages, and `If-None-Match`.
pub mod etag;

use crate::middleware::headers::PRIVATE_PAGE;
use address::{Address, cacheable};
use app::{
    auth::session::{SessionUser, totals_and_user_by_token},
    server_only::db::Db,
    server_only::totals::{TotalsRead, read_totals},
    server_only::visitor_seen::VisitorSeen,
    shared::error::AppError,
};
use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use etag::{is_fresh, tag_of};
use leptos::nonce::Nonce;
use lru::LruCache;

/// Most bytes of pages kept for anonymous visitors; past it the least recently served pages go
/// first, so crawling every page number cannot grow the process, nor push out the pages people
/// read.
const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes of pages kept for logged-in users, apart, so that many users' pages cannot push
/// out the pages every anonymous visitor shares.
const MAX_PERSONAL_BYTES: usize = 4 * 1024 * 1024;
/// Larger pages are served but not kept.
const MAX_PAGE: usize = 512 * 1024;

/// The kept pages and the database they came from; cheap to clone.
#[derive(Clone)]
pub struct PageCache {
    db: Db,
    shared: Arc<Mutex<Pages>>,
    personal: Arc<Mutex<Pages>>,
    client_idle: Duration,
    secure_cookies: bool,
}

/// Pages rendered under one change stamp, least recently served first out, at most `limit`
/// bytes of them.
struct Pages {
    stamp: i64,
    by_address: LruCache<String, Arc<KeptPage>>,
    bytes: usize,
    limit: usize,
}

impl Pages {
    fn new(stamp: i64, limit: usize) -> Self {
        Self {
            stamp,
            by_address: LruCache::unbounded(),
            bytes: 0,
            limit,
        }
    }
}

/// Where a page is kept: with the pages every visitor shares, or with one user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shelf {
    Shared,
    Personal,
}

/// One rendered page: its headers, its body cut wherever the render's nonce stood, and, for an
/// HTML page, its entity tag.
struct KeptPage {
    headers: HeaderMap,
    nonce: Option<String>,
    pieces: Vec<Bytes>,
    tag: Option<HeaderValue>,
}

impl KeptPage {
    /// Bytes this page takes in the cache under `address`.
    fn size(&self, address: &str) -> usize {
        self.pieces.iter().map(Bytes::len).sum::<usize>() + address.len()
    }
}

impl PageCache {
    /// An empty cache for pages read from `db`; a client sending a public read's arguments may
    /// pause for `client_idle` at most (408 beyond), as the server's own limit says. With
    /// `secure_cookies`, the session cookie carries its `__Host-` prefix.
    pub fn new(db: Db, client_idle: Duration, secure_cookies: bool) -> Self {
        Self {
            db,
            shared: Arc::new(Mutex::new(Pages::new(0, MAX_BYTES))),
            personal: Arc::new(Mutex::new(Pages::new(0, MAX_PERSONAL_BYTES))),
            client_idle,
            secure_cookies,
        }
    }

    fn shelf(&self, shelf: Shelf) -> &Mutex<Pages> {
        match shelf {
            Shelf::Shared => &self.shared,
            Shelf::Personal => &self.personal,
        }
    }

    fn get(&self, shelf: Shelf, stamp: i64, address: &str) -> Option<Arc<KeptPage>> {
        let mut pages = self
            .shelf(shelf)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if pages.stamp != stamp {
            return None;
        }
        pages.by_address.get(address).cloned()
    }

    fn keep(&self, shelf: Shelf, stamp: i64, address: String, page: Arc<KeptPage>) {
        let size = page.size(&address);
        let mut pages = self
            .shelf(shelf)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // A render that read an older stamp than the kept pages is already out of date.
        if size > pages.limit || stamp < pages.stamp {
            return;
        }
        if stamp > pages.stamp {
            *pages = Pages::new(stamp, pages.limit);
        }
        if let Some(old) = pages.by_address.pop(&address) {
            pages.bytes -= old.size(&address);
        }
        while pages.bytes + size > pages.limit {
            let Some((evicted, old)) = pages.by_address.pop_lru() else {
                break;
            };
            pages.bytes -= old.size(&evicted);
        }
        pages.bytes += size;
        pages.by_address.put(address, page);
    }

    /// How many pages are kept on `shelf` (for tests).
    #[cfg(test)]
    fn len(&self, shelf: Shelf) -> usize {
        self.shelf(shelf)
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_address
            .len()
    }
}

/// Middleware: answers a cacheable request from the cache when its page is current, else
/// renders it (handing the totals just read, and the logged-in user just found, to the page,
/// which then looks neither up again) and keeps the result.
pub async fn serve_cached(
    State(cache): State<PageCache>,
    request: Request,
    next: Next,
) -> Response {
    let (mut request, address) =
        match cacheable(request, cache.client_idle, cache.secure_cookies).await {
            Ok((request, Some(address))) => (request, address),
            Ok((request, None)) => return next.run(request).await,
            Err(refused) => return refused,
        };
    let (shelf, address, totals) = match address {
        Address::Shared(address) => match read_totals(&cache.db).await {
            Ok(totals) => (Shelf::Shared, address, totals),
            Err(error) => return answer_failed_read(request, next, error.into()).await,
        },
        Address::Personal { token, address } => {
            match totals_and_user_by_token(&cache.db, &token).await {
                Ok((totals, Some(user))) => {
                    let address = format!("{} {address}", user.id);
                    request.extensions_mut().insert(SessionUser(user));
                    (Shelf::Personal, address, totals)
                }
                // An ended session: the page is rendered as for a visitor who is not logged in, and
                // not kept under a cookie that no longer names anyone.
                Ok((totals, None)) => {
                    request.extensions_mut().insert(TotalsRead(Ok(totals)));
                    return next.run(request).await;
                }
                Err(error) => return answer_failed_read(request, next, error.into()).await,
            }
        }
    };
    if let Some(page) = cache.get(shelf, totals.stamp, &address) {
        if page.is_fresh_for(request.headers()) {
            return page.not_modified();
        }
        return page.answer();
    }
    request.extensions_mut().insert(TotalsRead(Ok(totals)));
    let seen = VisitorSeen::default();
    if shelf == Shelf::Shared {
        request.extensions_mut().insert(seen.clone());
    }
    let asked: HeaderMap = request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .map(|tag| (header::IF_NONE_MATCH, tag.clone()))
        .collect();
    let response = next.run(request).await;
    if !is_keepable(&response) {
        return response;
    }
    // Whatever the request looked like, a page rendered for a logged-in user is never everyone's.
    if shelf == Shelf::Shared && seen.found_user() {
        tracing::warn!(
            address,
            "a request taken for an anonymous one was rendered for a logged-in user; not kept"
        );
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "a page failed while it was being rendered");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if body.len() <= MAX_PAGE {
        let page = Arc::new(KeptPage::new(parts.headers.clone(), body.clone()));
        cache.keep(shelf, totals.stamp, address, Arc::clone(&page));
        // A page rendered again after an unrelated write may be the one the browser holds.
        if page.is_fresh_for(&asked) {
            return page.not_modified();
        }
        if let Some(tag) = &page.tag {
            parts.headers.insert(header::ETAG, tag.clone());
        }
    }
    Response::from_parts(parts, Body::from(body))
}

/// The page's answer to the database failing under the cache's own read: it answers the failure
/// (a 503 while the database is away) without waiting on the database a second time.
async fn answer_failed_read(mut request: Request, next: Next, error: AppError) -> Response {
    request.extensions_mut().insert(TotalsRead(Err(error)));
    next.run(request).await
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
        let is_html = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
        let tag = is_html.then(|| tag_of(&pieces));
        Self {
            headers,
            nonce,
            pieces,
            tag,
        }
    }

    /// Whether the browser asking with `request` headers holds this page already.
    fn is_fresh_for(&self, request: &HeaderMap) -> bool {
        self.tag.as_ref().is_some_and(|tag| is_fresh(request, tag))
    }

    /// "Not modified": the browser shows the copy it holds. Without a policy header, so that the
    /// copy keeps the policy whose nonce its scripts carry.
    fn not_modified(&self) -> Response {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        let headers = response.headers_mut();
        if let Some(tag) = &self.tag {
            headers.insert(header::ETAG, tag.clone());
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(PRIVATE_PAGE),
        );
        response
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
        if let Some(tag) = &self.tag {
            headers.insert(header::ETAG, tag.clone());
        }
        let mut response = Response::new(body);
        *response.headers_mut() = headers;
        response
    }
}

/// Only complete, successful pages and JSON answers that set no cookie are kept: a page that
/// sets one was rendered for its visitor alone.
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

    fn page_of(bytes: usize) -> Arc<KeptPage> {
        Arc::new(KeptPage {
            headers: HeaderMap::new(),
            nonce: None,
            pieces: vec![Bytes::from(vec![b'x'; bytes])],
            tag: None,
        })
    }

    async fn cache() -> PageCache {
        let db = Db::connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        PageCache::new(db, Duration::from_secs(10), true)
    }

    #[tokio::test]
    async fn a_full_cache_drops_the_least_recently_served_page() {
        let cache = cache().await;
        let third = MAX_BYTES / 3;
        cache.keep(Shelf::Shared, 1, "/a".into(), page_of(third));
        cache.keep(Shelf::Shared, 1, "/b".into(), page_of(third));
        assert!(cache.get(Shelf::Shared, 1, "/a").is_some());
        cache.keep(Shelf::Shared, 1, "/c".into(), page_of(third));
        assert!(cache.get(Shelf::Shared, 1, "/a").is_some());
        assert!(cache.get(Shelf::Shared, 1, "/b").is_none());
        assert!(cache.get(Shelf::Shared, 1, "/c").is_some());
    }

    #[tokio::test]
    async fn a_full_cache_is_not_wiped_whole() {
        let cache = cache().await;
        let tenth = MAX_BYTES / 10;
        for n in 0..12 {
            cache.keep(Shelf::Shared, 1, format!("/user/{n}"), page_of(tenth));
        }
        assert_eq!(cache.len(Shelf::Shared), 9);
        assert!(cache.get(Shelf::Shared, 1, "/user/11").is_some());
    }

    #[tokio::test]
    async fn a_new_stamp_starts_over() {
        let cache = cache().await;
        cache.keep(Shelf::Shared, 1, "/a".into(), page_of(10));
        cache.keep(Shelf::Shared, 2, "/b".into(), page_of(10));
        assert!(cache.get(Shelf::Shared, 2, "/a").is_none());
        assert!(cache.get(Shelf::Shared, 2, "/b").is_some());
    }

    #[tokio::test]
    async fn many_users_pages_leave_the_shared_pages_alone() {
        let cache = cache().await;
        cache.keep(Shelf::Shared, 1, "/".into(), page_of(10));
        for user in 0..20 {
            cache.keep(
                Shelf::Personal,
                1,
                format!("{user} /"),
                page_of(MAX_PERSONAL_BYTES / 10),
            );
        }
        assert!(cache.get(Shelf::Shared, 1, "/").is_some());
        assert!(cache.len(Shelf::Personal) < 10);
    }

    #[tokio::test]
    async fn a_users_page_is_not_on_the_shared_shelf() {
        let cache = cache().await;
        cache.keep(Shelf::Personal, 1, "/".into(), page_of(10));
        assert!(cache.get(Shelf::Shared, 1, "/").is_none());
    }

    /// A router with the page cache in front of `page` at `/`, on a migrated database in `dir`;
    /// `page` counts how often it is rendered.
    async fn cached_router(dir: &tempfile::TempDir, page: fn(Request) -> Response) -> axum::Router {
        let url = format!("sqlite://{}", dir.path().join("site.db").display());
        let db = Db::connect(&url).await.expect("database");
        app::schema::migrate(&db).await.expect("migrate");
        let cache = PageCache::new(db, Duration::from_secs(10), false);
        axum::Router::new()
            .route(
                "/",
                axum::routing::get(move |request: Request| async move { page(request) }),
            )
            .layer(axum::middleware::from_fn_with_state(cache, serve_cached))
    }

    static RENDERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// A page that numbers its renders, as a page rendered for the logged-in user when `logged_in`.
    fn numbered_page(request: Request, logged_in: bool) -> Response {
        let (parts, _) = request.into_parts();
        let owner = leptos::prelude::Owner::new();
        owner.with(|| {
            leptos::prelude::provide_context(parts);
            if logged_in {
                app::server_only::visitor_seen::note_logged_in_user();
            }
        });
        let render = RENDERS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut response = Response::new(Body::from(format!("<p>render {render}</p>")));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }

    async fn body_of(router: &axum::Router) -> String {
        use tower::ServiceExt;
        let request = Request::get("/").body(Body::empty()).expect("request");
        let response = router.clone().oneshot(request).await.expect("response");
        let body = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        String::from_utf8_lossy(&body).into_owned()
    }

    // The request carries no cookie at all, so the cache takes it for an anonymous one: a
    // misreading on purpose, as a new way of sending the session could cause.
    #[tokio::test]
    async fn a_page_rendered_for_a_logged_in_user_is_never_kept_for_everyone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let router = cached_router(&dir, |request| numbered_page(request, true)).await;
        let first = body_of(&router).await;
        let second = body_of(&router).await;
        assert_ne!(first, second, "the logged-in render was served again");
    }

    #[tokio::test]
    async fn an_anonymous_render_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let router = cached_router(&dir, |request| numbered_page(request, false)).await;
        let first = body_of(&router).await;
        let second = body_of(&router).await;
        assert_eq!(first, second);
    }
}
