//! Slots to search, handed out before a search request is rendered: a request waiting for its
//! slot holds nothing but itself, where a rendering one holds its page's whole render state. A
//! request given its slot also learns when its client has gone ([`ClientGone`]), so a search
//! nobody waits for any more stops ranking; other requests pay for neither.

use std::{collections::HashMap, sync::Arc};

use app::{
    search::{
        api::SearchPosts,
        model::{clean_query, words},
        slots::SearchSlot,
    },
    server_only::cancel_on_disconnect::{ClientGone, watch_response},
    server_only::slots::Workloads,
};
use axum::{
    extract::{Query, Request, State},
    http::Uri,
    middleware::Next,
    response::Response,
};
use leptos::server_fn::ServerFn;

use crate::middleware::body_guard::hold_until_sent;

/// Middleware: a search page with words to find, or a search call, waits here for its slot, then
/// keeps it, and the [`ClientGone`] signal's other half, until its response has been sent or
/// dropped; one that waited too long is rendered at once with [`SearchSlot::Refused`] and answers
/// that Quire is busy. A client that leaves while waiting drops the wait with it. Other requests
/// pass straight through.
pub async fn take_search_slot(
    State(work): State<Arc<Workloads>>,
    mut request: Request,
    next: Next,
) -> Response {
    if !ranks(request.uri()) {
        return next.run(request).await;
    }
    match work.searches.take().await {
        Ok(slot) => {
            let (alive, client) = watch_response();
            let extensions = request.extensions_mut();
            extensions.insert(SearchSlot::Granted);
            extensions.insert::<ClientGone>(client);
            hold_until_sent(next.run(request).await, (slot, alive))
        }
        Err(_) => {
            request.extensions_mut().insert(SearchSlot::Refused);
            next.run(request).await
        }
    }
}

/// Whether a request for `uri` may rank posts: a call of the search server function, or the
/// search page with words to find (the bare form never waits).
fn ranks(uri: &Uri) -> bool {
    match uri.path() {
        "/search" => Query::<HashMap<String, String>>::try_from_uri(uri)
            .ok()
            .and_then(|Query(params)| params.get("q").map(|q| !words(&clean_query(q)).is_empty()))
            .unwrap_or(false),
        path => path == SearchPosts::PATH,
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Mutex, time::Duration};

    use axum::{Extension, Router, body::Body, routing::get};
    use tokio::sync::oneshot;
    use tower::ServiceExt;

    use super::*;

    fn ranks_at(uri: &str) -> bool {
        ranks(&uri.parse().expect("a valid URI"))
    }

    #[test]
    fn a_search_page_with_words_takes_a_turn() {
        assert!(ranks_at("/search?q=chess+patience&page=3"));
    }

    #[test]
    fn the_search_server_function_takes_a_turn() {
        assert!(ranks_at("/api/search_posts"));
    }

    #[test]
    fn the_bare_search_form_does_not_wait() {
        assert!(!ranks_at("/search"));
        assert!(!ranks_at("/search?q=+++"));
    }

    #[test]
    fn other_pages_do_not_wait() {
        assert!(!ranks_at("/?q=chess"));
        assert!(!ranks_at("/user/search"));
    }

    /// A router whose search page hands the [`ClientGone`] it was given, if any, to the test.
    fn router(handed: oneshot::Sender<Option<ClientGone>>) -> Router {
        let handed = Arc::new(Mutex::new(Some(handed)));
        Router::new()
            .route(
                "/search",
                get(move |client: Option<Extension<ClientGone>>| async move {
                    if let Some(sender) = handed.lock().ok().and_then(|mut slot| slot.take()) {
                        let _ = sender.send(client.map(|Extension(client)| client));
                    }
                    "page"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(Workloads::default()),
                take_search_slot,
            ))
    }

    /// The [`ClientGone`] a request for `uri` was given, and its response.
    async fn serve(uri: &str) -> (Option<ClientGone>, Response) {
        let (handed, receive) = oneshot::channel();
        let request = Request::get(uri)
            .body(Body::empty())
            .expect("a valid request");
        let response = router(handed)
            .oneshot(request)
            .await
            .expect("an infallible router");
        (receive.await.expect("the page ran"), response)
    }

    /// Whether `client` reports its response gone within a short while.
    async fn gone_soon(client: ClientGone) -> bool {
        tokio::time::timeout(Duration::from_millis(200), client.wait())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_search_counts_its_client_as_waiting_while_the_body_is_unread() {
        let (client, response) = serve("/search?q=chess").await;
        let client = client.expect("a search is told when its client goes");
        assert!(!gone_soon(client).await);
        drop(response);
    }

    #[tokio::test]
    async fn dropping_a_search_response_tells_the_search_its_client_is_gone() {
        let (client, response) = serve("/search?q=chess").await;
        let client = client.expect("a search is told when its client goes");
        drop(response);
        assert!(gone_soon(client).await);
    }

    #[tokio::test]
    async fn a_page_that_ranks_nothing_gets_no_client_signal() {
        let (client, _response) = serve("/search").await;
        assert!(client.is_none());
    }
}
