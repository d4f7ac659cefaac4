//! The durable delivery queue. Each queued activity is claimed by one instance at a time,
//! signed with its author's key and POSTed to the follower's inbox; a failure is retried with
//! exponential backoff and jitter for days, then given up on (a log line, a count, and the row
//! kept as failed). A server that refuses for good (404, 410 and the like) is given up on at
//! once. What was given up on stays listed (`quire federation status`).

use crate::{
    federation::{keys, repo, repo::QueuedDelivery},
    server_only::{clock::unix_now, db::DbError, state::AppState},
};

/// What became of one claimed delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The inbox took it.
    Delivered,
    /// It failed; tried again later.
    Retrying,
    /// It failed for the last time, or for good.
    GaveUp,
}

/// Sends due deliveries until none is left; returns what became of each.
pub async fn deliver_due(state: &AppState) -> Result<Vec<Outcome>, DbError> {
    let policy = state.federation.policy;
    let mut outcomes = Vec::new();
    loop {
        let now = unix_now();
        let Some(delivery) = repo::claim_due(&state.db, now, now + policy.lease_secs).await? else {
            return Ok(outcomes);
        };
        outcomes.push(deliver(state, &delivery).await?);
    }
}

async fn deliver(state: &AppState, delivery: &QueuedDelivery) -> Result<Outcome, DbError> {
    let federation = &state.federation;
    let policy = federation.policy;
    let sent = match keys::author_signer(
        &state.db,
        &federation.urls,
        delivery.signer,
        &delivery.username,
    )
    .await
    {
        Ok(signer) => match federation.client() {
            Ok(client) => client
                .post_activity(&delivery.inbox, &delivery.body, &signer)
                .await
                .map_err(|error| (error.is_permanent(), error.to_string())),
            Err(error) => Err((false, error.to_string())),
        },
        Err(error) => Err((false, error.to_string())),
    };
    let now = unix_now();
    match sent {
        Ok(()) => {
            repo::delete_delivery(&state.db, delivery.id).await?;
            tracing::debug!(inbox = %delivery.inbox, activity = %delivery.activity_id, "activity delivered");
            Ok(Outcome::Delivered)
        }
        Err((permanent, error))
            if permanent || now - delivery.created_at >= policy.give_up_after_secs =>
        {
            repo::mark_failed(&state.db, delivery.id, now, &error).await?;
            tracing::warn!(inbox = %delivery.inbox, activity = %delivery.activity_id, attempts = delivery.attempts, %error, "delivery given up on");
            Ok(Outcome::GaveUp)
        }
        Err((_, error)) => {
            let delay = policy.jittered_delay_after(delivery.attempts);
            tracing::info!(inbox = %delivery.inbox, attempts = delivery.attempts, retry_in_secs = delay, %error, "delivery failed; will retry");
            repo::reschedule(&state.db, delivery.id, now + delay, &error).await?;
            Ok(Outcome::Retrying)
        }
    }
}

/// Runs forever: sends due deliveries, then sleeps until woken or the poll interval passes.
pub async fn run(state: AppState) {
    loop {
        if let Err(error) = deliver_due(&state).await {
            tracing::error!(%error, "the delivery queue could not be read");
        }
        let _ = tokio::time::timeout(
            state.federation.policy.poll,
            state.federation.wakeup.notified(),
        )
        .await;
    }
}
