//! SQL for post pictures: storing one, reading it to serve, an author's quota, which posts use
//! which picture, and freeing pictures no post uses.

use chrono::{DateTime, Utc};

use crate::{
    pictures::process::Picture,
    server_only::db::{Db, DbError},
    with_pool,
};

/// A stored picture's bytes and type, to serve.
#[derive(sqlx::FromRow)]
pub struct Served {
    /// MIME type.
    pub content_type: String,
    /// The encoded picture.
    pub data: Vec<u8>,
}

/// A stored picture, for an export.
#[derive(sqlx::FromRow)]
pub struct Exported {
    /// Content hash.
    pub hash: String,
    /// MIME type.
    pub content_type: String,
    /// The full copy.
    pub data: Vec<u8>,
}

/// Stores `$picture` on connection `$conn` unless its hash is stored already.
macro_rules! insert_picture_on {
    ($conn:expr, $user_id:expr, $picture:expr, $at:expr) => {{
        let picture: &$crate::pictures::process::Picture = $picture;
        sqlx::query(
            "insert into pictures (hash, user_id, content_type, width, height, data, small, bytes, \
             created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (hash) do nothing",
        )
        .bind(&picture.hash)
        .bind($user_id)
        .bind(picture.content_type)
        .bind(picture.width as i32)
        .bind(picture.height as i32)
        .bind(&picture.data)
        .bind(&picture.small)
        .bind(picture.bytes())
        .bind($at)
        .execute($conn)
        .await?;
    }};
}
pub(crate) use insert_picture_on;

/// Stores `picture` for `user_id`, or finds it when the same bytes are stored already.
pub async fn insert_picture(
    db: &Db,
    user_id: i64,
    picture: &Picture,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    with_pool!(db, |pool| insert_picture_on!(pool, user_id, picture, at));
    Ok(())
}

/// The bytes of `user_id`'s pictures, both copies, as the quota counts them.
pub async fn bytes_of(db: &Db, user_id: i64) -> Result<i64, DbError> {
    let sql = "select cast(coalesce(sum(bytes), 0) as bigint) from pictures where user_id = $1";
    Ok(with_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(user_id)
        .fetch_one(pool)
        .await)?)
}

/// The picture stored under `hash`: its full copy, or (`small`) its smaller one.
pub async fn find_picture(db: &Db, hash: &str, small: bool) -> Result<Option<Served>, DbError> {
    let sql = if small {
        "select content_type, small as data from pictures where hash = $1"
    } else {
        "select content_type, data from pictures where hash = $1"
    };
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Served>(sql)
        .bind(hash)
        .fetch_optional(pool)
        .await)?)
}

/// The picture stored under `hash`, for an export.
pub async fn find_exported(db: &Db, hash: &str) -> Result<Option<Exported>, DbError> {
    let sql = "select hash, content_type, data from pictures where hash = $1";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Exported>(sql)
        .bind(hash)
        .fetch_optional(pool)
        .await)?)
}

/// Links post `$post_id` to the stored pictures its `$content` shows, on connection `$conn`,
/// and frees the pictures it showed before that no post shows any more.
macro_rules! write_post_pictures {
    ($conn:expr, $post_id:expr, $content:expr) => {{
        let before: Vec<i64> =
            sqlx::query_scalar("select picture_id from post_pictures where post_id = $1")
                .bind($post_id)
                .fetch_all(&mut *$conn)
                .await?;
        sqlx::query("delete from post_pictures where post_id = $1")
            .bind($post_id)
            .execute(&mut *$conn)
            .await?;
        for hash in $crate::pictures::links::hashes($content) {
            sqlx::query(
                "insert into post_pictures (post_id, picture_id) \
                 select $1, id from pictures where hash = $2",
            )
            .bind($post_id)
            .bind(hash)
            .execute(&mut *$conn)
            .await?;
        }
        $crate::pictures::repo::free_unused!($conn, before);
    }};
}
pub(crate) use write_post_pictures;

/// Deletes the pictures of `$ids` that no post shows, on connection `$conn`.
macro_rules! free_unused {
    ($conn:expr, $ids:expr) => {{
        for id in $ids {
            sqlx::query(
                "delete from pictures where id = $1 \
                 and not exists (select 1 from post_pictures where picture_id = $1)",
            )
            .bind(id)
            .execute(&mut *$conn)
            .await?;
        }
    }};
}
pub(crate) use free_unused;

/// Deletes uploads stored before `before` that no post has ever shown (a post being written
/// whose author left); how many.
pub async fn delete_unused_before(db: &Db, before: DateTime<Utc>) -> Result<u64, DbError> {
    let sql = "delete from pictures where created_at < $1 \
               and not exists (select 1 from post_pictures where picture_id = pictures.id)";
    Ok(with_pool!(db, |pool| sqlx::query(sql)
        .bind(before)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
}

/// How many pictures are stored.
pub async fn count_pictures(db: &Db) -> Result<i64, DbError> {
    let sql = "select count(*) from pictures";
    Ok(with_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await)?)
}
