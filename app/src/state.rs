//! Server state shared by every request: Leptos options and the database, provided as context.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;

use ipnet::IpNet;
use tokio::sync::Notify;

use crate::{
    account::picture::UploadSlots, db::Db, error::AppError, owner_hold::OwnerHold,
    reset::mail::Mailer,
};

/// Deployment settings the app needs at request time.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure` (serve over https only).
    pub secure_cookies: bool,
    /// The site's public address, for links in emails, feeds and sitemaps (e.g. `https://blog.example`).
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` is believed (empty: the peer is the client).
    pub trusted_proxies: Vec<IpNet>,
}

impl Settings {
    /// The public address without a trailing slash, ready for a path to be appended.
    pub fn site_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// What every route and server function can reach on the server.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Where the site's assets live and how they are named.
    pub leptos_options: LeptosOptions,
    /// The database pool.
    pub db: Db,
    /// Deployment settings.
    pub settings: Settings,
    /// Sends email.
    pub mailer: Arc<Mailer>,
    /// The secret key that signs password-reset tokens.
    pub secret: Arc<[u8]>,
    /// Wakes this instance's mail task when a message is queued.
    pub mail_wakeup: Arc<Notify>,
    /// The picture uploads in flight.
    pub uploads: Arc<UploadSlots>,
}

impl AppState {
    /// State for a server with these options, database, settings, mailer and secret key.
    pub fn new(
        leptos_options: LeptosOptions,
        db: Db,
        settings: Settings,
        mailer: Mailer,
        secret: Vec<u8>,
    ) -> Self {
        Self {
            leptos_options,
            db,
            settings,
            mailer: Arc::new(mailer),
            secret: secret.into(),
            mail_wakeup: Arc::default(),
            uploads: Arc::default(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state of the request being served.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState is missing from the request context");
        AppError::Internal
    })
}

/// The database of the request being served; the error instead when this request already
/// found the database failing (see [`crate::totals::failed_read`]), so the page answers it at
/// once rather than waiting on the database a second time.
pub fn db() -> Result<Db, AppError> {
    if let Some(error) = crate::totals::failed_read() {
        return Err(error);
    }
    app_state().map(|state| state.db)
}

/// Runs a server function's `work`, then sets the HTTP status of the current response to match
/// its error, if any. The request's reactive owners are held until then ([`OwnerHold`]), so the
/// contexts `work` reads after its first `await` stay reachable even when the client has gone.
///
/// A plain HTML form post (no JavaScript) is left alone: Leptos answers it with a redirect back
/// to the form carrying the error, and that redirect must keep its 302.
pub async fn with_status<T>(
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let _owners = OwnerHold::current();
    let result = work.await;
    let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>())
    else {
        return result;
    };
    if is_plain_form_post() {
        return result;
    }
    response.set_status(error.status_code());
    if let Some(seconds) = error.retry_after() {
        response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    result
}

fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}

#[cfg(test)]
mod tests {
    use leptos::{prelude::Owner, reactive::computed::ScopedFuture};
    use leptos_axum::ResponseOptions;
    use tokio::sync::oneshot;

    use super::*;

    #[tokio::test]
    async fn the_status_is_set_even_when_the_request_dropped_its_owners_meanwhile() {
        let request = Owner::new();
        let response = ResponseOptions::default();
        request.with(|| provide_context(response.clone()));
        let page = request.child();
        let (finish, finished) = oneshot::channel::<()>();
        // As Leptos runs a page's data loading: the page's owner set on every poll.
        let work = page.with(|| {
            ScopedFuture::new_untracked(with_status(async {
                let _ = finished.await;
                Err::<(), _>(AppError::NotFound)
            }))
        });
        let task = tokio::spawn(work);
        tokio::task::yield_now().await;
        drop(request);
        drop(page);
        let _ = finish.send(());
        let result = task.await.expect("the work ran");
        assert!(matches!(result, Err(AppError::NotFound)));
        assert_eq!(
            response.0.read().ok().and_then(|parts| parts.status),
            Some(http::StatusCode::NOT_FOUND)
        );
    }
}
