//! Whether the visitor who asked is still waiting for the answer, for work worth stopping when not.
//!
//! Leptos runs a page's resources as detached tasks, so a visitor who closes the tab or gives up
//! does not stop them: a burst of abandoned searches would keep ranking, one after another, long
//! after everyone left. The server puts a [`ClientGone`] in the extensions of each request that
//! ranks posts (a search) and keeps its [`ResponseAlive`] with the response until the last byte is
//! written or the connection drops.

use tokio::sync::watch;

/// The request's side: learns when its response has been dropped. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ClientGone(watch::Receiver<()>);

/// The response's side: while it lives, the client may still want the answer.
#[derive(Debug)]
pub struct ResponseAlive {
    // Never sent on: only its drop matters.
    _sender: watch::Sender<()>,
}

/// A linked pair: dropping the [`ResponseAlive`] wakes every clone of the [`ClientGone`].
pub fn watch_response() -> (ResponseAlive, ClientGone) {
    let (sender, receiver) = watch::channel(());
    (ResponseAlive { _sender: sender }, ClientGone(receiver))
}

impl ClientGone {
    /// The one of the request being served (a page or a server function), if the server put one
    /// in its extensions.
    pub fn current() -> Option<Self> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Self>().cloned())
    }

    /// Resolves once the response is gone; never, while it lives.
    pub async fn wait(mut self) {
        // Nothing is ever sent: `changed` only returns, with an error, when the sender drops.
        while self.0.changed().await.is_ok() {}
    }
}

/// Runs `work` for the current request (the one in context when this is called), unless its
/// client goes first: then `work` is dropped where it stands and the result is `gone()`. Outside
/// a request, `work` simply runs.
pub fn unless_gone<T, E>(
    work: impl Future<Output = Result<T, E>>,
    gone: impl FnOnce() -> E,
) -> impl Future<Output = Result<T, E>> {
    let client = ClientGone::current();
    async move {
        match client {
            Some(client) => tokio::select! {
                biased;
                result = work => result,
                () = client.wait() => Err(gone()),
            },
            None => work.await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::server_only::test_request::owner_with;

    #[tokio::test]
    async fn work_stops_when_the_response_is_dropped() {
        let (alive, client) = watch_response();
        let owner = owner_with(client);
        let work = std::future::pending::<Result<(), &str>>();
        drop(alive);
        let result = owner.with(|| unless_gone(work, || "gone")).await;
        assert_eq!(result, Err("gone"));
    }

    #[tokio::test]
    async fn work_finishes_while_the_response_lives() {
        let (_alive, client) = watch_response();
        let owner = owner_with(client);
        let work = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok::<_, &str>(7)
        };
        let result = owner.with(|| unless_gone(work, || "gone")).await;
        assert_eq!(result, Ok(7));
    }

    #[tokio::test]
    async fn work_outside_a_request_runs_to_the_end() {
        let result = unless_gone(async { Ok::<_, &str>(1) }, || "gone").await;
        assert_eq!(result, Ok(1));
    }
}
