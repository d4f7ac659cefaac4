//! Background work of every instance: the mail queue's delivery task, federation's fan-out and
//! delivery tasks, the publishing of scheduled posts as they fall due, a periodic sweep of expired sessions, expired rate-limit counters, old
//! delivered mail and live events beyond the backlog, and once after start the rendering again
//! of posts stored by an older Markdown renderer.

use std::time::Duration;

use crate::{
    auth::repo::delete_expired_sessions,
    federation::{delivery, fanout, repo as federation_repo},
    live::{hub::BACKLOG, repo as live_repo},
    mail::{
        queue::{self, RetryPolicy},
        repo as mail_repo,
    },
    pictures::repo as pictures_repo,
    posts::{rendering::spawn_render_stale_posts, schedule::spawn_publisher},
    server_only::clock::{now, unix_now},
    server_only::db::DbError,
    server_only::rate_limit::{self, LONGEST_WINDOW_SECS},
    server_only::state::AppState,
};

/// How often expired rows are swept.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);
/// How long delivered mail stays listed.
pub const KEEP_SENT_MAIL_SECS: i64 = 7 * 24 * 60 * 60;

/// How long an uploaded picture waits for a post to show it (the post being written).
pub const KEEP_UNUSED_PICTURES: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// What one sweep deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swept {
    /// Expired sessions.
    pub sessions: u64,
    /// Rate-limit counters whose window has passed.
    pub counters: u64,
    /// Delivered mail older than a week.
    pub mail: u64,
    /// Pictures uploaded more than a day ago that no post shows.
    pub pictures: u64,
    /// Live events older than the backlog keeps.
    pub live_events: u64,
    /// Deliveries given up on more than a month ago.
    pub deliveries: u64,
}

/// How long deliveries given up on stay listed.
pub const KEEP_FAILED_DELIVERIES_SECS: i64 = 30 * 24 * 60 * 60;

/// Deletes what has expired.
pub async fn sweep(state: &AppState) -> Result<Swept, DbError> {
    let unix = unix_now();
    Ok(Swept {
        sessions: delete_expired_sessions(&state.db, now()).await?,
        counters: rate_limit::repo::delete_expired(&state.db, unix - LONGEST_WINDOW_SECS).await?,
        mail: mail_repo::delete_sent_before(&state.db, unix - KEEP_SENT_MAIL_SECS).await?,
        pictures: pictures_repo::delete_unused_before(&state.db, now() - KEEP_UNUSED_PICTURES)
            .await?,
        live_events: live_repo::trim_events(&state.db, BACKLOG).await?,
        deliveries: federation_repo::delete_failed_before(
            &state.db,
            unix - KEEP_FAILED_DELIVERIES_SECS,
        )
        .await?,
    })
}

/// Starts the mail task, the publisher of scheduled posts, the periodic sweep and, once, the rendering again of posts stored by an
/// older renderer, on the current runtime.
pub fn spawn_background(state: &AppState, policy: RetryPolicy) {
    tokio::spawn(queue::run(state.clone(), policy));
    spawn_federation(state);
    spawn_publisher(state.db.clone());
    spawn_render_stale_posts(state.db.clone());
    let state = state.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        loop {
            ticks.tick().await;
            match sweep(&state).await {
                Ok(swept) if swept != Swept::default() => {
                    tracing::debug!(?swept, "expired rows swept")
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "expired rows could not be swept"),
            }
        }
    });
}

/// Starts the fan-out of live events into deliveries and the delivery tasks. The fan-out runs
/// even with federation off, moving its cursor on without queueing anything, so the live
/// events it would otherwise hold back are swept.
pub fn spawn_federation(state: &AppState) {
    tokio::spawn(fanout::run(state.clone()));
    if state.federation.enabled() {
        for _ in 0..state.federation.policy.workers {
            tokio::spawn(delivery::run(state.clone()));
        }
    }
}
