//! SQL of the live events: read in order from an id, where the backlog starts and ends, and
//! its trimming.

use crate::{
    live::model::Change,
    posts::repo::tags_by_post,
    server_only::db::{Db, DbError},
    with_pool,
};

/// A change as the database keeps it: its place in the order of changes, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChange {
    /// Its id: events are numbered in the order they were committed.
    pub id: i64,
    /// What changed.
    pub change: Change,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    post_id: Option<i64>,
    user_id: Option<i64>,
}

/// The first and last ids of the events kept, `None` when none are.
pub async fn backlog_bounds(db: &Db) -> Result<Option<(i64, i64)>, DbError> {
    let (first, last): (Option<i64>, Option<i64>) = with_pool!(db, |pool| sqlx::query_as(
        "select min(id), max(id) from live_events"
    )
    .fetch_one(pool)
    .await)?;
    Ok(first.zip(last))
}

/// The id of the newest event (0 when none was ever kept): what a page that has seen
/// everything has seen.
pub async fn latest_event_id(db: &Db) -> Result<i64, DbError> {
    Ok(backlog_bounds(db).await?.map_or(0, |(_, last)| last))
}

/// Up to `limit` events after `after`, oldest first, with the tags of each published post
/// (two statements, whatever the number of events).
pub async fn events_after(db: &Db, after: i64, limit: i64) -> Result<Vec<StoredChange>, DbError> {
    let rows: Vec<EventRow> = with_pool!(db, |pool| sqlx::query_as(
        "select id, kind, post_id, user_id from live_events where id > $1 order by id limit $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    let published: Vec<i64> = rows
        .iter()
        .filter(|row| row.kind == "published")
        .filter_map(|row| row.post_id)
        .collect();
    let tags = tags_by_post(db, &published).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let post = row.post_id.unwrap_or(0);
            let change = match row.kind.as_str() {
                "published" => Change::Published {
                    post,
                    author: row.user_id.unwrap_or(0),
                    tags: tags
                        .iter()
                        .filter(|(id, _)| *id == post)
                        .map(|(_, tag)| tag.key.clone())
                        .collect(),
                },
                "edited" => Change::Edited { post },
                "deleted" => Change::Deleted { post },
                "users" => Change::Users,
                _ => return None,
            };
            Some(StoredChange { id: row.id, change })
        })
        .collect())
}

/// An event as stored: its id, kind, post and author.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRecord {
    /// Its place in the order of changes.
    pub id: i64,
    /// `published`, `edited`, `deleted` or `users`.
    pub kind: String,
    /// The post it is about, if any.
    pub post_id: Option<i64>,
    /// The post's author, or the user it is about.
    pub user_id: Option<i64>,
}

/// Up to `limit` events after `after`, oldest first, as stored (federation reads these).
pub async fn records_after(db: &Db, after: i64, limit: i64) -> Result<Vec<EventRecord>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, EventRecord>(
        "select id, kind, post_id, user_id from live_events where id > $1 order by id limit $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// Deletes all but the newest `keep` events, and never one federation has yet to send;
/// returns how many went.
pub async fn trim_events(db: &Db, keep: i64) -> Result<u64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query(
        "delete from live_events where id <= (select max(id) from live_events) - $1 \
         and id <= (select last_event from federation_cursor where id = 1)"
    )
    .bind(keep)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?)
}
