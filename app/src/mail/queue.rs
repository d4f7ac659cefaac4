//! The durable mail queue: requests store what to send and answer at once; a background task on
//! every instance claims due messages, renders and delivers them (SMTP or the outbox folder),
//! and retries failures with exponential backoff until it gives up and keeps them as failed.

use std::time::Duration;

use crate::{
    auth::repo::find_reset_identity_by_email,
    mail::repo,
    reset::token::issue_token,
    server_only::clock::{now, unix_now},
    server_only::db::{Db, DbError},
    server_only::state::AppState,
};

/// Kind of a queued password-reset email.
pub const PASSWORD_RESET: &str = "password_reset";

/// How delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait before the second attempt; doubles with each further attempt.
    pub first_delay_secs: i64,
    /// Longest wait between two attempts.
    pub max_delay_secs: i64,
    /// Attempts before a message is given up on.
    pub max_attempts: i64,
    /// How long a claimed message is reserved for the instance sending it.
    pub lease_secs: i64,
    /// How often the queue is looked at when nothing wakes the task.
    pub poll: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay_secs: 30,
            max_delay_secs: 60 * 60,
            max_attempts: 8,
            lease_secs: 5 * 60,
            poll: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Seconds to wait after the `attempts`-th failed attempt.
    pub fn delay_after(&self, attempts: i64) -> i64 {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.first_delay_secs
            .saturating_mul(1_i64 << doublings)
            .min(self.max_delay_secs)
    }
}

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered.
    Sent,
    /// Nothing to send (no account has that address); removed from the queue.
    Dropped,
    /// Failed; tried again later.
    Retrying,
    /// Failed for the last time; kept as failed.
    Failed,
}

/// Queues a password-reset email for whoever has `email`. The same work is done whether or
/// not an account has it: the account is looked up only when the message is sent.
pub async fn enqueue_password_reset(db: &Db, email: &str) -> Result<i64, DbError> {
    repo::enqueue(db, PASSWORD_RESET, email, unix_now()).await
}

/// Delivers due messages until none is left; returns what became of each.
pub async fn deliver_due(state: &AppState, policy: &RetryPolicy) -> Result<Vec<Outcome>, DbError> {
    let mut outcomes = Vec::new();
    loop {
        let now = unix_now();
        let Some(mail) = repo::claim_due(&state.db, now, now + policy.lease_secs).await? else {
            return Ok(outcomes);
        };
        outcomes.push(deliver(state, policy, &mail).await?);
    }
}

async fn deliver(
    state: &AppState,
    policy: &RetryPolicy,
    mail: &repo::QueuedMail,
) -> Result<Outcome, DbError> {
    let Some(letter) = render(state, mail).await? else {
        repo::delete(&state.db, mail.id).await?;
        return Ok(Outcome::Dropped);
    };
    match state
        .mailer
        .send(&letter.to, letter.subject, letter.body)
        .await
    {
        Ok(Some(path)) => {
            tracing::info!(id = mail.id, path = %path.display(), "email written to the outbox");
            repo::mark_sent(&state.db, mail.id, unix_now()).await?;
            Ok(Outcome::Sent)
        }
        Ok(None) => {
            tracing::info!(id = mail.id, "email sent");
            repo::mark_sent(&state.db, mail.id, unix_now()).await?;
            Ok(Outcome::Sent)
        }
        Err(error) if mail.attempts >= policy.max_attempts => {
            tracing::error!(id = mail.id, attempts = mail.attempts, %error, "email given up on; `quire mail status` lists it");
            repo::mark_failed(&state.db, mail.id, unix_now(), &error.to_string()).await?;
            Ok(Outcome::Failed)
        }
        Err(error) => {
            let delay = policy.delay_after(mail.attempts);
            tracing::warn!(id = mail.id, attempts = mail.attempts, retry_in_secs = delay, %error, "email not sent; will retry");
            repo::reschedule(&state.db, mail.id, unix_now() + delay, &error.to_string()).await?;
            Ok(Outcome::Retrying)
        }
    }
}

/// A message ready to send.
struct Letter {
    /// The account's own address, as stored: never the address as someone typed it.
    to: String,
    subject: &'static str,
    body: String,
}

/// The message a queued request becomes, or `None` when there is nothing to send. The queue
/// keeps the address as it was typed, only to find the account by; the message goes to the
/// address the account has.
async fn render(state: &AppState, mail: &repo::QueuedMail) -> Result<Option<Letter>, DbError> {
    if mail.kind != PASSWORD_RESET {
        tracing::error!(id = mail.id, kind = %mail.kind, "unknown kind of queued email dropped");
        return Ok(None);
    }
    let Some(identity) = find_reset_identity_by_email(&state.db, &mail.recipient).await? else {
        return Ok(None);
    };
    let token = issue_token(
        &state.secret,
        identity.user_id,
        &identity.password_hash,
        &identity.email,
        now(),
    );
    let link = format!("{}/reset_password/{token}", state.settings.site_url());
    let body = format!(
        "To reset your password, visit the following link:\n\n{link}\n\n\
         The link works for 30 minutes, once.\n\
         If you did not make this request, simply ignore this email and no changes will be made.\n"
    );
    Ok(Some(Letter {
        to: identity.email,
        subject: "Password Reset Request",
        body,
    }))
}

/// Runs forever: delivers due messages, then sleeps until woken by a new message or until
/// the poll interval passes.
pub async fn run(state: AppState, policy: RetryPolicy) {
    loop {
        if let Err(error) = deliver_due(&state, &policy).await {
            tracing::error!(%error, "mail queue could not be read");
        }
        let _ = tokio::time::timeout(policy.poll, state.mail_wakeup.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_its_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay_after(1), 30);
        assert_eq!(policy.delay_after(2), 60);
        assert_eq!(policy.delay_after(3), 120);
        assert_eq!(policy.delay_after(40), 3600);
    }
}
