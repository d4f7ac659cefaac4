//! Tells a request's work when its client has gone: the [`ClientGone`] in the request's
//! extensions wakes once the response, body included, is dropped.

use app::client_gone::{ClientGone, watch_response};
use axum::{extract::Request, middleware::Next, response::Response};

use crate::held_body::hold_until_sent;

/// Middleware: puts a [`ClientGone`] in the request and keeps its pair alive with the response.
pub async fn watch_client(mut request: Request, next: Next) -> Response {
    let (alive, client) = watch_response();
    request.extensions_mut().insert::<ClientGone>(client);
    hold_until_sent(next.run(request).await, alive)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::{Extension, Router, body::Body, routing::get};
    use tokio::sync::oneshot;
    use tower::ServiceExt;

    use super::*;

    /// A router whose one page hands its request's [`ClientGone`] to the test.
    fn router(handed: oneshot::Sender<ClientGone>) -> Router {
        let handed = std::sync::Mutex::new(Some(handed));
        let handed = std::sync::Arc::new(handed);
        Router::new()
            .route(
                "/",
                get(move |Extension(client): Extension<ClientGone>| async move {
                    if let Some(sender) = handed.lock().ok().and_then(|mut slot| slot.take()) {
                        let _ = sender.send(client);
                    }
                    "page"
                }),
            )
            .layer(axum::middleware::from_fn(watch_client))
    }

    fn get_root() -> Request {
        Request::get("/")
            .body(Body::empty())
            .expect("a valid request")
    }

    /// Whether `client` reports its response gone within a short while.
    async fn gone_soon(client: ClientGone) -> bool {
        tokio::time::timeout(Duration::from_millis(200), client.wait())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn the_client_counts_as_waiting_while_the_body_is_unread() {
        let (handed, receive) = oneshot::channel();
        let response = router(handed).oneshot(get_root()).await;
        let client = receive.await.expect("the page ran");
        assert!(!gone_soon(client).await);
        drop(response);
    }

    #[tokio::test]
    async fn dropping_the_response_tells_the_request_its_client_is_gone() {
        let (handed, receive) = oneshot::channel();
        let response = router(handed).oneshot(get_root()).await;
        let client = receive.await.expect("the page ran");
        drop(response);
        assert!(gone_soon(client).await);
    }
}
