//! Live events turned into deliveries. Every post that goes public, is edited, or stops being
//! public leaves a live event in the writing transaction (the outbox); this task turns each
//! into one activity per follower's server and moves the federation cursor past it in the same
//! transaction as the deliveries it queues, so that with several instances on one database
//! each event is federated exactly once, and a restart loses none.

use std::time::Duration;

use crate::{
    federation::{
        activities,
        repo::{self, NewDelivery},
    },
    live::repo::{self as live, EventRecord},
    posts::repo as posts,
    server_only::{clock::unix_now, db::DbError, state::AppState},
    users::repo as users,
};

/// Events read at once.
pub const BATCH: i64 = 100;
/// How often new events are looked for.
pub const POLL: Duration = Duration::from_secs(1);

/// Turns every event after the cursor into deliveries; returns how many were queued.
pub async fn fan_out(state: &AppState) -> Result<usize, DbError> {
    let mut queued = 0;
    loop {
        let from = repo::read_cursor(&state.db).await?;
        let events = live::records_after(&state.db, from, BATCH).await?;
        let Some(to) = events.last().map(|event| event.id) else {
            return Ok(queued);
        };
        let mut deliveries = Vec::new();
        if state.federation.enabled() {
            for event in &events {
                deliveries.extend(deliveries_for(state, event).await?);
            }
        }
        if repo::advance_cursor(&state.db, from, to, &deliveries, unix_now()).await? {
            queued += deliveries.len();
        }
    }
}

/// The deliveries one event makes: its activity, once per follower's server.
async fn deliveries_for(
    state: &AppState,
    event: &EventRecord,
) -> Result<Vec<NewDelivery>, DbError> {
    let (Some(post_id), Some(author)) = (event.post_id, event.user_id) else {
        return Ok(Vec::new());
    };
    let inboxes = repo::follower_inboxes(&state.db, author).await?;
    if inboxes.is_empty() {
        return Ok(Vec::new());
    }
    let urls = &state.federation.urls;
    let activity = match event.kind.as_str() {
        "published" | "edited" => {
            // A post deleted or unpublished since has an event of its own further on.
            let Some(post) = posts::find_post(&state.db, post_id).await? else {
                return Ok(Vec::new());
            };
            if event.kind == "published" {
                activities::create(urls, &post, event.id)
            } else {
                activities::update(urls, &post, event.id)
            }
        }
        "deleted" => {
            let Some(user) = users::find_user_by_id(&state.db, author).await? else {
                return Ok(Vec::new());
            };
            activities::delete(urls, post_id, &user.username, event.id)
        }
        _ => return Ok(Vec::new()),
    };
    let activity_id = activity["id"].as_str().unwrap_or_default().to_owned();
    let body = activity.to_string();
    Ok(inboxes
        .into_iter()
        .map(|inbox| NewDelivery {
            inbox,
            signer: author,
            activity_id: activity_id.clone(),
            body: body.clone(),
        })
        .collect())
}

/// Runs forever: fans out new events, then wakes the delivery tasks when it queued any.
pub async fn run(state: AppState) {
    let mut ticks = tokio::time::interval(POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match fan_out(&state).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::debug!(queued, "deliveries queued");
                state.federation.wakeup.notify_waiters();
            }
            Err(error) => tracing::warn!(%error, "live events could not be federated"),
        }
    }
}
