//! Turns to search, handed out before a search request is rendered: a request waiting for its
//! turn holds nothing but itself, where a rendering one holds its page's whole render state.

use std::collections::HashMap;

use app::search::{
    api::SearchPosts,
    gate::{SEARCHES, SearchTurn},
    model::{clean_query, words},
};
use axum::{
    extract::{Query, Request},
    http::Uri,
    middleware::Next,
    response::Response,
};
use leptos::server_fn::ServerFn;

use crate::held_body::hold_until_sent;

/// Middleware: a search page with words to find, or a search call, waits here for its turn, then keeps it until its
/// response has been sent; one that waited too long is rendered at once with
/// [`SearchTurn::Refused`] and answers that Quire is busy. Other requests pass straight through.
pub async fn take_search_turns(mut request: Request, next: Next) -> Response {
    if !ranks(request.uri()) {
        return next.run(request).await;
    }
    match SEARCHES.turn().await {
        Ok(turn) => {
            request.extensions_mut().insert(SearchTurn::Granted);
            hold_until_sent(next.run(request).await, turn)
        }
        Err(_) => {
            request.extensions_mut().insert(SearchTurn::Refused);
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
}
