//! SQL for rate-limit counters: one row per key, written once for both backends.

use crate::{
    server_only::db::{Db, DbError},
    with_pool,
};

/// A counter after a hit: requests in the current window, and when the window began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Counter {
    /// Requests counted in this window, this one included.
    pub hits: i64,
    /// Unix time the window began.
    pub window_start: i64,
}

/// Counts one request for `key` at `now` in one atomic upsert: a window older than
/// `window_secs` starts over at 1.
pub async fn hit(db: &Db, key: &str, now: i64, window_secs: i64) -> Result<Counter, DbError> {
    let sql = "insert into rate_limits (key, window_start, hits) values ($1, $2, 1) \
               on conflict (key) do update set \
               hits = case when rate_limits.window_start <= $3 then 1 else rate_limits.hits + 1 end, \
               window_start = case when rate_limits.window_start <= $3 then $2 else rate_limits.window_start end \
               returning hits, window_start";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Counter>(sql)
        .bind(key)
        .bind(now)
        .bind(now - window_secs)
        .fetch_one(pool)
        .await)?)
}

/// Requests counted for `key` in its latest window (0 when there is no counter).
pub async fn hits(db: &Db, key: &str) -> Result<i64, DbError> {
    let counted: Option<i64> = with_pool!(db, |pool| sqlx::query_scalar(
        "select hits from rate_limits where key = $1"
    )
    .bind(key)
    .fetch_optional(pool)
    .await)?;
    Ok(counted.unwrap_or(0))
}

/// Takes one request back from `key`'s count.
pub async fn refund(db: &Db, key: &str) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "update rate_limits set hits = hits - 1 where key = $1 and hits > 0"
    )
    .bind(key)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Deletes `key`'s counter.
pub async fn clear(db: &Db, key: &str) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query(
        "delete from rate_limits where key = $1"
    )
    .bind(key)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Deletes every counter whose window began at or before `before`; returns how many.
pub async fn delete_expired(db: &Db, before: i64) -> Result<u64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query(
        "delete from rate_limits where window_start <= $1"
    )
    .bind(before)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?)
}
