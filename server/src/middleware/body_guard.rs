//! Response bodies that keep a value alive until they are dropped: after the last byte has been
//! written, or as soon as the connection closes.
//!
//! Pages stream, so a handler returns long before its page is written; whatever must last as long
//! as the answer (a search's slot, the signal that the client is still there) rides in the body.

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use axum::{
    body::{Body, Bytes},
    response::Response,
};
use hyper::body::{Body as HttpBody, Frame, SizeHint};

/// `response`, whose body now keeps `held` alive until the body is dropped.
pub fn hold_until_sent<T: Send + Unpin + 'static>(response: Response, held: T) -> Response {
    response.map(|body| Body::new(GuardedBody { body, _held: held }))
}

/// A body and the value it keeps alive.
struct GuardedBody<T> {
    body: Body,
    _held: T,
}

impl<T: Unpin> HttpBody for GuardedBody<T> {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::response::IntoResponse;

    use super::*;

    #[tokio::test]
    async fn the_body_passes_through_unchanged() {
        let response = hold_until_sent("page".into_response(), ());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        assert_eq!(&body[..], b"page");
    }

    #[test]
    fn the_value_lives_as_long_as_the_response() {
        let held = Arc::new(());
        let response = hold_until_sent("page".into_response(), Arc::clone(&held));
        assert_eq!(Arc::strong_count(&held), 2);
        drop(response);
        assert_eq!(Arc::strong_count(&held), 1);
    }
}
