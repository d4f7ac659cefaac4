//! The durable delivery queue. Each queued activity is claimed by one instance at a time,
//! signed with its author's key and POSTed to the follower's inbox; a failure is retried with
//! exponential backoff and jitter for days, then given up on (a log line, a count, and the row
//! kept as failed). A server that refuses for good (404, 410 and the like) is given up on at
//! once.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};

use crate::{
    federation::{keys, repo, repo::QueuedDelivery},
    server_only::{clock::unix_now, db::DbError, state::AppState},
};

/// How deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Wait before the second attempt; doubles with each further attempt.
    pub first_delay_secs: i64,
    /// Longest wait between two attempts.
    pub max_delay_secs: i64,
    /// How long after it was queued a delivery is given up on.
    pub give_up_after_secs: i64,
    /// How long a claimed delivery is reserved for the instance sending it.
    pub lease_secs: i64,
    /// How often the queue is looked at when nothing wakes the task.
    pub poll: Duration,
    /// Deliveries sent at once by one instance.
    pub workers: usize,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            first_delay_secs: 60,
            max_delay_secs: 6 * 60 * 60,
            give_up_after_secs: 3 * 24 * 60 * 60,
            lease_secs: 120,
            poll: Duration::from_secs(2),
            workers: 4,
        }
    }
}

impl DeliveryPolicy {
    /// Seconds to wait after the `attempts`-th failed attempt, before jitter.
    pub fn delay_after(&self, attempts: i64) -> i64 {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.first_delay_secs
            .saturating_mul(1_i64 << doublings)
            .min(self.max_delay_secs)
    }

    /// [`Self::delay_after`], spread by up to a quarter either way so that deliveries that
    /// failed together are not all tried again at the same moment.
    pub fn jittered_delay_after(&self, attempts: i64) -> i64 {
        let delay = self.delay_after(attempts);
        let spread = delay / 4;
        if spread == 0 {
            return delay;
        }
        let offset = i64::from(OsRng.next_u32()) % (2 * spread + 1) - spread;
        (delay + offset).max(1)
    }
}

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
            federation.count_delivered();
            tracing::debug!(inbox = %delivery.inbox, activity = %delivery.activity_id, "activity delivered");
            Ok(Outcome::Delivered)
        }
        Err((permanent, error))
            if permanent || now - delivery.created_at >= policy.give_up_after_secs =>
        {
            repo::mark_failed(&state.db, delivery.id, now, &error).await?;
            federation.count_gave_up();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_its_cap() {
        let policy = DeliveryPolicy::default();
        assert_eq!(policy.delay_after(1), 60);
        assert_eq!(policy.delay_after(2), 120);
        assert_eq!(policy.delay_after(40), 6 * 60 * 60);
    }

    #[test]
    fn jitter_stays_within_a_quarter_of_the_delay() {
        let policy = DeliveryPolicy::default();
        for _ in 0..100 {
            let delay = policy.jittered_delay_after(3);
            assert!((180..=300).contains(&delay), "{delay}");
        }
    }
}
