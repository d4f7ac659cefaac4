//! Accounts under abuse, through the real router, one file per topic; the helpers they share.

mod hostile_input;
mod identities;
mod login_limits;
mod sessions;

use std::{collections::HashMap, sync::Arc};

use crate::support::{
    Backend, Options, Response, TestServer, peak_rss_kib, reset_peak_rss_kib, start, start_on,
    start_second, start_with,
};
use app::{
    auth::repo::count_sessions_for_user, posts::repo::find_post,
    server_only::rate_limit::LOGIN_ACCOUNT, users::repo::find_user_by_username,
};
use base64::{Engine, engine::general_purpose::URL_SAFE};

/// A server that believes `X-Forwarded-For` from loopback, as behind a local reverse proxy.
async fn behind_proxy() -> TestServer {
    behind_proxy_on(&Backend::Sqlite).await
}

/// [`behind_proxy`] on `backend`.
async fn behind_proxy_on(backend: &Backend) -> TestServer {
    start_with(Options {
        trusted_proxies: "127.0.0.1",
        backend: backend.clone(),
        ..Options::default()
    })
    .await
}

async fn wrong_login_from(
    server: &TestServer,
    email: &str,
    client: &str,
) -> crate::support::Response {
    server
        .post_form_with(
            "/api/login",
            &[("email", email), ("password", "wrong-password")],
            None,
            &[("X-Forwarded-For", client)],
        )
        .await
}

fn statuses(responses: &[crate::support::Response]) -> HashMap<u16, usize> {
    let mut counts = HashMap::new();
    for response in responses {
        *counts.entry(response.status).or_default() += 1;
    }
    counts
}
