//! SQL for the mail queue: enqueue, claim one due message (once, across instances), and record
//! how its delivery went.

use crate::{
    server_only::db::{Db, DbError},
    with_pool,
};

/// A claimed message, about to be delivered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMail {
    /// Queue id.
    pub id: i64,
    /// What to send (`password_reset`).
    pub kind: String,
    /// The address it goes to.
    pub recipient: String,
    /// Delivery attempts so far, this one included.
    pub attempts: i64,
}

/// A row as `quire mail status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MailStatusRow {
    /// Queue id.
    pub id: i64,
    /// What to send.
    pub kind: String,
    /// The address it goes to.
    pub recipient: String,
    /// Unix time it was queued.
    pub created_at: i64,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// Unix time of the next attempt.
    pub next_attempt_at: i64,
    /// Unix time it was given up on, if it was.
    pub failed_at: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// How many messages are waiting, sent and given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct MailCounts {
    /// Not yet sent, still being tried.
    pub queued: i64,
    /// Delivered.
    pub sent: i64,
    /// Given up on after every attempt failed.
    pub failed: i64,
}

/// Queues a message of `kind` for `recipient`, due at once; returns its id.
pub async fn enqueue(db: &Db, kind: &str, recipient: &str, now: i64) -> Result<i64, DbError> {
    let sql = "insert into mail_queue (kind, recipient, created_at, next_attempt_at) \
               values ($1, $2, $3, $3) returning id";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(kind)
        .bind(recipient)
        .bind(now)
        .fetch_one(pool)
        .await)?)
}

/// Claims the oldest due message that no live claim holds, until `lease_until`, counting the
/// attempt. Postgres skips rows another instance has locked; SQLite runs the one statement
/// alone, so on both a message is claimed by one instance at a time.
pub async fn claim_due(db: &Db, now: i64, lease_until: i64) -> Result<Option<QueuedMail>, DbError> {
    const POSTGRES: &str = "update mail_queue set claimed_until = $2, attempts = attempts + 1 \
        where id = (select id from mail_queue \
            where sent_at is null and failed_at is null and next_attempt_at <= $1 \
            and (claimed_until is null or claimed_until < $1) \
            order by next_attempt_at, id limit 1 for update skip locked) \
        returning id, kind, recipient, attempts";
    const SQLITE: &str = "update mail_queue set claimed_until = $2, attempts = attempts + 1 \
        where id = (select id from mail_queue \
            where sent_at is null and failed_at is null and next_attempt_at <= $1 \
            and (claimed_until is null or claimed_until < $1) \
            order by next_attempt_at, id limit 1) \
        returning id, kind, recipient, attempts";
    Ok(match db {
        Db::Postgres(pool) => {
            sqlx::query_as::<_, QueuedMail>(POSTGRES)
                .bind(now)
                .bind(lease_until)
                .fetch_optional(pool)
                .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_as::<_, QueuedMail>(SQLITE)
                .bind(now)
                .bind(lease_until)
                .fetch_optional(pool)
                .await?
        }
    })
}

/// Records a delivered message.
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "update mail_queue set sent_at = $1, claimed_until = null, last_error = null where id = $2"
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Schedules another attempt at `next_attempt_at`, keeping why this one failed.
pub async fn reschedule(
    db: &Db,
    id: i64,
    next_attempt_at: i64,
    error: &str,
) -> Result<(), DbError> {
    with_pool!(db, |pool| {
        sqlx::query(
        "update mail_queue set next_attempt_at = $1, claimed_until = null, last_error = $2 where id = $3"
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Gives up on a message after its last attempt; it stays in the queue for `quire mail status`.
pub async fn mark_failed(db: &Db, id: i64, now: i64, error: &str) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "update mail_queue set failed_at = $1, claimed_until = null, last_error = $2 where id = $3"
    )
    .bind(now)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Removes a message that has nothing to send (a reset request for an address with no account).
pub async fn delete(db: &Db, id: i64) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "delete from mail_queue where id = $1"
    )
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Deletes messages delivered at or before `before`; returns how many.
pub async fn delete_sent_before(db: &Db, before: i64) -> Result<u64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query(
        "delete from mail_queue where sent_at is not null and sent_at <= $1"
    )
    .bind(before)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?)
}

/// How many messages are queued, sent and failed.
pub async fn counts(db: &Db) -> Result<MailCounts, DbError> {
    let sql = "select \
               coalesce(sum(case when sent_at is null and failed_at is null then 1 else 0 end), 0) as queued, \
               coalesce(sum(case when sent_at is not null then 1 else 0 end), 0) as sent, \
               coalesce(sum(case when failed_at is not null then 1 else 0 end), 0) as failed \
               from mail_queue";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, MailCounts>(sql)
        .fetch_one(pool)
        .await)?)
}

/// Every message not delivered: still queued, or failed; oldest first.
pub async fn list_undelivered(db: &Db) -> Result<Vec<MailStatusRow>, DbError> {
    let sql = "select id, kind, recipient, created_at, attempts, next_attempt_at, failed_at, last_error \
               from mail_queue where sent_at is null order by id";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, MailStatusRow>(
        sql
    )
    .fetch_all(pool)
    .await)?)
}
