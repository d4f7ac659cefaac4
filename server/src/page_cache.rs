//! Pages rendered for anonymous visitors, kept by address and served again while the
//! database's change stamp stands still: every write to posts or users moves the stamp in its
//! own transaction, and every request reads it, so a page is never older than the last write
//! on any instance sharing the database. Each answer gets a fresh CSP nonce.

use std::{
    collections::HashMap,
    sync::{Arc, PoisonError, RwLock},
};

use app::{
    db::Db,
    error::AppError,
    totals::{TotalsRead, read_totals},
};
use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::nonce::Nonce;

/// Most bytes of pages kept; past it the cache starts over, so crawling every page number
/// cannot grow the process.
const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Larger pages are served but not kept.
const MAX_PAGE: usize = 512 * 1024;

/// The kept pages and the database they came from; cheap to clone.
#[derive(Clone)]
pub struct PageCache {
    db: Db,
    pages: Arc<RwLock<Pages>>,
}

/// Pages rendered under one change stamp.
#[derive(Default)]
struct Pages {
    stamp: i64,
    by_address: HashMap<String, Arc<KeptPage>>,
    bytes: usize,
}

/// One rendered page: its headers and its body cut wherever the render's nonce stood.
struct KeptPage {
    headers: HeaderMap,
    nonce: Option<String>,
    pieces: Vec<Bytes>,
}

impl PageCache {
    /// An empty cache for pages read from `db`.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            pages: Arc::default(),
        }
    }

    fn get(&self, stamp: i64, address: &str) -> Option<Arc<KeptPage>> {
        let pages = self.pages.read().unwrap_or_else(PoisonError::into_inner);
        (pages.stamp == stamp)
            .then(|| pages.by_address.get(address).cloned())
            .flatten()
    }

    fn keep(&self, stamp: i64, address: String, page: KeptPage) {
        let size = page.pieces.iter().map(Bytes::len).sum::<usize>() + address.len();
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        // A render that read an older stamp than the kept pages is already out of date.
        if stamp < pages.stamp {
            return;
        }
        if stamp > pages.stamp || pages.bytes + size > MAX_BYTES {
            *pages = Pages {
                stamp,
                ..Pages::default()
            };
        }
        pages.bytes += size;
        pages.by_address.insert(address, Arc::new(page));
    }
}

/// Middleware: answers a cacheable request from the cache when its page is current, else
/// renders it (handing the totals just read to the page, which then counts nothing) and keeps
/// the result.
pub async fn serve_cached(
    State(cache): State<PageCache>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(address) = cacheable_address(&request) else {
        return next.run(request).await;
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
            .and_then(app::csp::nonce_of)
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

/// The address to keep a page under, for an anonymous GET of a public page; `None` for
/// anything else.
fn cacheable_address(request: &Request) -> Option<String> {
    if request.method() != Method::GET || carries_quire_cookie(request.headers()) {
        return None;
    }
    let uri = request.uri();
    is_public_page(uri.path()).then(|| {
        uri.path_and_query()
            .map_or_else(|| uri.path().to_owned(), |whole| whole.as_str().to_owned())
    })
}

/// Pages whose HTML is the same for every anonymous visitor and changes only with posts and
/// users.
fn is_public_page(path: &str) -> bool {
    if matches!(path, "/" | "/home" | "/users") {
        return true;
    }
    if let Some(id) = path.strip_prefix("/post/") {
        return !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    }
    path.strip_prefix("/user/")
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// A session or flash cookie makes the page personal.
fn carries_quire_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .any(|value| value.as_bytes().windows(6).any(|w| w == b"quire_"))
}

/// Only complete, successful pages that set no cookie are kept.
fn is_keepable(response: &Response) -> bool {
    response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"))
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
        assert!(is_public_page("/post/42"));
        assert!(is_public_page("/user/alice"));
        assert!(is_public_page("/"));
    }

    #[test]
    fn forms_and_other_paths_are_not_kept() {
        assert!(!is_public_page("/post/new"));
        assert!(!is_public_page("/post/42/update"));
        assert!(!is_public_page("/account"));
        assert!(!is_public_page("/about"));
        assert!(!is_public_page("/readyz"));
        assert!(!is_public_page("/user/"));
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
